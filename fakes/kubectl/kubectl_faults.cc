#include "fakes/kubectl/kubectl_faults.h"

#include "fakes/sleep/sleep_backend.h"
#include "simulator/world/world.h"

namespace rundrill::fakes::kubectl {
namespace {

// Go's net.Dialer timeout in kubectl's transport: an unanswered SYN fails after this.
constexpr SimDuration kDialTimeout{30000};

CommandResponse Failure(std::string line) {
  CommandResponse response;
  response.stderr_data = std::move(line) + "\n";
  response.exit_code = 1;
  return response;
}

// `--request-timeout=5s` (or a bare number of seconds); 0 or absent means none.
std::optional<SimDuration> RequestTimeout(const ParsedArgs& args) {
  if (!args.Has("request-timeout")) return std::nullopt;
  std::string text = args.Get("request-timeout");
  if (!text.empty() && text.back() >= '0' && text.back() <= '9') text += "s";
  std::optional<SimDuration> timeout = ParseSleepInterval(text);
  if (!timeout || timeout->count() == 0) return std::nullopt;
  return timeout;
}

std::string ResourceSuffix(const ParsedArgs& args) {
  if (!args.command.empty() && args.command[0] == "get" && !args.positionals.empty()) {
    return " (get " + args.positionals[0] + ")";
  }
  return "";
}

// An unanswered connection: kubectl waits for its dial timeout, or for --request-timeout if
// that is shorter, and words the two differently.
CommandResponse TimedOut(const ParsedArgs& args, SimContext& context) {
  const std::optional<SimDuration> request_timeout = RequestTimeout(args);
  if (request_timeout && *request_timeout < kDialTimeout) {
    context.AdvanceTo(context.Now() + *request_timeout);
    return Failure(
        "Unable to connect to the server: net/http: request canceled while waiting for "
        "connection (Client.Timeout exceeded while awaiting headers)");
  }
  context.AdvanceTo(context.Now() + kDialTimeout);
  return Failure("Unable to connect to the server: dial tcp " + std::string(kServerAddress) +
                 ": i/o timeout");
}

CommandResponse Refused() {
  return Failure("The connection to the server " + std::string(kServerAddress) +
                 " was refused - did you specify the right host or port?");
}

}  // namespace

std::optional<CommandResponse> ApplyClusterFaults(const ParsedArgs& args, SimContext& context) {
  world::World& world = context.World();
  const model::FaultTarget cluster{model::FaultTarget::Kind::kCluster, world.kube().cluster(), {}};
  const world::AccessWorld& access = world.access();
  // Drawn before anything else decides, so the stream stays aligned whatever happens.
  const std::optional<model::InjectedError> injected =
      access.DrawError(cluster, context.Now(), context.Rng());

  const SimDuration extra = access.ExtraLatency(cluster, context.Now());
  if (extra.count() > 0 && !context.AdvanceTo(context.Now() + extra)) {
    return TimedOut(args, context);  // the step's deadline came during the wait
  }

  if (std::optional<model::PartitionMode> partition = access.PartitionOf(cluster, context.Now())) {
    return *partition == model::PartitionMode::kDrop ? TimedOut(args, context) : Refused();
  }
  if (injected) {
    switch (*injected) {
      case model::InjectedError::kTimeout:
        return TimedOut(args, context);
      case model::InjectedError::kRefused:
        return Refused();
      case model::InjectedError::kServerError:
        return Failure(
            "Error from server (InternalError): Internal error occurred: etcdserver: request "
            "timed out");
      case model::InjectedError::kUnavailable:
        return Failure(
            "Error from server (ServiceUnavailable): the server is currently unable to handle "
            "the request" +
            ResourceSuffix(args));
    }
  }
  const world::CredentialState credential = access.Credential(
      model::CredentialSpec::Kind::kKubeconfig, world.kube().cluster(), context.Now());
  if (credential != world::CredentialState::kValid) {
    // The apiserver's authentication filter answers an expired or revoked token alike.
    return Failure("error: You must be logged in to the server (Unauthorized)");
  }
  return std::nullopt;
}

}  // namespace rundrill::fakes::kubectl
