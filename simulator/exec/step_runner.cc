#include "simulator/exec/step_runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/filesystem/path.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/start_dir.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "fakes/shim/wire.h"
#include "simulator/exec/interrupt.h"
#include "simulator/exec/network_namespace.h"

namespace rundrill::exec {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;
using Local = asio::local::stream_protocol;
using Tcp = asio::ip::tcp;
namespace http = boost::beast::http;
using Stop = StepProcessResult::Stop;

// How often the step's state is polled when no readiness notification is available: a
// safety net while the step runs (the shell's exit normally arrives through a pidfd), and the
// pace at which killed group members are reaped once the shell is gone.
constexpr std::chrono::milliseconds kPollRunning(250);
constexpr std::chrono::milliseconds kPollRunningWithoutPidfd(10);
constexpr std::chrono::milliseconds kPollCleanup(2);
// After the shell exits (and, for processes that ignore SIGTERM, after the kill grace): how
// long killed processes may take to disappear, and how long output is still read from pipes
// that a process outside the group keeps open.
constexpr std::chrono::milliseconds kCleanupLimit(2000);
constexpr std::chrono::milliseconds kOutputGrace(100);
// Pause before accepting again after the listener failed (e.g. EMFILE).
constexpr std::chrono::milliseconds kAcceptRetry(10);
// What the loopback HTTP server reads of one request before answering 413 / 431: far
// beyond any Slack or PagerDuty payload (PagerDuty's own limit is 512 KB).
constexpr uint64_t kHttpBodyLimit = 1 << 20;
constexpr uint32_t kHttpHeaderLimit = 16 * 1024;

// Runs in the forked child, after Boost.Process has set up stdin/stdout/stderr and before
// exec: only async-signal-safe calls here.
struct ChildSetup : bp::extend::handler {
  char** envp = nullptr;
  int netns_fd = -1;  // the drill's network namespace, or -1: the machine's network

  template <typename Executor>
  void on_setup(Executor& exec) const {
    exec.env = envp;  // exactly the step's environment, nothing inherited
  }

  template <typename Executor>
  void on_exec_setup(Executor& exec) const {
    // Into the drill's own network, where only loopback exists, before anything else: a step
    // must never run outside it once the drill has one.
    if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "setns failed");
      ::_exit(127);
    }
    // Its own process group, so one kill(-pgid) reaches every process the step starts.
    if (::setpgid(0, 0) != 0) {
      exec.set_error(std::error_code(errno, std::system_category()), "setpgid failed");
      ::_exit(127);
    }
    // A child starts with default dispositions and an empty mask, whatever this process
    // (or the thread that forked) had: `kubectl get pods | head -1` must end by SIGPIPE.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);
    // Every descriptor above stderr closes on exec: sockets and pipes of this drill and of
    // drills running in other threads must not leak into the step (a leaked pipe end would
    // keep another drill waiting for EOF). Marking rather than closing keeps Boost.Process's
    // own exec-error pipe (already close-on-exec) working.
#if defined(SYS_close_range)
    constexpr unsigned kCloseRangeCloexec = 1u << 2;  // CLOSE_RANGE_CLOEXEC
    if (::syscall(SYS_close_range, 3u, ~0u, kCloseRangeCloexec) == 0) return;
#endif
    struct rlimit limit {};
    int max_fd = 65536;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < 65536) {
      max_fd = static_cast<int>(limit.rlim_cur);
    }
    for (int fd = 3; fd < max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
};

// Keeps the strings of an environment alive as the char** execve wants.
class EnvBlock {
 public:
  explicit EnvBlock(const std::map<std::string, std::string>& env) {
    for (const auto& [name, value] : env) entries_.push_back(name + "=" + value);
    for (std::string& entry : entries_) pointers_.push_back(entry.data());
    pointers_.push_back(nullptr);
  }
  char** get() { return pointers_.data(); }

 private:
  std::vector<std::string> entries_;
  std::vector<char*> pointers_;
};

int OpenPidfd(pid_t pid) {
#if defined(SYS_pidfd_open)
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

struct Connection {
  explicit Connection(asio::io_context& io) : socket(io) {}
  Local::socket socket;
  std::array<char, wire::kHeaderSize> header{};
  std::string payload;
  std::string reply;
};

struct HttpConnection {
  HttpConnection(asio::io_context& io, const std::string& service) : socket(io), service(service) {}
  Tcp::socket socket;
  const std::string& service;  // the name of the HttpService that accepted it
  boost::beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  http::response<http::string_body> reply;
  std::array<char, 1024> held{};  // what a held client sends after its request, dropped
};

// One named HTTP service: its own loopback listener, so that closing it makes connect()
// to its port fail as against a host that refuses connections. Owned by the runner;
// steps borrow it.
struct HttpService {
  HttpService(asio::io_context& io, std::string name)
      : name(std::move(name)), acceptor(io), accept_retry(io) {}
  std::string name;
  Tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  unsigned short port = 0;  // 0: never bound, and so never served
  std::string base_url;
  // Not ok while the listener is not in the state last asked for (it could not be bound
  // again); every Run fails with it meanwhile.
  Status error;
  // Bumped whenever the listener closes or reopens: an accept handler started for an
  // earlier listener knows it is stale.
  uint64_t generation = 0;
};

// Said once per process: the machine does not let drills have a network of their own, so a
// step that ignores its environment could reach real addresses.
void WarnSharedNetwork(const std::string& why) {
  static std::once_flag once;
  std::call_once(once, [&] {
    std::cerr << "rundrill: steps run in this machine's network (no network namespace: " << why
              << "); the scrubbed environment and the fakes first on PATH still apply, but a "
                 "step that dials a real address directly is not stopped\n";
  });
}

// Binds `service` to 127.0.0.1:`port` (0: an ephemeral port) and listens. Loopback only:
// nothing outside this machine can reach the fakes. With `netns`, on the loopback of the
// drill's own network, the only one its steps see.
boost::system::error_code Listen(HttpService& service, unsigned short port,
                                 const NetworkNamespace* netns) {
  boost::system::error_code ec;
  const Tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
  if (netns != nullptr) {
    std::string error;
    const int fd = netns->Socket(AF_INET, SOCK_STREAM, 0, &error);
    if (fd < 0) return boost::system::error_code(errno, boost::system::system_category());
    service.acceptor.assign(endpoint.protocol(), fd, ec);
  } else {
    service.acceptor.open(endpoint.protocol(), ec);
  }
  // A reopened listener must get its port back although connections it accepted before it
  // closed may still hold it (open, or in TIME_WAIT).
  if (!ec) service.acceptor.set_option(Tcp::acceptor::reuse_address(true), ec);
  if (!ec) service.acceptor.bind(endpoint, ec);
  if (!ec) service.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    service.acceptor.close(ignored);
    return ec;
  }
  ::fcntl(service.acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
  return ec;
}

// Closes at once with a reset (SO_LINGER 0) rather than an orderly end, so the client
// reports "connection reset" rather than an empty reply.
void ResetSocket(Tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

struct OutputPipe {
  OutputPipe(asio::io_context& io, std::string* sink, size_t limit)
      : pipe(io), sink(sink), limit(limit) {}
  bp::async_pipe pipe;
  std::string* sink;
  size_t limit;  // bytes kept; the rest is read and dropped so the writer never blocks
  bool truncated = false;
  std::array<char, 65536> buffer{};
  bool eof = false;
};

// One Run: the state of one step's process and the handlers serving it. Lives on Run's
// stack; every handler it starts has completed when io.run() returns, because Finish()
// closes or cancels everything and no handler re-arms after that.
class StepRun {
 public:
  StepRun(asio::io_context& io, Local::acceptor& acceptor,
          const std::vector<std::unique_ptr<HttpService>>& services, const StepProcessSpec& spec,
          CommandDispatcher& dispatcher)
      : io_(io),
        acceptor_(acceptor),
        services_(services),
        spec_(spec),
        dispatcher_(dispatcher),
        out_(io, &result_.stdout_data, spec.output_limit),
        err_(io, &result_.stderr_data, spec.output_limit),
        pidfd_(io),
        guard_(io),
        poll_(io),
        cleanup_(io),
        accept_retry_(io),
        kill_timer_(io),
        interrupt_(io) {}

  int netns_fd = -1;  // the drill's network namespace for the child, or -1

  Status Start(const std::map<std::string, std::string>& env, const std::string& cwd,
               const std::string& stdin_path) {
    EnvBlock env_block(env);
    ChildSetup setup;
    setup.envp = env_block.get();
    setup.netns_fd = netns_fd;
    std::error_code ec;
    boost::filesystem::path stdin_file(stdin_path);
    // `setup` touches only descriptors above 2, so it may run before or after the redirections.
    bp::child child(bp::exe = "/bin/sh", bp::args = std::vector<std::string>{"-c", spec_.command},
                    bp::start_dir = cwd, (bp::std_in < stdin_file), (bp::std_out > out_.pipe),
                    (bp::std_err > err_.pipe), setup, ec);
    if (ec || !child.valid()) {
      return Status::Environment("cannot start the step '" + spec_.step_id + "' (/bin/sh in " +
                                 cwd + "): " + ec.message());
    }
    pid_ = child.id();
    // From here the runner waits for the process itself (pidfd and waitpid); Boost.Process
    // must not reap or terminate it.
    child.detach();
    result_.process_group = pid_;
    // Every process the step starts inherits this entry unless it rewrites its environment:
    // it names this runner's socket, so it tells this step's escapees from other drills'.
    if (auto socket = env.find("RUNDRILL_SOCKET"); socket != env.end()) {
      marker_ = "RUNDRILL_SOCKET=" + socket->second;
    }

    int pidfd = OpenPidfd(pid_);
    if (pidfd >= 0) {
      ::fcntl(pidfd, F_SETFD, FD_CLOEXEC);
      pidfd_.assign(pidfd);
      WaitPidfd();
    }
    ReadOutput(out_);
    ReadOutput(err_);
    Accept();
    for (const std::unique_ptr<HttpService>& service : services_) AcceptHttp(*service);
    ArmGuard();
    ArmPoll(pidfd_.is_open() ? kPollRunning : kPollRunningWithoutPidfd);
    WatchInterrupt();
    return Status::Ok();
  }

  // Starts accepting on `service`'s listener, if it is open and the step still runs: the
  // runner calls it when a dispatch reopens a service. Any accept pending on an earlier
  // listener of the service is already cancelled (closing cancels it).
  //
  // Each connection is read on its own; only a complete request is dispatched, so a slow
  // or silent client holds up nobody. One request per connection: the answer says
  // `Connection: close`, which every client honours.
  void AcceptHttp(HttpService& service) {
    if (finished_ || !service.acceptor.is_open()) return;
    auto connection = std::make_shared<HttpConnection>(io_, service.name);
    const uint64_t generation = service.generation;
    service.acceptor.async_accept(connection->socket, [this, &service, connection, generation](
                                                          const boost::system::error_code& ec) {
      if (finished_ || ec == asio::error::operation_aborted) return;
      if (generation != service.generation) {
        // Accepted just before the listener closed, but not yet looked at: refused like the
        // connections still queued in the kernel, which the close reset.
        if (!ec) ResetSocket(connection->socket);
        return;
      }
      if (ec) {
        // Out of descriptors, most likely: try again a little later rather than spinning.
        service.accept_retry.expires_after(kAcceptRetry);
        service.accept_retry.async_wait(
            [this, &service, generation](const boost::system::error_code& e) {
              if (!e && generation == service.generation) AcceptHttp(service);
            });
        return;
      }
      http_connections_.push_back(connection);
      connection->parser.body_limit(kHttpBodyLimit);
      connection->parser.header_limit(kHttpHeaderLimit);
      ReadHttp(connection);
      AcceptHttp(service);
    });
  }

  // Called after io.run() returned.
  StatusOr<StepProcessResult> TakeResult() {
    if (!finished_) {
      // Only a bug leaves the loop without finishing; do not leave the group behind.
      KillGroup();
      return Status::Internal("step runner: the event loop ended before step '" + spec_.step_id +
                              "' finished");
    }
    if (!error_.ok()) return error_;
    return std::move(result_);
  }

 private:
  // ---- the shell and its process group ----

  void WaitPidfd() {
    pidfd_.async_wait(asio::posix::stream_descriptor::wait_read,
                      [this](const boost::system::error_code& ec) {
                        if (ec || finished_) return;
                        CheckProcesses();
                        // A pidfd stays readable once the process has exited; stop waiting on it
                        // then.
                        if (!shell_reaped_) WaitPidfd();
                      });
  }

  void ArmPoll(std::chrono::milliseconds period) {
    poll_.expires_after(period);
    poll_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      CheckProcesses();
      if (finished_) return;
      ArmPoll(shell_reaped_ || stop_decided_
                  ? kPollCleanup
                  : (pidfd_.is_open() ? kPollRunning : kPollRunningWithoutPidfd));
    });
  }

  void KillGroup() {
    if (pid_ > 0 && !group_gone_) ::kill(-pid_, SIGKILL);
  }

  // SIGTERM first so the step's processes may clean up, SIGKILL after spec.kill_grace for
  // those that ignore it (or that were forked after the SIGTERM). Repeatable: only the
  // first call signals and starts the grace.
  void TerminateGroup() {
    if (kill_now_) {
      KillGroup();
      SignalEscapees(SIGKILL);
      return;
    }
    if (!term_sent_ && pid_ > 0 && !group_gone_) {
      ::kill(-pid_, SIGTERM);
      // A stopped process acts on SIGTERM only once continued.
      ::kill(-pid_, SIGCONT);
    }
    StartKillGrace();
  }

  void StartKillGrace() {
    if (term_sent_) return;
    term_sent_ = true;
    kill_timer_.expires_after(spec_.kill_grace);
    kill_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      kill_now_ = true;
      KillGroup();
      SignalEscapees(SIGKILL);
      ArmPoll(kPollCleanup);
    });
  }

  // ---- processes that left the group ----

  // An escapee is a process that left the step's group (setsid, or a shell's job control),
  // outlived the shell, and so was adopted by this process (PR_SET_CHILD_SUBREAPER): a child
  // of ours that is not a step shell and still carries the step's marker. Its pid cannot be
  // reused before it is reaped here, so signalling a remembered escapee is always safe.
  void SignalEscapee(pid_t pid, int signal) {
    ::kill(pid, signal);
    // It may lead a group of its own (setsid makes it one): take its members with it.
    if (::getpgid(pid) == pid) {
      escaped_groups_.insert(pid);
      ::kill(-pid, signal);
    }
    if (signal == SIGTERM) ::kill(pid, SIGCONT);
  }

  void SignalEscapees(int signal) {
    for (pid_t pid : escapees_) SignalEscapee(pid, signal);
    for (pid_t group : escaped_groups_) ::kill(-group, signal);
  }

  struct ProcStat {
    char state = '?';
    pid_t ppid = 0;
    pid_t group = 0;
    pid_t session = 0;
  };

  // A /proc file read with plain read(2): the process may die while it is read (ESRCH),
  // and a stream would throw then.
  static bool ReadProcFile(const std::string& path, std::string* out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) out->append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return n == 0;
  }

  static bool ReadStat(pid_t pid, ProcStat* out) {
    std::string text;
    if (!ReadProcFile("/proc/" + std::to_string(pid) + "/stat", &text)) return false;
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size()) return false;
    const char* p = text.data() + close + 2;
    const char* end = text.data() + text.size();
    out->state = *p;
    p += 2;
    long fields[3] = {0, 0, 0};  // ppid, pgrp, session
    for (long& field : fields) {
      auto [next, ec] = std::from_chars(p, end, field);
      if (ec != std::errc()) return false;
      p = next + 1;
      if (p >= end) return false;
    }
    out->ppid = static_cast<pid_t>(fields[0]);
    out->group = static_cast<pid_t>(fields[1]);
    out->session = static_cast<pid_t>(fields[2]);
    return true;
  }

  bool CarriesMarker(pid_t pid) const {
    if (marker_.empty()) return false;
    std::string environ;
    if (!ReadProcFile("/proc/" + std::to_string(pid) + "/environ", &environ)) return false;
    for (size_t start = 0; start < environ.size();) {
      const size_t end = std::min(environ.find('\0', start), environ.size());
      if (environ.compare(start, end - start, marker_) == 0) return true;
      start = end + 1;
    }
    return false;
  }

  // Finds this step's escapees, signals the new ones, reaps the dead; true when none is
  // left. Zombies carry no environment any more: a zombie child that made its own session
  // is reaped whichever drill it came from, since rundrill starts no session leaders itself
  // and a zombie needs only reaping.
  bool HuntEscapees() {
    for (auto it = escapees_.begin(); it != escapees_.end();) {
      int status = 0;
      const pid_t reaped = ::waitpid(*it, &status, WNOHANG);
      it = (reaped == *it || (reaped < 0 && errno == ECHILD)) ? escapees_.erase(it) : std::next(it);
    }
    const pid_t self = ::getpid();
    bool alive = false;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return escapees_.empty();
    while (const dirent* entry = ::readdir(proc)) {
      pid_t pid = 0;
      const char* name = entry->d_name;
      auto [end, ec] = std::from_chars(name, name + std::strlen(name), pid);
      if (ec != std::errc() || *end != '\0') continue;
      ProcStat stat;
      if (!ReadStat(pid, &stat) || stat.ppid != self) continue;
      if (stat.state == 'Z') {
        // Members of an escaped group, killed with it, come here once their leader died.
        if (stat.session == pid || escapees_.count(pid) > 0 ||
            escaped_groups_.count(stat.group) > 0) {
          int status = 0;
          if (::waitpid(pid, &status, WNOHANG) == pid) escapees_.erase(pid);
        }
        continue;
      }
      if (escapees_.count(pid) > 0) {
        alive = true;
        continue;
      }
      if (!CarriesMarker(pid)) continue;
      escapees_.insert(pid);
      ++result_.escaped;
      alive = true;
      SignalEscapee(pid, kill_now_ ? SIGKILL : SIGTERM);
    }
    ::closedir(proc);
    // A group is watched until its last member is gone, so no member dies after the step
    // ended and stays a zombie. Its id is not reused while any member (zombies too) exists.
    for (auto it = escaped_groups_.begin(); it != escaped_groups_.end();) {
      if (::kill(-*it, 0) != 0 && errno == ESRCH) {
        it = escaped_groups_.erase(it);
      } else {
        alive = true;
        ++it;
      }
    }
    if (alive) {
      StartKillGrace();
      if (kill_now_) SignalEscapees(SIGKILL);
    }
    return !alive && escapees_.empty();
  }

  void CheckProcesses() {
    if (!shell_reaped_ && !stop_decided_ && Interrupted()) StopStep(Stop::kInterrupted);
    if (!shell_reaped_) {
      siginfo_t info{};
      int rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
      if (rc == 0 && info.si_pid == pid_) {
        // The shell is a zombie, so its pid (the group's id) cannot be reused until it is
        // reaped: signalling the group now can only reach the step's own leftovers.
        TerminateGroup();
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        RecordShellStatus(status);
        OnShellGone();
      } else if (rc != 0 && errno == ECHILD) {
        // Someone else reaped our child (a SIGCHLD set to SIG_IGN, or a stray waitpid(-1)).
        TerminateGroup();
        error_ = Status::Internal("step runner: lost the exit status of step '" + spec_.step_id +
                                  "' (process " + std::to_string(pid_) + " was reaped elsewhere)");
        OnShellGone();
      }
    }
    if (shell_reaped_ && !group_gone_) {
      // Killed members whose parent died first were adopted by this process (subreaper).
      for (;;) {
        int status = 0;
        pid_t reaped = ::waitpid(-pid_, &status, WNOHANG);
        if (reaped > 0) continue;
        if (reaped < 0 && errno == EINTR) continue;
        break;
      }
      if (::kill(-pid_, 0) != 0 && errno == ESRCH) {
        group_gone_ = true;
      } else if (kill_now_) {
        // Something may have forked between kills; SIGKILL is cheap to repeat.
        KillGroup();
      }
    }
    if (group_gone_ && !escapees_gone_ && HuntEscapees()) {
      escapees_gone_ = true;
      if (!(out_.eof && err_.eof)) ArmCleanup(kOutputGrace);
    }
    MaybeFinish();
  }

  void RecordShellStatus(int status) {
    if (WIFEXITED(status)) {
      result_.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result_.signal = WTERMSIG(status);
      result_.exit_code = 128 + result_.signal;
      if (!stop_decided_) {
        stop_decided_ = true;
        result_.stop = Stop::kSignal;
      }
    }
  }

  void OnShellGone() {
    shell_reaped_ = true;
    boost::system::error_code ignored;
    guard_.cancel(ignored);
    pidfd_.close(ignored);
    ArmCleanup(kCleanupLimit + spec_.kill_grace);
    ArmPoll(kPollCleanup);
  }

  void ArmCleanup(std::chrono::milliseconds limit) {
    cleanup_.expires_after(limit);
    cleanup_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_) return;
      // Either killed processes refuse to disappear (uninterruptible sleep) or a process
      // outside the group holds the output pipes: stop waiting for them.
      Finish();
    });
  }

  // Stops the step for `reason` unless a reason was already decided.
  void StopStep(Stop reason) {
    if (!stop_decided_) {
      stop_decided_ = true;
      result_.stop = reason;
    }
    TerminateGroup();
    ArmPoll(kPollCleanup);
  }

  // The interrupt pipe is never drained, so this fires in every runner once it is written.
  void WatchInterrupt() {
    const int fd = InterruptFd();
    if (fd < 0) return;
    const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (own < 0) return;
    boost::system::error_code ec;
    interrupt_.assign(own, ec);
    if (ec) {
      ::close(own);
      return;
    }
    interrupt_.async_wait(asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code& e) {
                            if (e || finished_ || shell_reaped_) return;
                            StopStep(Stop::kInterrupted);
                          });
  }

  void ArmGuard() {
    guard_.expires_after(spec_.wall_limit);
    guard_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || finished_ || shell_reaped_) return;
      StopStep(Stop::kWallGuard);
    });
  }

  void MaybeFinish() {
    if (!finished_ && shell_reaped_ && group_gone_ && escapees_gone_ && out_.eof && err_.eof) {
      Finish();
    }
  }

  void Finish() {
    finished_ = true;
    boost::system::error_code ignored;
    acceptor_.cancel(ignored);
    for (const std::unique_ptr<HttpService>& service : services_) {
      if (service->acceptor.is_open()) service->acceptor.cancel(ignored);
      service->accept_retry.cancel(ignored);
    }
    for (const std::shared_ptr<Connection>& connection : connections_) {
      connection->socket.close(ignored);
    }
    connections_.clear();
    for (const std::shared_ptr<HttpConnection>& connection : http_connections_) {
      connection->socket.close(ignored);
    }
    http_connections_.clear();
    out_.pipe.close(ignored);
    err_.pipe.close(ignored);
    pidfd_.close(ignored);
    guard_.cancel(ignored);
    poll_.cancel(ignored);
    cleanup_.cancel(ignored);
    accept_retry_.cancel(ignored);
    kill_timer_.cancel(ignored);
    interrupt_.close(ignored);
  }

  // ---- output ----

  // A step that prints without end (`yes`) must not exhaust memory before the guard fires.
  static void Keep(OutputPipe& output, size_t n) {
    const size_t room = output.limit - std::min(output.limit, output.sink->size());
    output.sink->append(output.buffer.data(), std::min(n, room));
    if (n > room && !output.truncated) {
      output.truncated = true;
      output.sink->append("\n[rundrill: output truncated after " + std::to_string(output.limit) +
                          " bytes]\n");
    }
  }

  void ReadOutput(OutputPipe& output) {
    output.pipe.async_read_some(
        asio::buffer(output.buffer),
        [this, &output](const boost::system::error_code& ec, std::size_t n) {
          Keep(output, n);
          if (ec) {
            // EOF: every writer is gone. Any other error (the pipe closed by Finish) also
            // ends reading.
            output.eof = true;
            MaybeFinish();
            return;
          }
          if (!finished_) ReadOutput(output);
        });
  }

  // ---- shim calls ----

  void Accept() {
    auto connection = std::make_shared<Connection>(io_);
    acceptor_.async_accept(connection->socket,
                           [this, connection](const boost::system::error_code& ec) {
                             if (finished_) return;
                             if (ec == asio::error::operation_aborted) return;
                             if (ec) {
                               // Out of descriptors, most likely: try again a little later
                               // rather than spinning; the shim waits in its connect queue.
                               accept_retry_.expires_after(kAcceptRetry);
                               accept_retry_.async_wait([this](const boost::system::error_code& e) {
                                 if (!e && !finished_) Accept();
                               });
                               return;
                             }
                             connections_.push_back(connection);
                             ReadHeader(connection);
                             Accept();
                           });
  }

  void Close(const std::shared_ptr<Connection>& connection) {
    boost::system::error_code ignored;
    connection->socket.close(ignored);
    connections_.remove(connection);
  }

  // Partial frames and early disconnects just end the connection: the shim reports that
  // the drill did not answer. A connection that never completes its frame is closed when
  // the step ends.
  void ReadHeader(const std::shared_ptr<Connection>& connection) {
    asio::async_read(connection->socket, asio::buffer(connection->header),
                     [this, connection](const boost::system::error_code& ec, std::size_t) {
                       if (finished_) return;
                       if (ec) return Close(connection);
                       uint32_t size = 0;
                       std::string error;
                       if (!wire::ParseHeader(std::string_view(connection->header.data(),
                                                               connection->header.size()),
                                              wire::FrameKind::kRequest, &size, &error)) {
                         return Reject(connection, error);
                       }
                       connection->payload.resize(size);
                       ReadPayload(connection);
                     });
  }

  void ReadPayload(const std::shared_ptr<Connection>& connection) {
    asio::async_read(connection->socket, asio::buffer(connection->payload),
                     [this, connection](const boost::system::error_code& ec, std::size_t) {
                       if (finished_) return;
                       if (ec) return Close(connection);
                       wire::Request request;
                       std::string error;
                       if (!wire::DecodeRequestPayload(connection->payload, &request, &error)) {
                         return Reject(connection, error);
                       }
                       connection->payload.clear();
                       connection->payload.shrink_to_fit();
                       Serve(connection, std::move(request));
                     });
  }

  // Answers a frame that cannot be understood with an error the shim prints, in this
  // build's format: a shim from another build recognises the version and says so.
  void Reject(const std::shared_ptr<Connection>& connection, const std::string& error) {
    wire::Response response;
    response.stderr_data = "rundrill: bad call from rundrill-shim: " + error + "\n";
    response.exit_code = 127;
    connection->reply = wire::EncodeResponse(response);
    asio::async_write(connection->socket, asio::buffer(connection->reply),
                      [this, connection](const boost::system::error_code& ec, std::size_t) {
                        if (finished_) return;
                        if (ec) return Close(connection);
                        // Closing a Unix socket with unread input resets it, and the peer
                        // would lose the answer: signal the end, then discard the rest of
                        // the bad frame until the peer closes (or the step ends).
                        boost::system::error_code ignored;
                        connection->socket.shutdown(Local::socket::shutdown_send, ignored);
                        Discard(connection);
                      });
  }

  void Discard(const std::shared_ptr<Connection>& connection) {
    connection->payload.resize(4096);
    connection->socket.async_read_some(
        asio::buffer(connection->payload),
        [this, connection](const boost::system::error_code& ec, std::size_t) {
          if (finished_) return;
          if (ec) return Close(connection);
          Discard(connection);
        });
  }

  void Serve(const std::shared_ptr<Connection>& connection, wire::Request request) {
    if (stop_decided_ || shell_reaped_) {
      // The step is being stopped: its processes are being killed, nothing more is answered.
      return Close(connection);
    }
    fakes::CommandRequest call;
    call.argv = std::move(request.argv);
    call.stdin_data = std::move(request.stdin_data);
    call.cwd = std::move(request.cwd);
    call.env = std::move(request.env);
    // The step id comes from what the runner is running, not from the caller's environment.
    // The sequence number is the order in which complete requests reached this loop: calls
    // from background jobs race each other, and arrival here is the only order that exists.
    call.step_id = spec_.step_id;
    call.sequence = ++sequence_;

    DispatchResult dispatched;
    try {
      dispatched = dispatcher_.Dispatch(call);
    } catch (const std::exception& e) {
      error_ = Status::Internal("step '" + spec_.step_id + "': answering " +
                                (call.argv.empty() ? std::string("a call") : call.argv[0]) +
                                " failed: " + e.what());
      dispatched = DispatchResult{};
      dispatched.response.stderr_data = "rundrill: internal error while answering this call\n";
      dispatched.response.exit_code = 127;
      dispatched.stop_step = true;
    }
    ++result_.calls;
    // Real time spent inside Dispatch is the simulator's, not the step's.
    ArmGuard();

    wire::Response response;
    response.stdout_data = std::move(dispatched.response.stdout_data);
    response.stderr_data = std::move(dispatched.response.stderr_data);
    response.exit_code = dispatched.response.exit_code;
    if (dispatched.stop_step && !stop_decided_) {
      // Decided now so that no later request is dispatched; the kill waits for the answer.
      stop_decided_ = true;
      result_.stop = Stop::kVirtualDeadline;
    }
    Reply(connection, wire::EncodeResponse(response), dispatched.stop_step);
  }

  void Reply(const std::shared_ptr<Connection>& connection, std::string frame, bool then_stop) {
    connection->reply = std::move(frame);
    asio::async_write(connection->socket, asio::buffer(connection->reply),
                      [this, connection, then_stop](const boost::system::error_code&, std::size_t) {
                        if (finished_) return;
                        Close(connection);
                        if (then_stop) StopStep(Stop::kVirtualDeadline);
                      });
  }

  // ---- HTTP calls (Slack, PagerDuty) ----

  void CloseHttp(const std::shared_ptr<HttpConnection>& connection) {
    boost::system::error_code ignored;
    connection->socket.shutdown(Tcp::socket::shutdown_both, ignored);
    connection->socket.close(ignored);
    http_connections_.remove(connection);
  }

  void ReadHttp(const std::shared_ptr<HttpConnection>& connection) {
    http::async_read(
        connection->socket, connection->buffer, connection->parser,
        [this, connection](const boost::system::error_code& ec, std::size_t) {
          if (finished_) return;
          if (ec == http::error::end_of_stream || ec == asio::error::eof ||
              ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
            return CloseHttp(connection);
          }
          if (ec == http::error::body_limit) {
            return ReplyHttpError(connection, 413, "Payload Too Large",
                                  "request body over " + std::to_string(kHttpBodyLimit) + " bytes");
          }
          if (ec == http::error::header_limit) {
            return ReplyHttpError(
                connection, 431, "Request Header Fields Too Large",
                "request headers over " + std::to_string(kHttpHeaderLimit) + " bytes");
          }
          if (ec) return ReplyHttpError(connection, 400, "Bad Request", ec.message());
          ServeHttp(connection);
        });
  }

  // Malformed requests are answered by the server itself, as a real front end would, and
  // never reach a fake: the drill goes on.
  void ReplyHttpError(const std::shared_ptr<HttpConnection>& connection, int status,
                      const std::string& reason, const std::string& detail) {
    fakes::HttpResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    response.body = std::to_string(status) + " " + reason + ": " + detail + "\n";
    WriteHttp(connection, response, 11, false);
  }

  void ServeHttp(const std::shared_ptr<HttpConnection>& connection) {
    if (stop_decided_ || shell_reaped_) return CloseHttp(connection);
    const http::request<http::string_body>& in = connection->parser.get();
    fakes::HttpRequest request;
    request.service = connection->service;
    request.method = std::string(in.method_string());
    request.target = std::string(in.target());
    for (const auto& field : in) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string& value = request.headers[name];
      // Repeated fields join as HTTP says they may: with commas.
      value = value.empty() ? std::string(field.value()) : value + "," + std::string(field.value());
    }
    request.body = in.body();
    request.step_id = spec_.step_id;
    request.sequence = ++sequence_;

    HttpDispatchResult dispatched;
    try {
      dispatched = dispatcher_.DispatchHttp(request);
    } catch (const std::exception& e) {
      error_ = Status::Internal("step '" + spec_.step_id + "': answering HTTP " + request.method +
                                " " + request.target + " failed: " + e.what());
      dispatched = HttpDispatchResult{};
      dispatched.response.status = 500;
      dispatched.response.body = "rundrill: internal error while answering this request\n";
      dispatched.stop_step = true;
    }
    ++result_.calls;
    ArmGuard();
    if (dispatched.stop_step && !stop_decided_) {
      stop_decided_ = true;
      result_.stop = Stop::kVirtualDeadline;
    }
    using Disposition = HttpDispatchResult::Disposition;
    switch (dispatched.disposition) {
      case Disposition::kAnswer:
        return WriteHttp(connection, dispatched.response, in.version(), dispatched.stop_step);
      case Disposition::kHold:
        // A held connection stays in http_connections_, so Finish closes it with the step.
        HoldHttp(connection);
        break;
      case Disposition::kReset:
        ResetSocket(connection->socket);
        http_connections_.remove(connection);
        break;
    }
    if (dispatched.stop_step) StopStep(Stop::kVirtualDeadline);
  }

  // Sends nothing and waits for the client to give up; what it sends meanwhile is read only
  // to notice when it closes, and dropped.
  void HoldHttp(const std::shared_ptr<HttpConnection>& connection) {
    connection->socket.async_read_some(
        asio::buffer(connection->held),
        [this, connection](const boost::system::error_code& ec, std::size_t) {
          if (finished_) return;
          if (ec) return CloseHttp(connection);
          HoldHttp(connection);
        });
  }

  void WriteHttp(const std::shared_ptr<HttpConnection>& connection,
                 const fakes::HttpResponse& response, unsigned version, bool then_stop) {
    auto& reply = connection->reply;
    reply = {};
    reply.version(version == 10 ? 10 : 11);
    reply.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) reply.insert(name, value);
    reply.set(http::field::connection, "close");
    reply.body() = response.body;
    reply.prepare_payload();
    http::async_write(connection->socket, reply,
                      [this, connection, then_stop](const boost::system::error_code&, std::size_t) {
                        if (finished_) return;
                        CloseHttp(connection);
                        if (then_stop) StopStep(Stop::kVirtualDeadline);
                      });
  }

  asio::io_context& io_;
  Local::acceptor& acceptor_;
  const std::vector<std::unique_ptr<HttpService>>& services_;
  const StepProcessSpec& spec_;
  CommandDispatcher& dispatcher_;

  StepProcessResult result_;
  Status error_;
  OutputPipe out_;
  OutputPipe err_;
  asio::posix::stream_descriptor pidfd_;
  asio::steady_timer guard_;         // the wall-clock guard: the only real clock in a drill
  asio::steady_timer poll_;          // see kPollRunning
  asio::steady_timer cleanup_;       // bounds the wait after the shell is gone
  asio::steady_timer accept_retry_;  // the drill socket's; each HttpService has its own
  asio::steady_timer kill_timer_;    // the grace between SIGTERM and SIGKILL
  asio::posix::stream_descriptor interrupt_;  // a dup of InterruptFd()
  std::list<std::shared_ptr<Connection>> connections_;
  std::list<std::shared_ptr<HttpConnection>> http_connections_;

  pid_t pid_ = -1;
  uint64_t sequence_ = 0;
  bool stop_decided_ = false;
  bool shell_reaped_ = false;
  bool group_gone_ = false;
  bool escapees_gone_ = false;
  bool term_sent_ = false;
  bool kill_now_ = false;           // the grace is over: SIGKILL whatever is left
  std::string marker_;              // "RUNDRILL_SOCKET=<this runner's socket>"
  std::set<pid_t> escapees_;        // adopted escapees signalled and not yet reaped
  std::set<pid_t> escaped_groups_;  // groups led by escapees, until no member is left
  bool finished_ = false;
};

}  // namespace

class StepRunner::Impl {
 public:
  Impl(const Sandbox& sandbox, const std::vector<std::string>& http_services,
       StepRunner::Network network)
      : sandbox_(sandbox), acceptor_(io_) {
    // Reaping a step's killed grandchildren needs them to be adopted by this process rather
    // than by init. Failure only weakens the "group gone" guarantee to "group killed".
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    std::string path = sandbox_.socket_path();
    ::unlink(path.c_str());
    boost::system::error_code ec;
    acceptor_.open(Local(), ec);
    if (!ec) acceptor_.bind(Local::endpoint(path), ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      listener_status_ =
          Status::Environment("cannot listen on the drill socket " + path + ": " + ec.message());
      acceptor_.close(ec);
    } else {
      ::fcntl(acceptor_.native_handle(), F_SETFD, FD_CLOEXEC);
    }
    if (network == StepRunner::Network::kOwn) {
      std::string why;
      netns_ = NetworkNamespace::Create(&why);
      if (!netns_) WarnSharedNetwork(why);
    }
    for (const std::string& name : http_services) {
      auto service = std::make_unique<HttpService>(io_, name);
      if (!Listen(*service, 0, netns_.get())) {
        service->port = service->acceptor.local_endpoint().port();
        service->base_url = "http://127.0.0.1:" + std::to_string(service->port);
      }
      services_.push_back(std::move(service));
    }
  }

  ~Impl() {
    boost::system::error_code ec;
    if (acceptor_.is_open()) {
      acceptor_.close(ec);
      ::unlink(sandbox_.socket_path().c_str());
    }
  }

  std::string HttpBaseUrl(std::string_view name) const {
    const HttpService* service = Find(name);
    return service == nullptr ? "" : service->base_url;
  }

  void SetHttpServiceOpen(std::string_view name, bool open) {
    HttpService* service = Find(name);
    if (service == nullptr || service->port == 0) return;
    boost::system::error_code ignored;
    if (!open) {
      service->error = Status::Ok();
      if (!service->acceptor.is_open()) return;
      ++service->generation;
      service->accept_retry.cancel(ignored);
      // Cancels a pending accept (its handler sees operation_aborted) and resets the
      // connections the kernel had queued.
      service->acceptor.close(ignored);
      return;
    }
    if (service->acceptor.is_open()) {
      service->error = Status::Ok();
      return;
    }
    const boost::system::error_code ec = Listen(*service, service->port, netns_.get());
    if (ec) {
      service->error = Status::Environment("cannot reopen the HTTP service '" + service->name +
                                           "' on 127.0.0.1:" + std::to_string(service->port) +
                                           ": " + ec.message());
      return;
    }
    service->error = Status::Ok();
    ++service->generation;
    if (running_ != nullptr) running_->AcceptHttp(*service);
  }

  StatusOr<StepProcessResult> Run(const StepProcessSpec& spec, CommandDispatcher& dispatcher) {
    if (!listener_status_.ok()) return listener_status_;
    if (Status broken = ServiceError(); !broken.ok()) return broken;
    DropStaleConnections();

    if (Interrupted()) {
      // Nothing is started once rundrill is stopping.
      StepProcessResult stopped;
      stopped.stop = StepProcessResult::Stop::kInterrupted;
      stopped.signal = SIGINT;
      stopped.exit_code = 128 + SIGINT;
      return stopped;
    }
    std::map<std::string, std::string> env = spec.env;
    env["RUNDRILL_STEP_ID"] = spec.step_id;
    env["RUNDRILL_SOCKET"] = sandbox_.socket_path();
    std::string cwd = spec.cwd.empty() ? sandbox_.home_dir() : spec.cwd;

    // Step input goes through a file rather than a pipe: the step may ignore its input and
    // exit, and nothing then has to cope with a half-written pipe.
    std::string stdin_path = "/dev/null";
    if (!spec.stdin_data.empty()) {
      StatusOr<std::string> written =
          sandbox_.WriteFile(".stdin-" + std::to_string(++stdin_files_), spec.stdin_data);
      if (!written.ok()) return written.status();
      stdin_path = *written;
    }

    io_.restart();
    StepRun run(io_, acceptor_, services_, spec, dispatcher);
    run.netns_fd = netns_ ? netns_->fd() : -1;
    Status started = run.Start(env, cwd, stdin_path);
    // The child holds its own descriptor of the input now.
    if (stdin_path != "/dev/null") ::unlink(stdin_path.c_str());
    if (!started.ok()) return started;
    {
      // SetHttpServiceOpen reaches the step through running_ only while the loop runs, and
      // never after `run` is gone, even if the loop throws.
      struct Serving {
        StepRun*& slot;
        ~Serving() { slot = nullptr; }
      } serving{running_};
      running_ = &run;
      io_.run();
    }
    StatusOr<StepProcessResult> result = run.TakeResult();
    // A service that could not be reopened mid-step refused connections the scenario meant
    // to be served: the step's outcome cannot be trusted.
    if (Status broken = ServiceError(); result.ok() && !broken.ok()) return broken;
    return result;
  }

 private:
  HttpService* Find(std::string_view name) const {
    for (const std::unique_ptr<HttpService>& service : services_) {
      if (service->name == name) return service.get();
    }
    return nullptr;
  }

  Status ServiceError() const {
    for (const std::unique_ptr<HttpService>& service : services_) {
      if (!service->error.ok()) return service->error;
    }
    return Status::Ok();
  }

  // Connections queued between steps can only come from processes that escaped an earlier
  // step's group; they must not be answered as if the next step had made them.
  void DropStaleConnections() {
    boost::system::error_code ec;
    acceptor_.non_blocking(true, ec);
    for (;;) {
      Local::socket stale(io_);
      acceptor_.accept(stale, ec);
      if (ec) break;
    }
    acceptor_.non_blocking(false, ec);
    for (const std::unique_ptr<HttpService>& service : services_) {
      if (!service->acceptor.is_open()) continue;
      service->acceptor.non_blocking(true, ec);
      for (;;) {
        Tcp::socket stale(io_);
        service->acceptor.accept(stale, ec);
        if (ec) break;
      }
      service->acceptor.non_blocking(false, ec);
    }
  }

  const Sandbox& sandbox_;
  asio::io_context io_;
  Local::acceptor acceptor_;
  // The steps' own network (loopback only), when this process may make one.
  std::unique_ptr<NetworkNamespace> netns_;
  std::vector<std::unique_ptr<HttpService>> services_;  // in the order given; few, so a list
  Status listener_status_;
  StepRun* running_ = nullptr;  // the step being served, while io_ runs
  int stdin_files_ = 0;
};

StepRunner::StepRunner(const Sandbox& sandbox, const std::vector<std::string>& http_services,
                       Network network)
    : impl_(std::make_unique<Impl>(sandbox, http_services, network)) {}

StepRunner::~StepRunner() = default;

std::string StepRunner::HttpBaseUrl(std::string_view service) const {
  return impl_->HttpBaseUrl(service);
}

void StepRunner::SetHttpServiceOpen(std::string_view service, bool open) {
  impl_->SetHttpServiceOpen(service, open);
}

StatusOr<StepProcessResult> StepRunner::Run(const StepProcessSpec& spec,
                                            CommandDispatcher& dispatcher) {
  return impl_->Run(spec, dispatcher);
}

}  // namespace rundrill::exec
