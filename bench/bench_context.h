#pragma once

// A backend's context for benchmarks: the world moves only when a call moves it, and no
// step deadline ever cuts a call short.

#include "fakes/backend.h"
#include "simulator/world/world.h"

namespace rundrill {

class BenchContext : public fakes::SimContext {
 public:
  explicit BenchContext(world::World& world) : world_(world), rng_(1) {}
  SimTime Now() const override { return world_.Now(); }
  bool AdvanceTo(SimTime t) override {
    world_.AdvanceTo(t);
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }

 private:
  world::World& world_;
  Random rng_;
};

}  // namespace rundrill
