#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/scenario.h"
#include "simulator/world/access/access_world.h"
#include "simulator/world/db/database_world.h"
#include "simulator/world/host/host_world.h"
#include "simulator/world/kube/kube_world.h"
#include "simulator/world/pagerduty/pagerduty_world.h"
#include "simulator/world/slack/slack_world.h"

namespace rundrill::world {

// The simulated infrastructure. Plain data plus the operations that change it; backends and
// timeline events change it only through those operations.
class World {
 public:
  World(uint64_t seed, Epoch epoch)
      : kube_(seed, epoch),
        hosts_(epoch),
        databases_(epoch),
        access_(epoch),
        slack_(epoch),
        pagerduty_(seed, epoch) {}

  // Sets up every part at time 0 from the scenario's world.
  Status Build(const model::WorldSpec& spec) {
    if (Status s = kube_.Build(spec.kubernetes); !s.ok()) return s;
    if (Status s = hosts_.Build(spec.hosts); !s.ok()) return s;
    if (Status s = databases_.Build(spec.databases); !s.ok()) return s;
    access_.Build(spec.credentials);
    if (Status s = slack_.Build(spec.slack); !s.ok()) return s;
    if (Status s = pagerduty_.Build(spec.pagerduty); !s.ok()) return s;
    services_ = spec.services;
    return Status::Ok();
  }

  KubeWorld& kube() { return kube_; }
  const KubeWorld& kube() const { return kube_; }
  HostWorld& hosts() { return hosts_; }
  const HostWorld& hosts() const { return hosts_; }
  DatabaseWorld& databases() { return databases_; }
  const DatabaseWorld& databases() const { return databases_; }
  AccessWorld& access() { return access_; }
  const AccessWorld& access() const { return access_; }
  SlackWorld& slack() { return slack_; }
  const SlackWorld& slack() const { return slack_; }
  PagerDutyWorld& pagerduty() { return pagerduty_; }
  const PagerDutyWorld& pagerduty() const { return pagerduty_; }
  const std::vector<model::ServiceSpec>& services() const { return services_; }

  SimTime Now() const { return kube_.Now(); }

  // Lets every part evolve on its own up to `t` (rollouts progress, pods crash and restart,
  // disks fill, connections leak).
  void AdvanceTo(SimTime t) {
    kube_.AdvanceTo(t);
    hosts_.AdvanceTo(t);
    databases_.AdvanceTo(t);
    pagerduty_.AdvanceTo(t);
  }

  // The whole state as JSON with sorted keys, for results and diffs.
  nlohmann::json Snapshot() const {
    return nlohmann::json{
        {"kubernetes", kube_.Snapshot()},     {"hosts", hosts_.Snapshot()},
        {"databases", databases_.Snapshot()}, {"access", access_.Snapshot(Now())},
        {"slack", slack_.Snapshot()},         {"pagerduty", pagerduty_.Snapshot()}};
  }

 private:
  KubeWorld kube_;
  HostWorld hosts_;
  DatabaseWorld databases_;
  AccessWorld access_;
  SlackWorld slack_;
  PagerDutyWorld pagerduty_;
  std::vector<model::ServiceSpec> services_;
};

}  // namespace rundrill::world
