#include "fakes/ssh/ssh_backend.h"

#include <algorithm>

#include "fakes/ssh/remote_session.h"
#include "fakes/ssh/ssh_args.h"
#include "simulator/world/world.h"

namespace rundrill::fakes {

using ssh::SshInvocation;

namespace {

bool IsIpv4(const std::string& s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t end = s.find('.', i);
    if (end == std::string::npos) end = s.size();
    if (end == i || end - i > 3) return false;
    int value = 0;
    for (size_t k = i; k < end; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      value = value * 10 + (s[k] - '0');
    }
    if (value > 255) return false;
    ++parts;
    i = end + 1;
  }
  return parts == 4;
}

}  // namespace

CommandResponse SshBackend::Handle(const CommandRequest& request, SimContext& context) {
  CommandResponse response;
  const std::vector<std::string> args(
      request.argv.empty() ? request.argv.begin() : request.argv.begin() + 1, request.argv.end());
  const ssh::SshArgs parsed = ssh::ParseSshArgs(args);
  if (!parsed.invocation) {
    response.stderr_data = parsed.stderr_data;
    response.exit_code = parsed.exit_code;
    return response;
  }
  const SshInvocation& inv = *parsed.invocation;
  if (inv.tty_requests > 1) {
    response.stderr_data = ssh::SshNotModelled("'-tt' (a forced pseudo-terminal)");
    response.exit_code = 255;
    return response;
  }
  // ssh's own diagnostics go through its logger: CRLF line ends, silenced by -q.
  auto say = [&](const std::string& line) {
    if (!inv.quiet) response.stderr_data += line + "\r\n";
  };
  auto fail = [&]() {
    response.exit_code = 255;
    return response;
  };

  world::World& w = context.World();
  const SimTime start = context.Now();
  std::string host = inv.destination;
  if (!w.hosts().HasHost(host)) host = w.hosts().HostByAddress(host).value_or("");
  const model::FaultTarget target{
      model::FaultTarget::Kind::kHost, host.empty() ? inv.destination : host, {}};
  // Draw first and always the same number of times, whatever the outcome below.
  SimDuration handshake = options_.min_handshake;
  if (options_.max_handshake > options_.min_handshake) {
    const auto span =
        static_cast<uint32_t>((options_.max_handshake - options_.min_handshake).count());
    handshake += SimDuration(context.Rng().Below(span + 1));
  } else {
    context.Rng().Next();
  }
  const std::optional<model::InjectedError> injected =
      w.access().DrawError(target, start, context.Rng());

  // A pseudo-terminal is wanted for -t, and for a login without a command unless -T; stdin
  // is never a terminal for a runbook step.
  if (!inv.no_tty && (inv.tty_requests == 1 || inv.command.empty())) {
    say("Pseudo-terminal will not be allocated because stdin is not a terminal.");
  }
  if (host.empty() && !IsIpv4(inv.destination)) {
    say("ssh: Could not resolve hostname " + inv.destination + ": Name or service not known");
    return fail();
  }
  const SimDuration connect_timeout = inv.connect_timeout.value_or(options_.kernel_connect_timeout);
  if (host.empty()) {
    // An address no simulated host has: nothing answers the SYNs.
    if (!context.AdvanceTo(start + connect_timeout)) return fail();
    say("ssh: connect to host " + inv.destination + " port " +
        std::to_string(inv.port.value_or(22)) + ": Connection timed out");
    return fail();
  }

  const world::HostInfo info = *w.hosts().Host(host);
  const int port = inv.port.value_or(22);
  const std::string where = info.address + " port " + std::to_string(port);
  const auto partition = w.access().PartitionOf(target, start);
  const SimDuration latency = w.access().ExtraLatency(target, start);
  if (!info.up || partition == model::PartitionMode::kDrop ||
      injected == model::InjectedError::kTimeout) {
    if (!context.AdvanceTo(start + connect_timeout)) return fail();
    say("ssh: connect to host " + where + ": Connection timed out");
    return fail();
  }
  if (partition == model::PartitionMode::kReject || injected == model::InjectedError::kRefused ||
      port != info.port) {
    if (!context.AdvanceTo(start + latency)) return fail();
    say("ssh: connect to host " + where + ": Connection refused");
    return fail();
  }
  const SimDuration setup = handshake + latency;
  if (inv.connect_timeout && setup > *inv.connect_timeout) {
    // ConnectTimeout also bounds the banner exchange.
    if (!context.AdvanceTo(start + *inv.connect_timeout)) return fail();
    say("Connection timed out during banner exchange");
    say("Connection to " + where + " timed out");
    return fail();
  }
  if (injected == model::InjectedError::kServerError) {
    if (!context.AdvanceTo(start + latency + options_.min_handshake / 2)) return fail();
    say("kex_exchange_identification: Connection closed by remote host");
    say("Connection closed by " + where);
    return fail();
  }
  const std::string user = inv.user.value_or("root");
  const bool admitted = std::find(info.users.begin(), info.users.end(), user) != info.users.end();
  if (!admitted || w.access().Credential(model::CredentialSpec::Kind::kSshKey, host, start) !=
                       world::CredentialState::kValid) {
    if (!context.AdvanceTo(start + setup)) return fail();
    // The hosts accept public keys only, so no password prompt follows, with or without
    // BatchMode.
    say(user + "@" + inv.destination + ": Permission denied (publickey).");
    return fail();
  }
  if (!context.AdvanceTo(start + setup)) return fail();

  std::string command_line;
  for (size_t i = 0; i < inv.command.size(); ++i) {
    command_line += (i > 0 ? " " : "") + inv.command[i];
  }
  if (command_line.empty()) {
    response.stderr_data +=
        ssh::SshNotModelled("interactive login to " + host + " (no remote command)");
    return fail();
  }
  ssh::RemoteSession session(context, options_, inv, host, user,
                             inv.stdin_null ? std::string() : request.stdin_data, response);
  response.exit_code = ssh::RunRemoteCommand(session, command_line);
  return response;
}

}  // namespace rundrill::fakes
