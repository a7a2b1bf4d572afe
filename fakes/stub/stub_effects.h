#pragma once

// The named world changes a stub may make, applied through the world's own operations.

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/stub.h"

namespace rundrill::world {
class World;
}

namespace rundrill::fakes {

// Applies `effect` at `now` (the world's current time). Fails with the world's own
// message when it refuses: an unknown database, deployment, host or unit.
Status ApplyStubEffect(const model::StubEffect& effect, world::World& world, SimTime now);

}  // namespace rundrill::fakes
