#pragma once

// A connection leak: an application that opens connections at a steady rate and never
// closes them. Its attempts are a pure function of time, so a database can materialize them
// lazily and get the same result however its clock was advanced.

#include <cstdint>
#include <string>

#include "simulator/core/sim_time.h"
#include "simulator/model/infra.h"

namespace rundrill::world {

struct ConnectionLeak {
  model::Rate rate;
  std::string state;        // of each connection it opens
  std::string application;  // application_name of each connection it opens
  SimTime from{0};
  SimTime until = SimTime::max();  // exclusive: no attempt at or after it
  int64_t attempts = 0;            // made so far, opened or refused

  // When the k-th attempt (k ≥ 1) is made: from + k / rate, rounded up to the millisecond.
  // SimTime::max() when the rate is zero or the instant is beyond any representable time.
  SimTime AttemptTime(int64_t k) const;
  // How many attempts are made at or before `t` (and before `until`).
  int64_t AttemptsBy(SimTime t) const;
};

}  // namespace rundrill::world
