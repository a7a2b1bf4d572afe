#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/status.h"
#include "simulator/exec/command_dispatcher.h"
#include "simulator/exec/sandbox.h"
#include "simulator/exec/step_process.h"

namespace rundrill::exec {

// Runs a drill's steps as real processes and serves the calls they make to faked
// programs. One per drill (and per Sandbox: it owns the sandbox's socket); not thread-safe (a drill
// is single-threaded), but separate runners may run in separate threads at once.
//
// The runner owns one event loop that serves, strictly one request at a time, the drill's
// Unix socket (listening at sandbox.socket_path() for the runner's lifetime), one loopback
// HTTP listener per named service, the step's stdout and stderr pipes, the step's exit, and
// the wall-clock guard. The real clock is read here and nowhere else in a drill, and only
// for the guard.
//
// HTTP: one request per connection (every answer says `Connection: close`); a request is
// dispatched once complete, so a slow client holds up nobody; malformed or oversized
// requests are answered 400, 413 or 431 by the runner itself. A connection the dispatcher
// holds (HttpDispatchResult::Disposition::kHold) stays open until the client closes it or
// the step ends; the wall-clock guard still applies, so a client without a timeout of its
// own ends its step after spec.wall_limit.
//
// Process groups: each step's shell leads its own process group, and everything it starts
// (pipelines, `sleep` loops, background jobs) stays in that group unless it deliberately
// leaves it (setsid). The whole group is stopped — SIGTERM, then SIGKILL after
// spec.kill_grace — when the guard fires, when a dispatch reports the step's virtual
// deadline, when rundrill is interrupted (exec/interrupt.h), and also when the shell exits on
// its own: background jobs never outlive their step. The runner marks this process a child
// subreaper (PR_SET_CHILD_SUBREAPER, process-wide), so every process of the step whose
// parent died is adopted here rather than by init: killed group members are reaped, and a
// process that left the group is found among the adopted children by the step's
// RUNDRILL_SOCKET in its environment, stopped the same way (with its own group) and reaped.
// Only a process that both left the group and rewrote its environment gets away.
//
// Descriptors: children get only stdin, stdout and stderr; every other descriptor of this
// process (other drills' sockets and pipes included) is closed on exec.
class StepRunner {
 public:
  // Binds the listener at sandbox.socket_path() (replacing a stale socket file), and one
  // loopback listener on an ephemeral port for each of `http_services` (distinct names). A
  // failure of the socket is reported by every Run as Status::Environment; a service whose
  // port cannot be bound has no URL. `sandbox` must outlive the runner.
  //
  // Network: with kOwn (drills), the steps run in a network namespace of their own with only
  // loopback up, and the HTTP listeners are on that loopback (exec/network_namespace.h);
  // where this process may not make one, it says so once on stderr and runs them in the
  // machine's network. kShared keeps steps and listeners in the machine's network, for tests
  // that reach the listeners themselves.
  enum class Network { kOwn, kShared };
  explicit StepRunner(const Sandbox& sandbox, const std::vector<std::string>& http_services = {},
                      Network network = Network::kOwn);
  ~StepRunner();
  StepRunner(const StepRunner&) = delete;
  StepRunner& operator=(const StepRunner&) = delete;

  // Runs `/bin/sh -c spec.command` with exactly spec.env, plus RUNDRILL_STEP_ID=spec.step_id
  // and RUNDRILL_SOCKET (set by the runner), serving each shim call through `dispatcher`
  // (which receives step_id = spec.step_id and sequence 1, 2, 3... in arrival order).
  // Returns once the shell has exited, its process group is gone and its output is read.
  // Output written after the group is gone by a process that escaped it is not waited
  // for beyond a short grace period.
  //
  // Fails with Status::Environment when the process cannot be started, the socket is
  // broken or an HTTP service could not be reopened (see SetHttpServiceOpen), and with
  // Status::Internal when the dispatcher threw (the step is killed first).
  StatusOr<StepProcessResult> Run(const StepProcessSpec& spec, CommandDispatcher& dispatcher);

  // `http://127.0.0.1:PORT` of `service`'s listener (loopback only; the port is the
  // service's for the runner's lifetime, whether open or closed), whose complete requests
  // are served, while a step runs, through CommandDispatcher::DispatchHttp with
  // `request.service` = `service`. Empty for an unknown service or one never bound.
  std::string HttpBaseUrl(std::string_view service) const;

  // Closes `service`'s listener (connect() to its port is refused; connections queued in
  // the kernel and not yet accepted are reset, connections already accepted are still
  // served) or opens it again on the same port (SO_REUSEADDR). Idempotent; unknown
  // services are ignored. Callable between steps and, while a step runs, from inside
  // CommandDispatcher::Dispatch and DispatchHttp: a reopened listener is accepting again
  // before the call's answer is sent. When the port cannot be bound again (another socket
  // took it), the service stays closed and Run fails with Status::Environment — the
  // running Run, if any, at its end, and every later one — until a later call reaches the
  // asked state.
  void SetHttpServiceOpen(std::string_view service, bool open);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rundrill::exec
