#pragma once

// The real kubectl's own flag parser, behind a narrow interface: the contract check hands it
// the arguments a runbook used and reads back whether kubectl got past parsing them. Tests
// stand in for it; a machine without kubectl is one where the verdict says so.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rundrill::contracts {

struct RealClientVerdict {
  enum class Kind {
    kNotInstalled,  // no real kubectl was found: nothing to ask, not a failure
    kAccepted,      // it got past its flag parser (it tried to reach the server)
    kRejected,      // its parser refused the line: unknown flag, bad value, missing argument
    kInconclusive,  // it stopped for another reason (a file to read, the wall timeout)
  };
  Kind kind = Kind::kNotInstalled;
  std::string detail;  // the line kubectl printed that decided it, or why there is none
  std::string client;  // "kubectl v1.32.4" when known
};

// "not-installed" | "accepted" | "rejected" | "inconclusive".
std::string_view RealClientVerdictName(RealClientVerdict::Kind kind);

class KubectlParser {
 public:
  virtual ~KubectlParser() = default;
  // `args` excludes argv[0] ("kubectl"). Never reaches anything but 127.0.0.1.
  virtual RealClientVerdict Check(const std::vector<std::string>& args) = 0;
};

// The verdict that kubectl's exit code and stderr give, when its server was unreachable:
// a usage error is a rejection, a failed connection an acceptance (parsing came first).
// Exposed so tests pin the texts without running kubectl.
RealClientVerdict ClassifyKubectlOutput(int exit_code, const std::string& stderr_data);

// `args` made safe to hand the real client: every flag that names a server, a kubeconfig, a
// context or credentials gets a harmless value of the same shape (so the parser sees the
// same line), and --request-timeout=1s goes first unless the first word would be taken for a
// plugin name (kubectl refuses flags before those).
std::vector<std::string> SafeKubectlArgs(const std::vector<std::string>& args);

// The kubectl on this process's PATH (not a link to rundrill-shim: the drill's own shim
// folder never counts); nullptr when there is none. Each check runs it with a scrubbed
// environment, a temporary kubeconfig whose server is https://127.0.0.1:1, HTTP(S)_PROXY
// pointing at the same dead port, stdin from /dev/null, an empty PATH (no plugins) and a
// wall timeout of `wall_timeout_ms`, after which its process group is killed.
std::unique_ptr<KubectlParser> FindRealKubectl(int wall_timeout_ms = 5000);

}  // namespace rundrill::contracts
