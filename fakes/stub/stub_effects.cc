#include "fakes/stub/stub_effects.h"

#include <string>

#include "simulator/world/world.h"

namespace rundrill::fakes {
namespace {

// `rm -f` semantics: a file already gone (a second run of the same step) frees nothing and
// is no failure; the loader has checked that the path was once there. An unknown host still
// fails, through DeleteFile.
Status FreeDisk(world::HostWorld& hosts, const std::string& host, const std::string& path) {
  if (hosts.HasHost(host) && !hosts.Stat(host, path).ok()) return Status::Ok();
  return hosts.DeleteFile(host, path);
}

}  // namespace

Status ApplyStubEffect(const model::StubEffect& effect, world::World& world, SimTime now) {
  using Kind = model::StubEffect::Kind;
  switch (effect.kind) {
    case Kind::kTerminateIdleConnections:
      return world.databases()
          .TerminateIdle(effect.database, effect.older_than.value_or(SimDuration(0)), effect.state,
                         now)
          .status();
    case Kind::kStopConnectionLeak:
      return world.databases().StopLeaks(effect.database, now).status();
    case Kind::kRestartDeployment:
      return world.kube().Restart(effect.namespace_name, effect.deployment);
    case Kind::kFreeDisk:
      return FreeDisk(world.hosts(), effect.host, effect.path);
    case Kind::kRestartService:
      return world.hosts().RestartService(effect.host, effect.service);
    case Kind::kStartService:
      return world.hosts().StartService(effect.host, effect.service);
    case Kind::kStopService:
      // As `systemctl stop` leaves it: inactive, not failed.
      return world.hosts().StopService(effect.host, effect.service, world::StopReason::kRequest);
  }
  return Status::Internal("stub effect kind " + std::to_string(static_cast<int>(effect.kind)) +
                          " has no implementation");
}

}  // namespace rundrill::fakes
