#pragma once

// The command line of OpenSSH 9.2p1's `ssh`, parsed as ssh.c parses it: BSD getopt (no
// permutation; parsing stops at the destination and resumes after it, so `ssh host -q cmd`
// takes -q as an option and `ssh host cmd -q` passes -q to the remote command), `-o` lines
// read as readconf.c reads them, and first-value-wins for -l/-p/User/Port.

#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"

namespace rundrill::fakes::ssh {

struct SshInvocation {
  std::string destination;           // host as given, lowercased as ssh does
  std::optional<std::string> user;   // -l, user@host or -o User (the first one given)
  std::optional<int> port;           // -p or -o Port (the first one given)
  std::vector<std::string> command;  // the remote command's words; empty: interactive login
  bool quiet = false;                // -q or LogLevel=QUIET
  int tty_requests = 0;              // number of -t
  bool no_tty = false;               // -T
  bool stdin_null = false;           // -n
  std::optional<bool> batch_mode;
  // ConnectTimeout; nullopt when unset, "none" or 0 (the kernel's connect timeout applies).
  std::optional<SimDuration> connect_timeout;
  std::optional<SimDuration> server_alive_interval;  // nullopt: unset
  int server_alive_count_max = 3;
  std::optional<std::string> strict_host_key_checking;
};

// Either an invocation, or what ssh prints (usage text, config errors: already terminated
// with the right line endings) and the exit code it stops with.
struct SshArgs {
  std::optional<SshInvocation> invocation;
  std::string stderr_data;
  int exit_code = 255;
};

// `args` excludes argv[0].
SshArgs ParseSshArgs(const std::vector<std::string>& args);

// ssh(1)'s usage text as 9.2p1 prints it (plain "\n" line ends: it is written with fprintf,
// not through ssh's logger).
extern const char kSshUsage[];

// "rundrill: ssh <what> is not modelled; add a stub in the scenario".
std::string SshNotModelled(const std::string& what);

}  // namespace rundrill::fakes::ssh
