#pragma once

// One established ssh session: where remote commands run, what they print, how they spend
// virtual time, and how the session ends when the host goes away or the step's deadline
// comes.

#include <string>
#include <string_view>
#include <vector>

#include "fakes/backend.h"
#include "fakes/ssh/ssh_args.h"
#include "fakes/ssh/ssh_backend.h"
#include "simulator/world/host/host_world.h"

namespace rundrill::fakes::ssh {

class RemoteSession {
 public:
  RemoteSession(SimContext& context, const SshOptions& options, const SshInvocation& invocation,
                std::string host, std::string user, std::string stdin_data,
                CommandResponse& response);

  world::HostWorld& hosts();
  const std::string& host() const { return host_; }
  const std::string& user() const { return user_; }
  bool root() const { return user_ == "root"; }
  // The login directory, where relative paths start: /root or /home/<user>.
  std::string Home() const { return root() ? "/root" : "/home/" + user_; }
  SimTime Now() const { return context_.Now(); }
  const SshOptions& options() const { return options_; }

  void Out(std::string_view text) { response_.stdout_data += text; }
  void Err(std::string_view text) { response_.stderr_data += text; }
  // What the session's stdin still holds (the first reader takes it all).
  std::string TakeStdin();

  // Stops the session: `what` is not modelled on hosts. Returns 127.
  int NotModelled(const std::string& what);
  // Spends `d` of virtual time. False when the session cannot go on (the step's deadline
  // came, or the host crashed or rebooted meanwhile); stopped() is then set.
  bool Spend(SimDuration d);
  bool stopped() const { return stopped_; }
  int stop_code() const { return stop_code_; }

 private:
  void Stop(int code) {
    stopped_ = true;
    stop_code_ = code;
  }

  SimContext& context_;
  const SshOptions& options_;
  const SshInvocation& invocation_;
  std::string host_;
  std::string user_;
  std::string stdin_;
  CommandResponse& response_;
  int boots_ = 0;
  bool stopped_ = false;
  int stop_code_ = 0;
};

// Runs `command_line` (ssh's arguments joined by spaces) in the host's shell. Returns the
// exit status of the last command run, or the session's stop code.
int RunRemoteCommand(RemoteSession& session, const std::string& command_line);

}  // namespace rundrill::fakes::ssh
