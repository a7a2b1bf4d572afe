#pragma once

// The fake `ssh`, emulating the OpenSSH 9.2p1 client of Debian 12 talking to Debian 12
// hosts (bash as the login shell, coreutils 9.1, findutils 4.9, systemd 252, procps 4.0.2,
// locale C.UTF-8 as the sandbox sends it through SendEnv). docs/ssh.md lists what is
// modelled and what is not.
//
// A call goes through the connection outcomes in this order: unknown host (resolution
// fails at once); host down, dropping partition or injected timeout (waits ConnectTimeout,
// or 127 s, the kernel's SYN retries); rejecting partition, injected refusal or a port
// nobody listens on (refused at once); handshake longer than ConnectTimeout (banner
// timeout); injected server error (closed during key exchange); expired or revoked key, or
// a user the host does not admit (Permission denied (publickey)). Then the remote command
// runs in a small POSIX-shell subset; its exit status is ssh's. ssh's own messages end in
// "\r\n" and -q silences them; remote output ends in "\n".
//
// Virtual time moves by the modelled duration of each phase through SimContext::AdvanceTo;
// when that reports the step's deadline, the call returns at once (exit 255). Every call
// draws from the backend's stream the same number of times whatever the outcome (one
// handshake draw, then AccessWorld::DrawError's), so streams stay aligned across runs whose
// outcomes differ. The world changes only through HostWorld operations.
//
// Anything not modelled fails loudly: exit 255 for ssh's own options ("rundrill: ssh '-L'
// is not modelled; add a stub in the scenario"), exit 127 for remote commands ("rundrill:
// ssh db-1: 'grep' is not modelled on hosts; add a stub in the scenario").

#include <string_view>

#include "fakes/backend.h"
#include "simulator/core/sim_time.h"

namespace rundrill::fakes {

struct SshOptions {
  // The TCP and SSH handshake: drawn uniformly from [min, max] (equal bounds: no variation,
  // but still one draw). AccessWorld's extra latency for the host is added on top.
  SimDuration min_handshake{200};
  SimDuration max_handshake{400};
  // How long an unanswered connect waits without ConnectTimeout (Linux: 6 SYN retries).
  SimDuration kernel_connect_timeout{127000};
  // Each remote command's own cost (fork and exec), before what it does.
  SimDuration command_cost{5};
  // find and du visit this many entries per millisecond.
  int entries_per_ms = 20;
  // journalctl --vacuum-*: per call, and per deleted file.
  SimDuration vacuum_cost{20};
  SimDuration vacuum_file_cost{10};
  // cat prints filler for a file without declared content only up to this size; a bigger
  // one fails loudly rather than flood the step's output.
  int64_t max_filler_bytes = int64_t{1} << 20;
};

class SshBackend : public CommandBackend {
 public:
  SshBackend() = default;
  explicit SshBackend(SshOptions options) : options_(options) {}

  std::string_view Program() const override { return "ssh"; }
  CommandResponse Handle(const CommandRequest& request, SimContext& context) override;

 private:
  SshOptions options_;
};

}  // namespace rundrill::fakes
