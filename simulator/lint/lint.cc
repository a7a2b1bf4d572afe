#include "simulator/lint/lint.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "simulator/lint/scalar_place.h"
#include "simulator/lint/secrets.h"
#include "simulator/lint/shell_words.h"
#include "simulator/model/shimmed_programs.h"

namespace rundrill::lint {
namespace {

// Commands that cannot change anything, so an `action` step made only of them (a hand-over
// that prints what was tried) is no risk.
constexpr std::array<std::string_view, 8> kInert = {"echo", "printf", "true", "false",
                                                    "exit", ":",      "[",    "test"};

// The environment a drill gives every step besides params and captures (docs/runbook-format.md,
// "What a step runs in").
constexpr std::array<std::string_view, 21> kDrillEnv = {"SLACK_WEBHOOK_URL",
                                                        "SLACK_API_URL",
                                                        "SLACK_BOT_TOKEN",
                                                        "PAGERDUTY_EVENTS_URL",
                                                        "PAGERDUTY_ROUTING_KEY",
                                                        "PAGERDUTY_API_URL",
                                                        "PAGERDUTY_API_TOKEN",
                                                        "PAGERDUTY_FROM",
                                                        "ALERT_NAME",
                                                        "ALERT_STATUS",
                                                        "ALERT_FINGERPRINT",
                                                        "ALERT_STARTS_AT",
                                                        "RUNBOOK_DIR",
                                                        "RUNDRILL_SOCKET",
                                                        "RUNDRILL_STEP_ID",
                                                        "RUNDRILL_ALERT_FILE",
                                                        "RUNDRILL_RUNBOOK",
                                                        "RUNDRILL_SCENARIO",
                                                        "HOME",
                                                        "TMPDIR",
                                                        "KUBECONFIG"};

// The real chat and paging services: a drill must never reach them.
constexpr std::array<std::string_view, 4> kProductionChatUrls = {
    "://hooks.slack.com", "://slack.com/api", "://events.pagerduty.com", "://api.pagerduty.com"};

// Where a runbook's own HTTP calls to chat and paging go: the drill points these at its fakes.
constexpr std::array<std::string_view, 7> kChatEndpoints = {
    "SLACK_WEBHOOK_URL", "SLACK_API_URL", "PAGERDUTY_EVENTS_URL", "PAGERDUTY_API_URL",
    "hooks.slack.com",   "slack.com/api", "pagerduty.com"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Hit {
  std::string rule;
  Severity severity;
  size_t offset;
  std::string message;
};

struct Analysis {
  std::vector<Hit> mutating;  // RD001 candidates: only the first is reported
  std::vector<Hit> hits;      // RD002, RD004, RD005
  bool all_inert = true;
};

// The words after `from` that are not options or option values. `value_flags` take the next
// word as their value unless written `--flag=value`.
std::vector<const ShellWord*> Positionals(const ShellCommand& c, size_t from,
                                          const std::set<std::string_view>& value_flags) {
  std::vector<const ShellWord*> out;
  bool options_done = false;
  for (size_t i = from; i < c.words.size(); ++i) {
    const std::string& t = c.words[i].text;
    if (!options_done && t == "--") {
      options_done = true;
    } else if (!options_done && t.size() > 1 && t[0] == '-') {
      if (value_flags.count(t) > 0) ++i;
    } else {
      out.push_back(&c.words[i]);
    }
  }
  return out;
}

// The value of `--name=value` or `--name value` (also for short `-n value`), or nullptr.
const ShellWord* FlagValue(const ShellCommand& c, size_t from, std::string_view name,
                           std::string* inline_value) {
  for (size_t i = from; i < c.words.size(); ++i) {
    const std::string& t = c.words[i].text;
    if (t == name && i + 1 < c.words.size()) {
      *inline_value = c.words[i + 1].text;
      return &c.words[i + 1];
    }
    if (StartsWith(t, std::string(name) + "=")) {
      *inline_value = t.substr(name.size() + 1);
      return &c.words[i];
    }
  }
  return nullptr;
}

class Analyzer {
 public:
  // `remote`: the commands run on another host through ssh, at `remote_offset` of the step.
  Analyzer(Analysis* a, bool remote, size_t remote_offset)
      : a_(a), remote_(remote), remote_offset_(remote_offset) {}

  void Script(std::string_view script) {
    for (const ShellCommand& c : SplitCommands(script)) Command(c);
  }

 private:
  size_t At(const ShellWord& w) const { return remote_ ? remote_offset_ : w.offset; }

  void Mutating(const ShellWord& w, std::string what) {
    a_->mutating.push_back(Hit{"RD001", Severity::kWarning, At(w), std::move(what)});
  }
  void Destructive(const ShellWord& w, const std::string& what) {
    a_->hits.push_back(Hit{"RD002", Severity::kError, At(w),
                           what + " without \"approval\": a destructive command needs a person "
                                  "to agree before it runs"});
  }

  void Command(const ShellCommand& c) {
    const size_t p = ProgramIndex(c);
    if (p == c.words.size()) return;
    const ShellWord& prog = c.words[p];
    const std::string name(BaseName(prog.text));
    if (!In(kInert, name)) a_->all_inert = false;
    if (!remote_) {
      if (StartsWith(prog.text, "/") && model::IsShimmedProgram(name)) {
        a_->hits.push_back(Hit{"RD005", Severity::kError, prog.offset,
                               Quote(prog.text) +
                                   " is called by absolute path, which bypasses "
                                   "the drill's fake; call " +
                                   Quote(name) + " and let PATH find it"});
      }
      Endpoints(c, p);
    }
    if (name == "kubectl") Kubectl(c, p);
    if (name == "helm") Helm(c, p);
    if (name == "psql" || name == "mysql") Sql(c, p, name);
    if (name == "curl") Curl(c, p);
    if (name == "wget") Wget(c, p);
    if (name == "ssh") Ssh(c, p);
    if (name == "rm") Rm(c, p);
    if (remote_) HostCommand(c, p, name);
  }

  static std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

  void Endpoints(const ShellCommand& c, size_t p) {
    for (size_t i = p; i < c.words.size(); ++i) {
      const ShellWord& w = c.words[i];
      for (std::string_view url : kProductionChatUrls) {
        const size_t at = w.text.find(url);
        if (at == std::string::npos) continue;
        // A webhook URL with its secret path is a leaked secret (RD003), reported as such.
        if (!FindSecrets(w.text).empty()) break;
        const size_t scheme = w.text.rfind("http", at);
        const std::string shown =
            w.text.substr(scheme == std::string::npos ? at : scheme,
                          at + url.size() - (scheme == std::string::npos ? at : scheme));
        a_->hits.push_back(
            Hit{"RD004", Severity::kError, w.offset,
                Quote(shown) + " is written in: a drill must never reach the real service; use " +
                    (url.find("slack") != std::string_view::npos
                         ? "$SLACK_WEBHOOK_URL or $SLACK_API_URL"
                         : "$PAGERDUTY_EVENTS_URL or $PAGERDUTY_API_URL")});
        break;
      }
    }
    std::string value;
    const ShellWord* server = FlagValue(c, p + 1, "--server", &value);
    if (!server && BaseName(c.words[p].text) == "kubectl") {
      server = FlagValue(c, p + 1, "-s", &value);
    }
    if (server && StartsWith(value, "http") && !server->expands) {
      a_->hits.push_back(Hit{"RD004", Severity::kWarning, server->offset,
                             "API server " + Quote(value) +
                                 " is written in; take it from the kubeconfig the drill gives "
                                 "($KUBECONFIG)"});
    }
    const ShellWord* kubeconfig = FlagValue(c, p + 1, "--kubeconfig", &value);
    if (kubeconfig && !kubeconfig->expands) {
      a_->hits.push_back(Hit{"RD004", Severity::kWarning, kubeconfig->offset,
                             "--kubeconfig names the file " + Quote(value) +
                                 "; leave it out (the drill sets KUBECONFIG) or use a param"});
    }
  }

  void Kubectl(const ShellCommand& c, size_t p) {
    static const std::set<std::string_view> kValueFlags = {"-n",
                                                           "--namespace",
                                                           "--context",
                                                           "--cluster",
                                                           "--user",
                                                           "-s",
                                                           "--server",
                                                           "--kubeconfig",
                                                           "-l",
                                                           "--selector",
                                                           "-o",
                                                           "--output",
                                                           "-f",
                                                           "--filename",
                                                           "-c",
                                                           "--container",
                                                           "--replicas",
                                                           "--type",
                                                           "-p",
                                                           "--patch",
                                                           "--timeout",
                                                           "--sort-by",
                                                           "--field-selector",
                                                           "--grace-period",
                                                           "--to-revision",
                                                           "--image",
                                                           "--from-literal"};
    const auto pos = Positionals(c, p + 1, kValueFlags);
    if (pos.empty()) return;
    const std::string& verb = pos[0]->text;
    static const std::set<std::string_view> kMutating = {
        "apply",    "create", "delete",    "scale",    "patch",   "set",
        "edit",     "drain",  "cordon",    "uncordon", "replace", "label",
        "annotate", "taint",  "autoscale", "expose",   "run"};
    static const std::set<std::string_view> kRolloutMutating = {"restart", "undo", "pause",
                                                                "resume"};
    if (kMutating.count(verb) > 0) {
      Mutating(c.words[p], "kubectl " + verb);
    } else if (verb == "rollout" && pos.size() > 1 && kRolloutMutating.count(pos[1]->text) > 0) {
      Mutating(c.words[p], "kubectl rollout " + pos[1]->text);
    }
    if (verb == "delete" && pos.size() > 1) {
      const std::string kind = pos[1]->text.substr(0, pos[1]->text.find('/'));
      static const std::set<std::string_view> kNamespace = {"ns", "namespace", "namespaces"};
      static const std::set<std::string_view> kDeployment = {"deploy", "deployment", "deployments"};
      if (kNamespace.count(kind) > 0) {
        Destructive(*pos[1], "kubectl delete " + kind + " deletes a namespace and all in it");
      } else if (kDeployment.count(kind) > 0) {
        Destructive(*pos[1], "kubectl delete " + kind + " deletes a deployment");
      }
    }
    if (verb == "scale") {
      std::string replicas;
      if (const ShellWord* w = FlagValue(c, p + 1, "--replicas", &replicas)) {
        if (replicas == "0") Destructive(*w, "kubectl scale --replicas=0 stops every pod");
      }
    }
  }

  void Helm(const ShellCommand& c, size_t p) {
    static const std::set<std::string_view> kValueFlags = {
        "-n", "--namespace", "--kube-context", "-f", "--values", "--set", "--version", "--timeout"};
    const auto pos = Positionals(c, p + 1, kValueFlags);
    static const std::set<std::string_view> kMutating = {"install", "upgrade", "uninstall",
                                                         "delete", "rollback"};
    if (!pos.empty() && kMutating.count(pos[0]->text) > 0) {
      Mutating(c.words[p], "helm " + pos[0]->text);
    }
  }

  void Sql(const ShellCommand& c, size_t p, const std::string& name) {
    // psql -c / -Atc / --command; mysql -e / --execute.
    const char flag = name == "psql" ? 'c' : 'e';
    const std::string long_flag = name == "psql" ? "--command" : "--execute";
    for (size_t i = p + 1; i < c.words.size(); ++i) {
      const std::string& t = c.words[i].text;
      const ShellWord* sql = nullptr;
      std::string text;
      if (t.size() >= 2 && t[0] == '-' && t[1] != '-' && t.back() == flag &&
          i + 1 < c.words.size()) {
        sql = &c.words[++i];
        text = sql->text;
      } else if (t == long_flag && i + 1 < c.words.size()) {
        sql = &c.words[++i];
        text = sql->text;
      } else if (StartsWith(t, long_flag + "=")) {
        sql = &c.words[i];
        text = t.substr(long_flag.size() + 1);
      }
      if (sql) Statement(c.words[p], *sql, text, name);
    }
  }

  void Statement(const ShellWord& prog, const ShellWord& word, const std::string& sql,
                 const std::string& program) {
    static const std::regex kMutating(
        R"(\b(delete|update|insert|drop|truncate|alter|grant|revoke|pg_terminate_backend|pg_cancel_backend)\b)",
        std::regex::icase);
    static const std::regex kDrop(R"(\b(drop\s+\w+|truncate)\b)", std::regex::icase);
    static const std::regex kTerminate(R"(\bpg_terminate_backend\s*\(\s*([^)]*)\))",
                                       std::regex::icase);
    static const std::regex kWhere(R"(\bwhere\b([\s\S]*))", std::regex::icase);
    // Columns of pg_stat_activity that pick some connections out of all of them.
    static const std::regex kNarrowing(
        R"(\b(state|state_change|query_start|backend_start|xact_start|usename|application_name|client_addr|wait_event|wait_event_type|backend_type)\b)",
        std::regex::icase);
    std::smatch m;
    if (std::regex_search(sql, m, kMutating)) {
      Mutating(prog, program + " " + Lower(m.str(1)));
    }
    if (std::regex_search(sql, m, kDrop)) {
      std::string what = m.str(1);
      std::transform(what.begin(), what.end(), what.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
      Destructive(word,
                  "SQL " + what.substr(0, what.find_first_of(" \t\n")) + " removes data for good");
    }
    if (std::regex_search(sql, m, kTerminate)) {
      const std::string argument = m.str(1);
      const bool one_pid =
          !argument.empty() && argument.find_first_not_of("0123456789 ") == std::string::npos;
      const std::string rest = m.suffix().str();
      std::smatch where;
      const bool narrowed =
          std::regex_search(rest, where, kWhere) && std::regex_search(where.str(1), kNarrowing);
      if (!one_pid && !narrowed) {
        Destructive(word,
                    "pg_terminate_backend with no WHERE on state or age terminates every "
                    "connection");
      }
    }
  }

  void Curl(const ShellCommand& c, size_t p) {
    static const std::set<std::string_view> kValueFlags = {"-X",
                                                           "--request",
                                                           "-H",
                                                           "--header",
                                                           "-d",
                                                           "--data",
                                                           "--data-raw",
                                                           "--data-binary",
                                                           "--data-urlencode",
                                                           "-F",
                                                           "--form",
                                                           "-o",
                                                           "--output",
                                                           "-u",
                                                           "--user",
                                                           "-A",
                                                           "--user-agent",
                                                           "-e",
                                                           "--referer",
                                                           "-b",
                                                           "--cookie",
                                                           "-c",
                                                           "--cookie-jar",
                                                           "-m",
                                                           "--max-time",
                                                           "--connect-timeout",
                                                           "--retry",
                                                           "--retry-delay",
                                                           "--retry-max-time",
                                                           "-w",
                                                           "--write-out",
                                                           "-x",
                                                           "--proxy",
                                                           "-T",
                                                           "--upload-file",
                                                           "--json",
                                                           "--cacert",
                                                           "--cert",
                                                           "--key",
                                                           "-K",
                                                           "--config",
                                                           "--resolve",
                                                           "--url",
                                                           "-E"};
    std::string method;
    bool data = false;
    std::vector<std::string> urls;
    for (size_t i = p + 1; i < c.words.size(); ++i) {
      const std::string& t = c.words[i].text;
      const bool has_next = i + 1 < c.words.size();
      if ((t == "-X" || t == "--request") && has_next) {
        method = c.words[i + 1].text;
      } else if (StartsWith(t, "-X") && t.size() > 2) {
        method = t.substr(2);
      } else if (StartsWith(t, "--request=")) {
        method = t.substr(10);
      } else if (t == "-d" || StartsWith(t, "--data") || t == "-F" || t == "--form" ||
                 t == "--json") {
        data = true;
      } else if (t == "-T" || t == "--upload-file") {
        if (method.empty()) method = "PUT";
      } else if (t == "--url" && has_next) {
        urls.push_back(c.words[i + 1].text);
      }
      if (kValueFlags.count(t) > 0) {
        ++i;
      } else if (!t.empty() && t[0] != '-') {
        urls.push_back(t);
      }
    }
    if (method.empty() && data) method = "POST";
    method = Lower(method);
    if (method != "post" && method != "put" && method != "delete" && method != "patch") return;
    if (ToChatOnly(urls)) return;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    Mutating(c.words[p], "curl -X " + method);
  }

  void Wget(const ShellCommand& c, size_t p) {
    bool writes = false;
    std::vector<std::string> urls;
    for (size_t i = p + 1; i < c.words.size(); ++i) {
      const std::string& t = c.words[i].text;
      if (StartsWith(t, "--post-") || StartsWith(t, "--body-")) writes = true;
      if (StartsWith(t, "--method=") && Lower(t.substr(9)) != "get") writes = true;
      if (!t.empty() && t[0] != '-') urls.push_back(t);
    }
    if (writes && !ToChatOnly(urls)) Mutating(c.words[p], "wget --post");
  }

  // Chat posts and pages tell people; they are the notify steps' business, not a change.
  static bool ToChatOnly(const std::vector<std::string>& urls) {
    if (urls.empty()) return false;
    for (const std::string& url : urls) {
      bool chat = false;
      for (std::string_view e : kChatEndpoints) chat = chat || url.find(e) != std::string::npos;
      if (!chat) return false;
    }
    return true;
  }

  void Ssh(const ShellCommand& c, size_t p) {
    // Options of ssh that take a value (`-o BatchMode=yes`, `-i key`, `-p 22`…).
    static constexpr std::string_view kValueOptions = "BbcDEeFIiJLlmOoPpQRSWw";
    size_t i = p + 1;
    while (i < c.words.size()) {
      const std::string& t = c.words[i].text;
      if (t == "--") {
        ++i;
        break;
      }
      if (t.size() < 2 || t[0] != '-') break;
      const char last = t.back();
      i += (t.size() == 2 && kValueOptions.find(last) != std::string_view::npos) ? 2 : 1;
    }
    if (i >= c.words.size()) return;
    const ShellWord& host = c.words[i];
    if (!host.expands) {
      static const std::regex kLiteralHost(
          R"(^([^@]+@)?(\d{1,3}(\.\d{1,3}){3}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$)");
      if (std::regex_match(host.text, kLiteralHost) && !remote_) {
        a_->hits.push_back(Hit{"RD004", Severity::kWarning, host.offset,
                               "ssh to the host " + Quote(host.text) +
                                   " written in; take it from a param (an alert label)"});
      }
    }
    if (i + 1 >= c.words.size()) return;
    // ssh joins its remaining arguments with spaces and the remote shell reads them again.
    std::string remote;
    for (size_t k = i + 1; k < c.words.size(); ++k) {
      if (!remote.empty()) remote += ' ';
      remote += c.words[k].text;
    }
    Analyzer inner(a_, true, remote_ ? remote_offset_ : c.words[i + 1].offset);
    inner.Script(remote);
  }

  void Rm(const ShellCommand& c, size_t p) {
    bool recursive = false;
    bool force = false;
    const ShellWord* flags = nullptr;
    for (size_t i = p + 1; i < c.words.size(); ++i) {
      const std::string& t = c.words[i].text;
      if (t == "--") break;
      if (t == "--recursive") recursive = true;
      if (t == "--force") force = true;
      if (t.size() > 1 && t[0] == '-' && t[1] != '-') {
        recursive = recursive || t.find_first_of("rR") != std::string::npos;
        force = force || t.find('f') != std::string::npos;
      }
      if (!flags && (recursive || force)) flags = &c.words[i];
    }
    if (recursive && force) Destructive(*flags, "rm -rf removes a whole tree");
  }

  // What changes a host when run there through ssh.
  void HostCommand(const ShellCommand& c, size_t p, const std::string& name) {
    static const std::set<std::string_view> kAlways = {
        "rm",     "rmdir",    "mv",   "truncate", "shred", "kill", "pkill", "killall",
        "reboot", "shutdown", "halt", "poweroff", "mkfs",  "dd",   "chmod", "chown"};
    static const std::set<std::string_view> kServiceVerbs = {
        "restart", "stop",   "start", "reload",      "kill",
        "disable", "enable", "mask",  "try-restart", "reload-or-restart"};
    const auto pos = Positionals(c, p + 1, {});
    auto has_word = [&](std::string_view prefix) {
      for (size_t i = p + 1; i < c.words.size(); ++i) {
        if (StartsWith(c.words[i].text, prefix)) return true;
      }
      return false;
    };
    bool mutates = kAlways.count(name) > 0;
    if (name == "systemctl" && !pos.empty()) mutates = kServiceVerbs.count(pos[0]->text) > 0;
    if (name == "service" && pos.size() > 1) mutates = kServiceVerbs.count(pos[1]->text) > 0;
    if (name == "journalctl") mutates = has_word("--vacuum");
    if (name == "find") mutates = has_word("-delete");
    if (name == "sed") mutates = has_word("-i");
    if ((name == "apt" || name == "apt-get" || name == "yum" || name == "dnf") && !pos.empty()) {
      mutates = pos[0]->text == "install" || pos[0]->text == "remove" || pos[0]->text == "purge";
    }
    if (mutates) Mutating(c.words[p], "ssh: " + name);
  }

  Analysis* a_;
  bool remote_;
  size_t remote_offset_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string LintFinding::ToString() const {
  std::string out = mark.ToString() + ": ";
  out += silenced() ? "silenced" : std::string(SeverityName(severity));
  out += ": [" + rule + "] " + message;
  if (silenced()) out += " (reason: " + silenced_reason + ")";
  return out;
}

std::string ShellcheckScript(const model::Runbook& runbook, const std::string& command,
                             int* header_lines) {
  std::set<std::string> names(kDrillEnv.begin(), kDrillEnv.end());
  for (const model::Param& p : runbook.params) names.insert(p.name);
  for (const auto* list : {&runbook.steps, &runbook.on_failure}) {
    for (const model::Step& s : *list) {
      if (s.capture) names.insert(s.capture->name);
    }
  }
  // Labels and annotations come as ALERT_LABEL_<NAME>: declare the ones the command uses.
  static const std::regex kAlertVar(R"(\b(ALERT|RUNDRILL)_[A-Z0-9_]+)");
  for (auto it = std::sregex_iterator(command.begin(), command.end(), kAlertVar);
       it != std::sregex_iterator(); ++it) {
    names.insert(it->str());
  }
  std::string out = "#!/bin/sh\nexport";
  for (const std::string& n : names) out += " " + n;
  out += "\n";
  *header_lines = 2;
  return out + command + (command.empty() || command.back() == '\n' ? "" : "\n");
}

std::vector<LintFinding> LintRunbook(const model::Runbook& runbook, const LintOptions& options,
                                     std::string* shellcheck_error) {
  const std::string source = options.source ? *options.source : ReadFile(runbook.path);
  const std::vector<std::string_view> lines = SplitLines(source);
  std::vector<LintFinding> out;

  std::vector<const model::Step*> steps;
  for (const auto* list : {&runbook.steps, &runbook.on_failure, &runbook.escalation}) {
    for (const model::Step& s : *list) steps.push_back(&s);
  }

  auto add = [&](const model::Step* step, std::string rule, Severity severity,
                 model::SourceMark mark, std::string message) {
    LintFinding f{std::move(rule),      severity, std::move(mark), std::move(message),
                  step ? step->id : "", ""};
    out.push_back(std::move(f));
  };

  // RD003: the file as written, every line, since a secret is leaked wherever it stands.
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    for (const SecretMatch& s : FindSecrets(line)) {
      model::SourceMark mark{runbook.path, static_cast<int>(i + 1), static_cast<int>(s.offset + 1)};
      std::string message =
          s.kind + " " +
          (s.kind == "private key" ? std::string("block")
                                   : "\"" + MaskSecret(line.substr(s.offset, s.length)) + "\"") +
          " is written into the runbook; ";
      message += s.where.empty() ? "keep it out of the file and have the environment provide it"
                                 : "use $" + s.where + ", which the drill provides";
      add(nullptr, "RD003", Severity::kError, mark, std::move(message));
    }
  }

  for (const model::Step* step : steps) {
    const bool has_safeguard = !step->rollback.empty() || step->approval.has_value();
    if (!step->run.empty()) {
      Analysis a;
      Analyzer(&a, false, 0).Script(step->run);
      auto place = [&](size_t offset) {
        return PlaceInText(lines, step->run_mark, step->run_style, step->run, offset);
      };
      const bool mutating =
          !a.mutating.empty() || (step->type == model::StepType::kAction && !a.all_inert);
      if (mutating && !has_safeguard) {
        std::sort(a.mutating.begin(), a.mutating.end(),
                  [](const Hit& x, const Hit& y) { return x.offset < y.offset; });
        const std::string what = a.mutating.empty() ? "an action step" : a.mutating.front().message;
        add(step, "RD001", Severity::kWarning,
            place(a.mutating.empty()
                      ? std::min(step->run.find_first_not_of(" \t\n"), step->run.size())
                      : a.mutating.front().offset),
            "step \"" + step->id + "\" changes things (" + what +
                ") but has neither \"rollback\" nor \"approval\"");
      }
      for (const Hit& h : a.hits) {
        if (h.rule == "RD002" && step->approval) continue;
        add(step, h.rule, h.severity, place(h.offset), h.message);
      }
    }
    if (!step->rollback.empty()) {
      Analysis a;
      Analyzer(&a, false, 0).Script(step->rollback);
      for (const Hit& h : a.hits) {
        // The step's approval covers its rollback; only what bypasses fakes or reaches
        // production matters here.
        if (h.rule == "RD002") continue;
        add(step, h.rule, h.severity,
            PlaceInText(lines, step->rollback_mark, step->rollback_style, step->rollback, h.offset),
            h.message);
      }
    }
  }

  if (options.shellcheck) {
    std::vector<const model::Step*> checked;
    std::vector<std::string> scripts;
    std::vector<int> headers;
    for (const model::Step* step : steps) {
      if (step->run.empty()) continue;
      int header = 0;
      scripts.push_back(ShellcheckScript(runbook, step->run, &header));
      headers.push_back(header);
      checked.push_back(step);
    }
    auto result = options.shellcheck->Check(scripts);
    if (!result.ok()) {
      if (shellcheck_error) *shellcheck_error = result.status().message();
    } else {
      for (size_t i = 0; i < checked.size() && i < result->size(); ++i) {
        const model::Step* step = checked[i];
        const std::string_view run = step->run;
        for (const ShellcheckComment& c : (*result)[i]) {
          const int text_line = c.line - 1 - headers[i];
          if (text_line < 0) continue;
          size_t offset = 0;
          for (int l = 0; l < text_line && offset != std::string_view::npos; ++l) {
            offset = run.find('\n', offset);
            if (offset != std::string_view::npos) ++offset;
          }
          if (offset == std::string_view::npos || offset > run.size()) continue;
          offset += static_cast<size_t>(std::max(c.column - 1, 0));
          add(step, std::string(kShellcheckPrefix) + "SC" + std::to_string(c.code),
              c.level == "error" ? Severity::kError : Severity::kWarning,
              PlaceInText(lines, step->run_mark, step->run_style, run, offset), c.message);
        }
      }
    }
  }

  for (LintFinding& f : out) {
    for (const model::Step* step : steps) {
      if (step->id != f.step_id || f.step_id.empty()) continue;
      for (const model::LintIgnore& ignore : step->lint_ignores) {
        if (ignore.rule == f.rule) f.silenced_reason = ignore.reason;
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const LintFinding& a, const LintFinding& b) {
    if (a.mark.line != b.mark.line) return a.mark.line < b.mark.line;
    if (a.mark.column != b.mark.column) return a.mark.column < b.mark.column;
    return a.rule < b.rule;
  });
  return out;
}

}  // namespace rundrill::lint
