#include "fakes/kubectl/kubectl_args.h"

#include <algorithm>
#include <set>

namespace rundrill::fakes::kubectl {
namespace {

enum class Kind { kBool, kString, kInt };

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
        {"sort-by", 0, Kind::kString, false},
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

bool ValidInt(const std::string& v) {
  if (v.empty()) return false;
  size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
  if (i == v.size()) return false;
  return std::all_of(v.begin() + static_cast<long>(i), v.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
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
    if (f->kind == Kind::kInt && !ValidInt(value)) {
      fail("invalid argument \"" + value + "\" for \"" + shown +
           "\" flag: strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
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
