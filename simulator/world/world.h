#pragma once

#include <nlohmann/json.hpp>

#include "simulator/core/sim_time.h"
#include "simulator/world/kube/kube_world.h"

namespace rundrill::world {

// The simulated infrastructure. Plain data plus the operations that change it; backends and
// timeline events change it only through those operations. Grows a part per backend.
class World {
 public:
  World(uint64_t seed, Epoch epoch) : kube_(seed, epoch) {}

  KubeWorld& kube() { return kube_; }
  const KubeWorld& kube() const { return kube_; }

  // Lets every part evolve on its own up to `t` (rollouts progress, pods crash and restart).
  void AdvanceTo(SimTime t) { kube_.AdvanceTo(t); }

  // The whole state as JSON with sorted keys, for results and diffs.
  nlohmann::json Snapshot() const { return nlohmann::json{{"kubernetes", kube_.Snapshot()}}; }

 private:
  KubeWorld kube_;
};

}  // namespace rundrill::world
