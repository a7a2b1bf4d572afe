#pragma once

// A drill's context in miniature for backend tests: owns the world, moves it forward, and
// refuses to go past `horizon` (as a step's deadline would).

#include <string>

#include "fakes/backend.h"
#include "simulator/world/world.h"

namespace rundrill::fakes::testing {

class TestContext : public SimContext {
 public:
  TestContext(uint64_t seed, const std::string& stream, SimTime horizon)
      : horizon(horizon), world_(seed, Epoch{}), rng_(Random(seed).Split(stream)) {}

  SimTime Now() const override { return world_.Now(); }
  bool AdvanceTo(SimTime t) override {
    if (t > horizon) {
      world_.AdvanceTo(horizon);
      return false;
    }
    world_.AdvanceTo(t);
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }

  SimTime horizon;

 private:
  world::World world_;
  Random rng_;
};

}  // namespace rundrill::fakes::testing
