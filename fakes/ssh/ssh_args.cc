#include "fakes/ssh/ssh_args.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <string_view>

namespace rundrill::fakes::ssh {

const char kSshUsage[] =
    "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]\n"
    "           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]\n"
    "           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]\n"
    "           [-i identity_file] [-J [user@]host[:port]] [-L address]\n"
    "           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]\n"
    "           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]\n"
    "           [-w local_tun[:remote_tun]] destination [command [argument ...]]\n";

std::string SshNotModelled(const std::string& what) {
  return "rundrill: ssh " + what + " is not modelled; add a stub in the scenario\n";
}

namespace {

// ssh.c's getopt string for 9.2: flags, then options taking a value.
constexpr std::string_view kFlags = "1246AaCfGgKkMNnqsTtVvXxYy";
constexpr std::string_view kWithValue = "BbcDEeFIiJLlmOopQRSWw";

// Every keyword ssh_config(5) knows in 9.2p1 as Debian builds it (GSSAPI included): a known
// keyword we do not model fails loudly, an unknown one fails as ssh does.
constexpr std::string_view kKnownKeywords[] = {
    "addkeystoagent",
    "addressfamily",
    "batchmode",
    "bindaddress",
    "bindinterface",
    "canonicaldomains",
    "canonicalizefallbacklocal",
    "canonicalizehostname",
    "canonicalizemaxdots",
    "canonicalizepermittedcnames",
    "casignaturealgorithms",
    "certificatefile",
    "challengeresponseauthentication",
    "checkhostip",
    "cipher",
    "ciphers",
    "clearallforwardings",
    "compression",
    "compressionlevel",
    "connectionattempts",
    "connecttimeout",
    "controlmaster",
    "controlpath",
    "controlpersist",
    "dsaauthentication",
    "dynamicforward",
    "enableescapecommandline",
    "enablesshkeysign",
    "escapechar",
    "exitonforwardfailure",
    "fallbacktorsh",
    "fingerprinthash",
    "forkafterauthentication",
    "forwardagent",
    "forwardx11",
    "forwardx11timeout",
    "forwardx11trusted",
    "gatewayports",
    "globalknownhostsfile",
    "globalknownhostsfile2",
    "gssapiauthentication",
    "gssapiclientidentity",
    "gssapidelegatecredentials",
    "gssapikexalgorithms",
    "gssapikeyexchange",
    "gssapirenewalforcesrekey",
    "gssapiserveridentity",
    "gssapitrustdns",
    "hashknownhosts",
    "host",
    "hostbasedacceptedalgorithms",
    "hostbasedauthentication",
    "hostbasedkeytypes",
    "hostkeyalgorithms",
    "hostkeyalias",
    "hostname",
    "identitiesonly",
    "identityagent",
    "identityfile",
    "identityfile2",
    "ignoreunknown",
    "include",
    "ipqos",
    "kbdinteractiveauthentication",
    "kbdinteractivedevices",
    "keepalive",
    "kexalgorithms",
    "knownhostscommand",
    "localcommand",
    "localforward",
    "loglevel",
    "logverbose",
    "macs",
    "match",
    "nohostauthenticationforlocalhost",
    "numberofpasswordprompts",
    "passwordauthentication",
    "permitlocalcommand",
    "permitremoteopen",
    "pkcs11provider",
    "port",
    "preferredauthentications",
    "protocol",
    "proxycommand",
    "proxyjump",
    "proxyusefdpass",
    "pubkeyacceptedalgorithms",
    "pubkeyacceptedkeytypes",
    "pubkeyauthentication",
    "rekeylimit",
    "remotecommand",
    "remoteforward",
    "requesttty",
    "requiredrsasize",
    "revokedhostkeys",
    "rhostsauthentication",
    "securitykeyprovider",
    "sendenv",
    "serveralivecountmax",
    "serveraliveinterval",
    "sessiontype",
    "setenv",
    "skeyauthentication",
    "smartcarddevice",
    "stdinnull",
    "streamlocalbindmask",
    "streamlocalbindunlink",
    "stricthostkeychecking",
    "syslogfacility",
    "tcpkeepalive",
    "tisauthentication",
    "tunnel",
    "tunneldevice",
    "updatehostkeys",
    "user",
    "userknownhostsfile",
    "userknownhostsfile2",
    "usersh",
    "useroaming",
    "useprivilegedport",
    "verifyhostkeydns",
    "visualhostkey",
    "xauthlocation",
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IEquals(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }

// readconf.c's error lines, written through ssh's logger (hence CRLF).
std::string ConfigError(const std::string& message) {
  return "command-line line 0: " + message + "\r\n";
}

// misc.c convtime(): "90", "90s", "1m30s", "2h", "1d", "1w"; -1 when invalid.
int64_t ConvTime(std::string_view s) {
  if (s.empty()) return -1;
  int64_t total = 0;
  std::string text(s);
  const char* p = text.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const long secs = std::strtol(p, &end, 10);
    if (end == p || secs < 0 || secs == LONG_MAX) return -1;
    int64_t multiplier = 1;
    switch (*end) {
      case '\0':
        break;
      case 's':
      case 'S':
        ++end;
        break;
      case 'm':
      case 'M':
        multiplier = 60;
        ++end;
        break;
      case 'h':
      case 'H':
        multiplier = 3600;
        ++end;
        break;
      case 'd':
      case 'D':
        multiplier = 86400;
        ++end;
        break;
      case 'w':
      case 'W':
        multiplier = 604800;
        ++end;
        break;
      default:
        return -1;
    }
    if (secs > INT_MAX / multiplier) return -1;
    total += secs * multiplier;
    if (total > INT_MAX) return -1;
    p = end;
  }
  return total;
}

// misc.c a2port(): 1..65535, or a service name from /etc/services.
int A2Port(std::string_view s) {
  if (s == "ssh") return 22;
  if (s.empty() || s.size() > 5) return -1;
  int port = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    port = port * 10 + (c - '0');
  }
  return port <= 65535 ? port : -1;
}

std::optional<bool> ParseFlag(std::string_view v) {
  if (IEquals(v, "yes") || IEquals(v, "true")) return true;
  if (IEquals(v, "no") || IEquals(v, "false")) return false;
  return std::nullopt;
}

class Parser {
 public:
  explicit Parser(const std::vector<std::string>& args) : args_(args) {}

  SshArgs Run() {
    size_t i = 0;
    bool opt_terminated = false;
    bool have_destination = false;
    while (true) {
      // getopt over args_[i..]: stops at the first non-option or after "--".
      while (i < args_.size()) {
        const std::string& a = args_[i];
        if (a == "--") {
          ++i;
          opt_terminated = true;
          break;
        }
        if (a.size() < 2 || a[0] != '-') break;
        for (size_t j = 1; j < a.size(); ++j) {
          const char c = a[j];
          if (kFlags.find(c) != std::string_view::npos) {
            if (!Flag(c)) return result_;
            continue;
          }
          if (kWithValue.find(c) != std::string_view::npos) {
            std::string value;
            if (j + 1 < a.size()) {
              value = a.substr(j + 1);
            } else if (i + 1 < args_.size()) {
              value = args_[++i];
            } else {
              return Usage(std::string("option requires an argument -- ") + c + "\r\n");
            }
            if (!Option(c, value)) return result_;
            break;
          }
          return Usage(std::string("unknown option -- ") + c + "\r\n");
        }
        ++i;
      }
      if (have_destination || i >= args_.size()) break;
      if (!Destination(args_[i])) return result_;
      have_destination = true;
      ++i;
      // ssh.c restarts getopt after the destination unless "--" came before it.
      if (i >= args_.size() || opt_terminated) break;
    }
    if (!have_destination) return Usage("");
    inv_.command.assign(args_.begin() + static_cast<std::ptrdiff_t>(i), args_.end());
    inv_.quiet = quiet_flag_ || log_level_quiet_.value_or(false);
    result_.invocation = inv_;
    result_.exit_code = 0;
    return result_;
  }

 private:
  // `before` is getopt's complaint, which goes through ssh's logger (CRLF); the usage text
  // after it is written with fprintf (LF).
  SshArgs Usage(const std::string& before) {
    result_.stderr_data = before + kSshUsage;
    result_.exit_code = 255;
    return result_;
  }

  bool Fail(const std::string& text) {
    result_.stderr_data = text;
    result_.exit_code = 255;
    return false;
  }

  bool Flag(char c) {
    switch (c) {
      case 'q':
        quiet_flag_ = true;
        return true;
      case 'T':
        inv_.no_tty = true;
        return true;
      case 't':
        ++inv_.tty_requests;
        return true;
      case 'n':
        inv_.stdin_null = true;
        return true;
      case 'x':
      case '4':
      case 'v':  // accepted; the debug output is not produced
        return true;
      case '6':
        return Fail(SshNotModelled("'-6' (hosts have IPv4 addresses only)"));
      default:
        return Fail(SshNotModelled(std::string("'-") + c + "'"));
    }
  }

  bool Option(char c, const std::string& value) {
    switch (c) {
      case 'i':
        return true;  // the credential is per host: any key file stands for it
      case 'l':
        if (!inv_.user) inv_.user = value;
        return true;
      case 'p':
        if (!inv_.port) {
          const int port = A2Port(value);
          // Written with fprintf, so a plain "\n".
          if (port <= 0) return Fail("Bad port '" + value + "'\n");
          inv_.port = port;
        }
        return true;
      case 'o':
        return ConfigLine(value);
      default:
        return Fail(SshNotModelled(std::string("'-") + c + "'"));
    }
  }

  // readconf.c process_config_line() for one -o argument.
  bool ConfigLine(const std::string& line) {
    std::string text = line;
    while (!text.empty() && std::string_view(" \t\r\n\f").find(text.back()) != std::string::npos) {
      text.pop_back();
    }
    size_t pos = text.find_first_not_of(" \t\r\n");
    if (pos == std::string::npos) return true;
    // The keyword ends at whitespace or at one '=' (which may be surrounded by spaces).
    const size_t end = text.find_first_of(" \t\r\n=\"", pos);
    const std::string keyword = Lower(text.substr(pos, end == std::string::npos ? end : end - pos));
    std::string rest = end == std::string::npos ? "" : text.substr(end);
    size_t r = rest.find_first_not_of(" \t\r\n");
    if (r != std::string::npos && rest[r] == '=') r = rest.find_first_not_of(" \t\r\n", r + 1);
    rest = r == std::string::npos ? "" : rest.substr(r);
    if (keyword.empty() || keyword[0] == '#') return true;
    if (rest.empty()) {
      return Fail(ConfigError("no argument after keyword \"" + keyword + "\""));
    }
    if (std::find(std::begin(kKnownKeywords), std::end(kKnownKeywords), keyword) ==
        std::end(kKnownKeywords)) {
      // parse_token() reports this one with a colon after the file name.
      return Fail("command-line: line 0: Bad configuration option: " + keyword + "\r\n");
    }
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
      rest = rest.substr(1, rest.size() - 2);
    }
    const std::string& value = rest;
    if (keyword == "batchmode") {
      const auto flag = ParseFlag(value);
      if (!flag) return Fail(ConfigError("unsupported option \"" + value + "\"."));
      if (!inv_.batch_mode) inv_.batch_mode = *flag;
      return true;
    }
    if (keyword == "connecttimeout" || keyword == "serveraliveinterval") {
      int64_t secs = -1;
      if (value != "none") {
        secs = ConvTime(value);
        if (secs == -1) return Fail(ConfigError("invalid time value."));
      }
      auto& slot = keyword == "connecttimeout" ? connect_timeout_set_ : alive_interval_set_;
      if (slot) return true;
      slot = true;
      if (keyword == "connecttimeout") {
        if (secs > 0) inv_.connect_timeout = SimDuration(secs * 1000);
      } else {
        inv_.server_alive_interval = SimDuration(std::max<int64_t>(secs, 0) * 1000);
      }
      return true;
    }
    if (keyword == "serveralivecountmax") {
      bool digits = !value.empty() && value.size() < 10;
      for (char c : value) digits = digits && c >= '0' && c <= '9';
      if (!digits) return Fail(ConfigError("integer value invalid."));
      if (!alive_count_set_) inv_.server_alive_count_max = std::atoi(value.c_str());
      alive_count_set_ = true;
      return true;
    }
    if (keyword == "stricthostkeychecking") {
      static constexpr std::string_view kValues[] = {"yes", "no",  "true",      "false",
                                                     "ask", "off", "accept-new"};
      if (std::none_of(std::begin(kValues), std::end(kValues),
                       [&](std::string_view v) { return IEquals(v, value); })) {
        return Fail(ConfigError("unsupported option \"" + value + "\"."));
      }
      if (!inv_.strict_host_key_checking) inv_.strict_host_key_checking = Lower(value);
      return true;
    }
    if (keyword == "identitiesonly" || keyword == "passwordauthentication") {
      if (!ParseFlag(value)) return Fail(ConfigError("unsupported option \"" + value + "\"."));
      return true;
    }
    if (keyword == "loglevel") {
      static constexpr std::string_view kLevels[] = {
          "QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"};
      if (std::none_of(std::begin(kLevels), std::end(kLevels),
                       [&](std::string_view v) { return IEquals(v, value); })) {
        return Fail(ConfigError("unsupported log level '" + value + "'"));
      }
      if (!log_level_quiet_) log_level_quiet_ = IEquals(value, "QUIET");
      return true;
    }
    if (keyword == "userknownhostsfile" || keyword == "identityfile") return true;
    if (keyword == "user") {
      if (!inv_.user) inv_.user = value;
      return true;
    }
    if (keyword == "port") {
      const int port = A2Port(value);
      if (port <= 0) return Fail(ConfigError("Bad port '" + value + "'."));
      if (!inv_.port) inv_.port = port;
      return true;
    }
    return Fail(SshNotModelled("option '-o " + line + "'"));
  }

  bool Destination(const std::string& arg) {
    if (arg.rfind("ssh://", 0) == 0) {
      return Fail(SshNotModelled("destination URI '" + arg + "'"));
    }
    const size_t at = arg.rfind('@');
    std::string host = arg;
    if (at != std::string::npos) {
      if (at == 0) {
        Usage("");
        return false;
      }
      if (!inv_.user) inv_.user = arg.substr(0, at);
      host = arg.substr(at + 1);
    }
    inv_.destination = Lower(host);
    return true;
  }

  const std::vector<std::string>& args_;
  SshArgs result_;
  SshInvocation inv_;
  bool quiet_flag_ = false;
  std::optional<bool> log_level_quiet_;
  bool connect_timeout_set_ = false;
  bool alive_interval_set_ = false;
  bool alive_count_set_ = false;
};

}  // namespace

SshArgs ParseSshArgs(const std::vector<std::string>& args) { return Parser(args).Run(); }

}  // namespace rundrill::fakes::ssh
