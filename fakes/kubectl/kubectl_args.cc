#include "fakes/kubectl/kubectl_args.h"

#include <algorithm>
#include <limits>
#include <set>

namespace rundrill::fakes::kubectl {
namespace {

// kInt is Go's int (64 bits on the platforms kubectl ships for) and int64; kInt32 is
// int32. The widths follow kubectl's source (e.g. scale's --replicas is IntVar, logs'
// --tail and rollout's --revision/--to-revision are Int64Var).
enum class Kind { kBool, kString, kInt, kInt32 };

struct FlagDef {
  const char* name;
  char shorthand;  // 0 if none
  Kind kind;
  bool modelled;  // false: kubectl has it, rundrill does not model it (loud failure)
};

// kubectl's global flags. Only --namespace has an effect; the connection and identity
// flags are accepted and ignored because the simulated cluster is the only one there is.
const std::vector<FlagDef>& GlobalFlags() {
  static const std::vector<FlagDef> flags = {
      {"namespace", 'n', Kind::kString, true},
      {"context", 0, Kind::kString, true},
      {"cluster", 0, Kind::kString, true},
      {"user", 0, Kind::kString, true},
      {"kubeconfig", 0, Kind::kString, true},
      {"request-timeout", 0, Kind::kString, true},
      {"server", 's', Kind::kString, true},
      {"token", 0, Kind::kString, true},
      {"insecure-skip-tls-verify", 0, Kind::kBool, true},
      {"as", 0, Kind::kString, true},
      {"as-group", 0, Kind::kString, true},
      {"as-uid", 0, Kind::kString, true},
      {"v", 'v', Kind::kString, true},
      {"match-server-version", 0, Kind::kBool, true},
      {"certificate-authority", 0, Kind::kString, true},
      {"client-certificate", 0, Kind::kString, true},
      {"client-key", 0, Kind::kString, true},
      {"tls-server-name", 0, Kind::kString, true},
      {"cache-dir", 0, Kind::kString, true},
      {"username", 0, Kind::kString, true},
      {"password", 0, Kind::kString, true},
      {"warnings-as-errors", 0, Kind::kBool, true},
      {"disable-compression", 0, Kind::kBool, true},
      {"profile", 0, Kind::kString, true},
      {"profile-output", 0, Kind::kString, true},
      {"log-flush-frequency", 0, Kind::kString, true},
  };
  return flags;
}

const std::map<std::string, std::vector<FlagDef>>& CommandFlags() {
  static const std::map<std::string, std::vector<FlagDef>> flags = {
      {"get",
       {{"output", 'o', Kind::kString, true},
        {"selector", 'l', Kind::kString, true},
        {"all-namespaces", 'A', Kind::kBool, true},
        {"no-headers", 0, Kind::kBool, true},
        {"show-labels", 0, Kind::kBool, true},
        {"ignore-not-found", 0, Kind::kBool, true},
        {"chunk-size", 0, Kind::kInt, true},
        {"show-managed-fields", 0, Kind::kBool, true},
        {"server-print", 0, Kind::kBool, true},
        {"allow-missing-template-keys", 0, Kind::kBool, true},
        {"watch", 'w', Kind::kBool, false},
        {"watch-only", 0, Kind::kBool, false},
        {"output-watch-events", 0, Kind::kBool, false},
        {"field-selector", 0, Kind::kString, false},
        {"sort-by", 0, Kind::kString, true},
        {"label-columns", 'L', Kind::kString, false},
        {"show-kind", 0, Kind::kBool, false},
        {"raw", 0, Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"recursive", 'R', Kind::kBool, false},
        {"kustomize", 'k', Kind::kString, false},
        {"subresource", 0, Kind::kString, false},
        {"template", 0, Kind::kString, false}}},
      {"describe",
       {{"selector", 'l', Kind::kString, true},
        {"all-namespaces", 'A', Kind::kBool, true},
        {"show-events", 0, Kind::kBool, true},
        {"chunk-size", 0, Kind::kInt, true},
        {"filename", 'f', Kind::kString, false},
        {"recursive", 'R', Kind::kBool, false},
        {"kustomize", 'k', Kind::kString, false}}},
      {"logs",
       {{"container", 'c', Kind::kString, true},
        {"tail", 0, Kind::kInt, true},
        {"previous", 'p', Kind::kBool, true},
        {"selector", 'l', Kind::kString, true},
        {"all-containers", 0, Kind::kBool, true},
        {"max-log-requests", 0, Kind::kInt, true},
        {"pod-running-timeout", 0, Kind::kString, true},
        {"ignore-errors", 0, Kind::kBool, true},
        {"insecure-skip-tls-verify-backend", 0, Kind::kBool, true},
        {"follow", 'f', Kind::kBool, false},
        {"since", 0, Kind::kString, false},
        {"since-time", 0, Kind::kString, false},
        {"timestamps", 0, Kind::kBool, false},
        {"prefix", 0, Kind::kBool, false},
        {"limit-bytes", 0, Kind::kInt, false}}},
      {"rollout status",
       {{"timeout", 0, Kind::kString, true},
        {"watch", 'w', Kind::kBool, true},
        {"revision", 0, Kind::kInt, true},
        {"selector", 'l', Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"recursive", 'R', Kind::kBool, false},
        {"kustomize", 'k', Kind::kString, false}}},
      {"rollout undo",
       {{"to-revision", 0, Kind::kInt, true},
        {"dry-run", 0, Kind::kString, false},
        {"selector", 'l', Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"output", 'o', Kind::kString, false}}},
      {"rollout history",
       {{"revision", 0, Kind::kInt, true},
        {"output", 'o', Kind::kString, false},
        {"selector", 'l', Kind::kString, false},
        {"filename", 'f', Kind::kString, false}}},
      {"rollout restart",
       {{"field-manager", 0, Kind::kString, true},
        {"selector", 'l', Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"output", 'o', Kind::kString, false}}},
      {"rollout pause",
       {{"field-manager", 0, Kind::kString, true},
        {"selector", 'l', Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"output", 'o', Kind::kString, false}}},
      {"rollout resume",
       {{"field-manager", 0, Kind::kString, true},
        {"selector", 'l', Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"output", 'o', Kind::kString, false}}},
      {"scale",
       {{"replicas", 0, Kind::kInt, true},
        {"current-replicas", 0, Kind::kInt, true},
        {"timeout", 0, Kind::kString, true},
        {"selector", 'l', Kind::kString, false},
        {"all", 0, Kind::kBool, false},
        {"resource-version", 0, Kind::kString, false},
        {"output", 'o', Kind::kString, false},
        {"dry-run", 0, Kind::kString, false},
        {"filename", 'f', Kind::kString, false}}},
      {"set image",
       {{"record", 0, Kind::kBool, true},
        {"field-manager", 0, Kind::kString, true},
        {"all", 0, Kind::kBool, false},
        {"selector", 'l', Kind::kString, false},
        {"local", 0, Kind::kBool, false},
        {"dry-run", 0, Kind::kString, false},
        {"output", 'o', Kind::kString, false},
        {"filename", 'f', Kind::kString, false}}},
      {"delete",
       {{"grace-period", 0, Kind::kInt, true},
        {"force", 0, Kind::kBool, true},
        {"now", 0, Kind::kBool, true},
        {"wait", 0, Kind::kBool, true},
        {"ignore-not-found", 0, Kind::kBool, true},
        {"selector", 'l', Kind::kString, true},
        {"cascade", 0, Kind::kString, true},
        {"timeout", 0, Kind::kString, true},
        {"all", 0, Kind::kBool, false},
        {"all-namespaces", 'A', Kind::kBool, false},
        {"field-selector", 0, Kind::kString, false},
        {"dry-run", 0, Kind::kString, false},
        {"output", 'o', Kind::kString, false},
        {"filename", 'f', Kind::kString, false},
        {"raw", 0, Kind::kString, false}}},
      {"auth can-i",
       {{"all-namespaces", 'A', Kind::kBool, true},
        {"quiet", 'q', Kind::kBool, true},
        {"subresource", 0, Kind::kString, true},
        {"no-headers", 0, Kind::kBool, true},
        {"list", 0, Kind::kBool, false}}},
  };
  return flags;
}

// Commands whose second word is a sub-command.
bool HasSubcommand(const std::string& command) {
  static const std::set<std::string> kGroups = {"rollout", "set",         "auth",   "config",
                                                "create",  "top",         "plugin", "certificate",
                                                "apply",   "cluster-info"};
  return kGroups.count(command) != 0;
}

const FlagDef* FindLong(const std::vector<const FlagDef*>& set, const std::string& name) {
  for (const FlagDef* f : set) {
    if (name == f->name) return f;
  }
  return nullptr;
}

const FlagDef* FindShort(const std::vector<const FlagDef*>& set, char c) {
  for (const FlagDef* f : set) {
    if (f->shorthand == c) return f;
  }
  return nullptr;
}

// Every flag any command knows: used only to find the command path, so that the value of
// a flag placed before the command (`-n prod get`) is not taken for the command.
std::vector<const FlagDef*> AllFlags() {
  std::vector<const FlagDef*> out;
  for (const FlagDef& f : GlobalFlags()) out.push_back(&f);
  for (const auto& [cmd, flags] : CommandFlags()) {
    for (const FlagDef& f : flags) out.push_back(&f);
  }
  return out;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Go's strconv underscoreOK: underscores only between digits (or after a base prefix).
bool UnderscoreOk(const std::string& text) {
  char saw = '^';
  size_t i = 0;
  std::string s = text;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s = s.substr(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

std::optional<std::string> ValidBool(const std::string& v) {
  static const std::set<std::string> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static const std::set<std::string> kFalse = {"0", "f", "F", "FALSE", "false", "False"};
  if (kTrue.count(v)) return "true";
  if (kFalse.count(v)) return "false";
  return std::nullopt;
}

}  // namespace

std::string ParsedArgs::Get(const std::string& name, const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

bool ParsedArgs::Bool(const std::string& name) const { return Get(name) == "true"; }

int64_t ParsedArgs::Int(const std::string& name, int64_t fallback) const {
  auto it = flags.find(name);
  if (it == flags.end()) return fallback;
  std::string error;
  const std::optional<int64_t> v = ParseGoInt(it->second, 64, &error);
  return v ? *v : fallback;
}

std::optional<int64_t> ParseGoInt(const std::string& text, int bits, std::string* error) {
  // Mirrors strconv.ParseInt → ParseUint (Go 1.22), including which error wins: a bad
  // digit or an overflow ends the scan at once; misplaced underscores are checked last.
  const auto fail = [&](const char* reason) -> std::optional<int64_t> {
    *error = reason;
    return std::nullopt;
  };
  if (bits < 1 || bits > 64) bits = 64;
  std::string s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s = s.substr(1);
  }
  if (s.empty()) return fail("invalid syntax");
  const std::string unsigned_text = s;
  unsigned base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && Lower(s[1]) == 'b') {
      base = 2;
      s = s.substr(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
      base = 8;
      s = s.substr(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
      base = 16;
      s = s.substr(2);
    } else {
      base = 8;
      s = s.substr(1);
    }
  }
  const uint64_t max_u64 = ~uint64_t{0};
  const uint64_t cutoff = max_u64 / base + 1;
  const uint64_t max_val = bits == 64 ? max_u64 : (uint64_t{1} << bits) - 1;
  bool underscores = false;
  uint64_t n = 0;
  for (const char c : s) {
    unsigned d;
    if (c == '_') {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = static_cast<unsigned>(Lower(c) - 'a') + 10;
    } else {
      return fail("invalid syntax");
    }
    if (d >= base) return fail("invalid syntax");
    if (n >= cutoff) return fail("value out of range");
    n *= base;
    const uint64_t n1 = n + d;
    if (n1 < n || n1 > max_val) return fail("value out of range");
    n = n1;
  }
  if (underscores && !UnderscoreOk(unsigned_text)) return fail("invalid syntax");
  const uint64_t limit = uint64_t{1} << (bits - 1);
  if (!neg && n >= limit) return fail("value out of range");
  if (neg && n > limit) return fail("value out of range");
  // -(n) without overflowing when n is exactly 2^63.
  if (neg) return n == 0 ? 0 : -static_cast<int64_t>(n - 1) - 1;
  return static_cast<int64_t>(n);
}

bool IsKubectlCommand(const std::string& word) {
  static const std::set<std::string> kCommands = {
      "annotate",  "api-resources", "api-versions", "apply",      "attach",   "auth",
      "autoscale", "certificate",   "cluster-info", "completion", "config",   "cordon",
      "cp",        "create",        "debug",        "delete",     "describe", "diff",
      "drain",     "edit",          "events",       "exec",       "explain",  "expose",
      "get",       "help",          "kustomize",    "label",      "logs",     "options",
      "patch",     "plugin",        "port-forward", "proxy",      "replace",  "rollout",
      "run",       "scale",         "set",          "taint",      "top",      "uncordon",
      "version",   "wait"};
  return kCommands.count(word) != 0;
}

ParsedArgs ParseArgs(const std::vector<std::string>& args) {
  ParsedArgs out;
  out.raw = args;
  // Pass 1: the command path.
  {
    const std::vector<const FlagDef*> all = AllFlags();
    std::vector<std::string> words;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "--") break;
      if (a.size() > 1 && a[0] == '-') {
        if (a.find('=') != std::string::npos) continue;
        const FlagDef* f = a[1] == '-' ? FindLong(all, a.substr(2))
                                       : (a.size() == 2 ? FindShort(all, a[1]) : nullptr);
        if (f && f->kind != Kind::kBool) ++i;
        continue;
      }
      words.push_back(a);
      if (words.size() == 1 && !HasSubcommand(a)) break;
      if (words.size() == 2) break;
    }
    out.command = words;
  }
  const std::string path = [&] {
    std::string p;
    for (const std::string& w : out.command) p += (p.empty() ? "" : " ") + w;
    return p;
  }();
  std::vector<const FlagDef*> allowed;
  for (const FlagDef& f : GlobalFlags()) allowed.push_back(&f);
  auto cmd_flags = CommandFlags().find(path);
  if (cmd_flags != CommandFlags().end()) {
    for (const FlagDef& f : cmd_flags->second) allowed.push_back(&f);
  }
  const std::string hint =
      "\nSee 'kubectl" + (path.empty() ? "" : " " + path) + " --help' for usage.\n";
  auto fail = [&](const std::string& message) {
    if (!out.error) out.error = "error: " + message + hint;
  };
  auto set = [&](const FlagDef* f, const std::string& value, const std::string& shown) {
    if (!f->modelled && !out.unmodelled_flag) out.unmodelled_flag = std::string("--") + f->name;
    if (f->kind == Kind::kInt || f->kind == Kind::kInt32) {
      std::string reason;
      const std::optional<int64_t> n =
          ParseGoInt(value, f->kind == Kind::kInt32 ? 32 : 64, &reason);
      if (!n) {
        fail("invalid argument \"" + value + "\" for \"" + shown +
             "\" flag: strconv.ParseInt: parsing \"" + value + "\": " + reason);
        return;
      }
      out.flags[f->name] = std::to_string(*n);  // "0x10", "1_000" → decimal
      return;
    }
    if (f->kind == Kind::kBool) {
      const std::optional<std::string> b = ValidBool(value);
      if (!b) {
        fail("invalid argument \"" + value + "\" for \"" + shown +
             "\" flag: strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
        return;
      }
      out.flags[f->name] = *b;
      return;
    }
    out.flags[f->name] = value;
  };

  // Pass 2: flags and positionals, with the command's own flag set.
  size_t command_words = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      for (++i; i < args.size(); ++i) out.positionals.push_back(args[i]);
      break;
    }
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
      const size_t eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const FlagDef* f = FindLong(allowed, name);
      if (!f) {
        fail("unknown flag: --" + name);
        continue;
      }
      if (eq != std::string::npos) {
        set(f, a.substr(eq + 1), "--" + name);
      } else if (f->kind == Kind::kBool) {
        set(f, "true", "--" + name);
      } else if (i + 1 < args.size()) {
        set(f, args[++i], "--" + name);
      } else {
        fail("flag needs an argument: --" + name);
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
      const FlagDef* f = FindShort(allowed, a[1]);
      if (!f) {
        fail(std::string("unknown shorthand flag: '") + a[1] + "' in " + a);
        continue;
      }
      const std::string shown = std::string("-") + a[1] + ", --" + f->name;
      if (a.size() > 2) {
        set(f, a[2] == '=' ? a.substr(3) : a.substr(2), shown);
      } else if (f->kind == Kind::kBool) {
        set(f, "true", shown);
      } else if (i + 1 < args.size()) {
        set(f, args[++i], shown);
      } else {
        fail(std::string("flag needs an argument: '") + a[1] + "' in " + a);
      }
      continue;
    }
    if (command_words < out.command.size()) {
      ++command_words;
      continue;
    }
    out.positionals.push_back(a);
  }
  return out;
}

}  // namespace rundrill::fakes::kubectl
