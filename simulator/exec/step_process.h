#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace rundrill::exec {

// What StepRunner::Run starts: `/bin/sh -c command` with exactly `env` (nothing inherited),
// in `cwd` (empty: the sandbox's home), reading `stdin_data` (empty: /dev/null).
struct StepProcessSpec {
  std::string command;
  std::map<std::string, std::string> env;
  std::string cwd;
  std::string step_id;
  std::string stdin_data;
  // Real time the step may go without calling any fake before its process group is killed.
  // The only wall-clock figure in a drill; it never influences virtual time.
  std::chrono::milliseconds wall_limit{30000};
  // Bytes of stdout, and of stderr, kept; beyond it the output is read and dropped and a
  // line "[rundrill: output truncated after N bytes]" is appended. Reading goes on, so the
  // writer never blocks on a full pipe and ends with its own status; one that writes for
  // ever is stopped by the wall-clock guard like any step that calls no fake.
  size_t output_limit = 16 << 20;
  // Real time between SIGTERM and SIGKILL when the step's processes are stopped, so they
  // may clean up; processes that ignore SIGTERM cost this much wall time.
  std::chrono::milliseconds kill_grace{1000};
};

struct StepProcessResult {
  // Why the step's process stopped.
  enum class Stop {
    kExited,           // the shell exited on its own (exit_code is its status)
    kVirtualDeadline,  // a dispatch returned stop_step; the group was killed after answering
    kWallGuard,        // no fake was called for wall_limit; the group was killed
    kSignal,           // the shell was killed by a signal rundrill did not send
    kInterrupted,      // rundrill was interrupted (exec/interrupt.h); the group was killed
  };

  // The shell's exit status; 128 + signal number when it died by a signal (as sh reports).
  int exit_code = 0;
  std::string stdout_data;
  std::string stderr_data;
  Stop stop = Stop::kExited;
  int signal = 0;  // the signal that ended the shell, or 0
  int calls = 0;   // fake calls answered during the step
  // The shell's pid, which is also the id of the step's process group. When Run returns,
  // no process of that group is left, nor any process that left the group (setsid) and
  // still carried the step's environment when the shell was gone (unless one was stuck
  // beyond the cleanup bound).
  int process_group = 0;
  int escaped = 0;  // processes that had left the group and were killed after it
};

}  // namespace rundrill::exec
