#include "simulator/contracts/real_kubectl.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include "simulator/core/temp_dir.h"

namespace rundrill::contracts {
namespace {

namespace fs = std::filesystem;

// Where every connection attempt goes: nothing listens on port 1, so a client that got past
// its parser fails at once with "connection refused".
constexpr char kDeadServer[] = "https://127.0.0.1:1";
constexpr char kDeadProxy[] = "http://127.0.0.1:1";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// kubectl's global flags that would point it at another server or run something to get
// credentials (a kubeconfig may name an exec plugin), with the value each gets instead. All
// take a string, so any value parses as the original did.
const std::vector<std::pair<std::string, std::string>>& OverriddenFlags() {
  static const std::vector<std::pair<std::string, std::string>> kFlags = {
      {"server", kDeadServer},
      {"kubeconfig", "@KUBECONFIG@"},
      {"context", "rundrill"},
      {"cluster", "rundrill"},
      {"user", "rundrill"},
      {"token", "rundrill"},
      {"username", "rundrill"},
      {"password", "rundrill"},
      {"as", "rundrill"},
      {"as-group", "rundrill"},
      {"as-uid", "rundrill"},
      {"certificate-authority", "/dev/null"},
      {"client-certificate", "/dev/null"},
      {"client-key", "/dev/null"},
      {"tls-server-name", "rundrill"},
      {"cache-dir", "@CACHE@"},
  };
  return kFlags;
}

const std::string* Replacement(std::string_view name) {
  for (const auto& [flag, value] : OverriddenFlags()) {
    if (flag == name) return &value;
  }
  return nullptr;
}

// Words kubectl takes as its own commands; anything else in first place is looked up as a
// plugin, and kubectl refuses flags before a plugin's name.
bool IsBuiltinCommand(const std::string& word) {
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

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

constexpr char kKubeconfig[] =
    "apiVersion: v1\n"
    "kind: Config\n"
    "clusters:\n"
    "- name: rundrill\n"
    "  cluster:\n"
    "    server: https://127.0.0.1:1\n"
    "contexts:\n"
    "- name: rundrill\n"
    "  context:\n"
    "    cluster: rundrill\n"
    "    user: rundrill\n"
    "    namespace: default\n"
    "current-context: rundrill\n"
    "users:\n"
    "- name: rundrill\n"
    "  user:\n"
    "    token: rundrill\n";

struct Ran {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;
  std::string stdout_data;
  std::string stderr_data;
};

// Runs `argv` with exactly `env`, in `dir`, in a process group of its own (so a timeout also
// ends whatever it started), and waits at most `wall_timeout_ms` of real time.
Ran RunBounded(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const fs::path& dir, int wall_timeout_ms) {
  Ran ran;
  const std::string out_path = (dir / "stdout").string();
  const std::string err_path = (dir / "stderr").string();
  const std::string work = (dir / "work").string();
  // Everything the child needs is built before fork: after it only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int in_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
    for (int fd : {in_fd, out_fd, err_fd}) {
      if (fd >= 0) ::close(fd);
    }
    return ran;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (::chdir(work.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) return ran;
  ::setpgid(pid, pid);  // also from here, so the group exists whichever side runs first
  ran.started = true;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(wall_timeout_ms);
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ran.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Whatever the client left running in its group goes too.
  ::kill(-pid, SIGKILL);
  if (!ran.timed_out && WIFEXITED(status)) ran.exit_code = WEXITSTATUS(status);
  ran.stdout_data = ReadAll(out_path);
  ran.stderr_data = ReadAll(err_path);
  return ran;
}

class SystemKubectl : public KubectlParser {
 public:
  SystemKubectl(std::string program, int wall_timeout_ms)
      : program_(std::move(program)), wall_timeout_ms_(wall_timeout_ms) {}

  RealClientVerdict Check(const std::vector<std::string>& args) override {
    if (client_.empty()) client_ = Version();
    RealClientVerdict verdict = CheckOnce(args);
    verdict.client = client_;
    return verdict;
  }

 private:
  RealClientVerdict CheckOnce(const std::vector<std::string>& args) {
    RealClientVerdict verdict;
    verdict.kind = RealClientVerdict::Kind::kInconclusive;
    // `kubectl proxy` serves until stopped, on an address the line may choose.
    if (!args.empty() && args[0] == "proxy") {
      verdict.detail = "not run: kubectl proxy listens on a port until stopped";
      return verdict;
    }
    TempDir dir("rundrill-kubectl");
    std::error_code ec;
    if (dir.path().empty() || !fs::create_directories(dir.path() / "work", ec) ||
        !fs::create_directories(dir.path() / "bin", ec) ||
        !fs::create_directories(dir.path() / "home", ec)) {
      verdict.detail = "not run: cannot create a temporary folder";
      return verdict;
    }
    const fs::path config = dir.path() / "kubeconfig";
    {
      std::ofstream out(config, std::ios::binary);
      out << kKubeconfig;
      if (!out.flush()) {
        verdict.detail = "not run: cannot write a kubeconfig";
        return verdict;
      }
    }
    std::vector<std::string> argv = {program_};
    for (std::string arg : SafeKubectlArgs(args)) {
      arg = Replace(arg, "@KUBECONFIG@", config.string());
      arg = Replace(arg, "@CACHE@", (dir.path() / "home" / "cache").string());
      argv.push_back(std::move(arg));
    }
    const std::string home = (dir.path() / "home").string();
    // No PATH entry holds anything: kubectl finds no plugins (which it would run) and the
    // dispatcher finds no other kubectl.
    const std::vector<std::string> env = {
        "PATH=" + (dir.path() / "bin").string(),
        "HOME=" + home,
        "KUBECONFIG=" + config.string(),
        "KUBECACHEDIR=" + home + "/cache",
        "HTTPS_PROXY=" + std::string(kDeadProxy),
        "HTTP_PROXY=" + std::string(kDeadProxy),
        "https_proxy=" + std::string(kDeadProxy),
        "http_proxy=" + std::string(kDeadProxy),
        "NO_PROXY=",
        "no_proxy=",
        "LANG=C",
        "CLOUDSDK_CONFIG=" + home + "/gcloud",
        "CLOUDSDK_CORE_DISABLE_PROMPTS=1",
    };
    const Ran ran = RunBounded(argv, env, dir.path(), wall_timeout_ms_);
    if (!ran.started) {
      verdict.detail = "not run: cannot start " + program_;
      return verdict;
    }
    if (ran.timed_out) {
      verdict.detail = "no verdict within " + std::to_string(wall_timeout_ms_) + " ms";
      return verdict;
    }
    return ClassifyKubectlOutput(ran.exit_code, ran.stderr_data);
  }

  std::string Version() {
    TempDir dir("rundrill-kubectl");
    std::error_code ec;
    if (dir.path().empty() || !fs::create_directories(dir.path() / "work", ec)) return "kubectl";
    const Ran ran =
        RunBounded({program_, "version", "--client"},
                   {"PATH=" + (dir.path() / "work").string(),
                    "HOME=" + (dir.path() / "work").string(), "KUBECONFIG=/dev/null", "LANG=C"},
                   dir.path(), wall_timeout_ms_);
    // "Client Version: v1.32.4-dispatcher" on its first line.
    const std::string prefix = "Client Version: ";
    const size_t at = ran.stdout_data.find(prefix);
    if (at == std::string::npos) return "kubectl";
    std::string version = ran.stdout_data.substr(at + prefix.size());
    version = version.substr(0, version.find('\n'));
    return "kubectl " + version;
  }

  std::string program_;
  int wall_timeout_ms_;
  std::string client_;
};

// The first line of `text` that contains `part`, trimmed.
std::string LineWith(const std::string& text, std::string_view part) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (Contains(line, part)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      return line;
    }
  }
  return "";
}

// klog's line header, "E1121 18:10:24.908478   10148 run.go:72] ": a wall-clock time and a
// process id, which would make the same verdict differ between runs.
std::string WithoutKlogHeaders(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const bool header = line.size() > 22 &&
                        std::string_view("IWEF").find(line[0]) != std::string_view::npos &&
                        std::isdigit(static_cast<unsigned char>(line[1])) && line[5] == ' ' &&
                        line[8] == ':' && line[11] == ':' && line[14] == '.';
    const size_t end = header ? line.find("] ") : std::string::npos;
    out += (end == std::string::npos ? line : line.substr(end + 2)) + "\n";
  }
  return out;
}

}  // namespace

std::string_view RealClientVerdictName(RealClientVerdict::Kind kind) {
  switch (kind) {
    case RealClientVerdict::Kind::kNotInstalled:
      return "not-installed";
    case RealClientVerdict::Kind::kAccepted:
      return "accepted";
    case RealClientVerdict::Kind::kRejected:
      return "rejected";
    case RealClientVerdict::Kind::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

RealClientVerdict ClassifyKubectlOutput(int exit_code, const std::string& raw_stderr) {
  RealClientVerdict verdict;
  const std::string stderr_data = WithoutKlogHeaders(raw_stderr);
  // What kubectl 1.32 prints when it refuses a line, found by running it: cobra/pflag's
  // "Error: unknown flag: --x", "Error: unknown shorthand flag: 'Z' in -Z", "Error: unknown
  // command \"x\" for \"kubectl\"", "Error: invalid argument \"x\" for \"--timeout\" flag: …",
  // "Error: flag needs an argument: 'n' in -n", "Error: required flag(s) \"replicas\" not
  // set" (logged through klog by some commands), each followed by "See 'kubectl get --help'
  // for usage."; and kubectl's own argument checks, "error: expected 'logs [-f] …'" or
  // "error: Required resource not specified." followed by "See 'kubectl logs -h' for help
  // and examples".
  static constexpr std::string_view kRejections[] = {
      "unknown flag",
      "unknown shorthand flag",
      "unknown command",
      "invalid argument",
      "flag needs an argument",
      "bad flag syntax",
      "required flag(s)",
      "flags cannot be placed before plugin name",
      "--help' for usage",
      " -h' for help and examples",
      "error: required resource not specified",
      "error: you must specify two arguments",
      "error: You must provide one or more resources",
  };
  for (std::string_view marker : kRejections) {
    if (Contains(stderr_data, marker)) {
      verdict.kind = RealClientVerdict::Kind::kRejected;
      // The line with the reason, not the usage hint after it.
      std::string line = LineWith(stderr_data, "rror");
      if (line.empty()) line = LineWith(stderr_data, marker);
      verdict.detail = line;
      return verdict;
    }
  }
  // Got as far as the network: "The connection to the server 127.0.0.1:1 was refused - did
  // you specify the right host or port?", or "dial tcp 127.0.0.1:1: connect: connection
  // refused" in the discovery log lines before it.
  static constexpr std::string_view kConnections[] = {
      "The connection to the server", "connection refused", "Unable to connect to the server",
      "dial tcp", "proxyconnect tcp"};
  for (std::string_view marker : kConnections) {
    if (Contains(stderr_data, marker)) {
      verdict.kind = RealClientVerdict::Kind::kAccepted;
      verdict.detail = LineWith(stderr_data, marker);
      return verdict;
    }
  }
  if (exit_code == 0) {
    // It ran to the end without a server (`version --client`, `completion bash`).
    verdict.kind = RealClientVerdict::Kind::kAccepted;
    verdict.detail = "exited 0 without needing the server";
    return verdict;
  }
  verdict.kind = RealClientVerdict::Kind::kInconclusive;
  std::istringstream lines(stderr_data);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) {
      verdict.detail = line;
      break;
    }
  }
  if (verdict.detail.empty()) verdict.detail = "exited " + std::to_string(exit_code);
  return verdict;
}

std::vector<std::string> SafeKubectlArgs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool terminated = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (terminated) {
      out.push_back(a);
      continue;
    }
    if (a == "--") {
      terminated = true;
      out.push_back(a);
      continue;
    }
    if (StartsWith(a, "--")) {
      const size_t eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (const std::string* value = Replacement(name)) {
        if (eq != std::string::npos) {
          out.push_back("--" + name + "=" + *value);
        } else {
          out.push_back(a);
          if (i + 1 < args.size()) {
            out.push_back(*value);
            ++i;
          }
        }
        continue;
      }
      out.push_back(a);
      continue;
    }
    // -s is --server's shorthand: "-s URL", "-sURL", "-s=URL".
    if (a == "-s") {
      out.push_back(a);
      if (i + 1 < args.size()) {
        out.push_back(kDeadServer);
        ++i;
      }
      continue;
    }
    if (StartsWith(a, "-s") && a.size() > 2) {
      out.push_back(std::string("-s=") + kDeadServer);
      continue;
    }
    out.push_back(a);
  }
  // pflag reads flags anywhere before "--"; only a plugin name must come first.
  const bool plugin_first =
      !args.empty() && args[0].rfind("-", 0) != 0 && !IsBuiltinCommand(args[0]);
  if (!plugin_first) out.insert(out.begin(), "--request-timeout=1s");
  return out;
}

std::unique_ptr<KubectlParser> FindRealKubectl(int wall_timeout_ms) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return nullptr;
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty() || dir.front() != '/') continue;
    const fs::path candidate = fs::path(dir) / "kubectl";
    if (::access(candidate.c_str(), X_OK) != 0) continue;
    std::error_code ec;
    const fs::path real = fs::canonical(candidate, ec);
    if (ec || !fs::is_regular_file(real, ec)) continue;
    // A drill's shim folder links every faked program to rundrill-shim.
    if (real.filename() == "rundrill-shim") continue;
    return std::make_unique<SystemKubectl>(candidate.string(), wall_timeout_ms);
  }
  return nullptr;
}

}  // namespace rundrill::contracts
