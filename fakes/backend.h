#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/random.h"
#include "simulator/core/sim_time.h"

namespace rundrill::world {
class World;
}

namespace rundrill::fakes {

// One call of a faked program, as the shim forwarded it.
struct CommandRequest {
  std::vector<std::string> argv;  // argv[0] is the program's base name ("kubectl")
  std::string stdin_data;
  std::string cwd;
  std::map<std::string, std::string> env;  // the variables the shim forwards
  std::string step_id;                     // which runbook step made the call
  uint64_t sequence = 0;                   // order of the call within the step
};

struct CommandResponse {
  std::string stdout_data;
  std::string stderr_data;
  int exit_code = 0;
};

// What a backend may do to the simulation while it answers. Implemented by the drill.
class SimContext {
 public:
  virtual ~SimContext() = default;

  virtual SimTime Now() const = 0;
  // Moves virtual time forward to `t`, applying due timeline events and the world's own
  // evolution on the way. Returns false when the calling step's virtual deadline comes
  // first: time then stands at the deadline and the backend should answer at once with
  // what it has (the step is being stopped).
  virtual bool AdvanceTo(SimTime t) = 0;
  virtual world::World& World() = 0;
  // The random stream of the backend being called (split per program, so one program's
  // draws do not shift another's).
  virtual Random& Rng() = 0;
};

// A fake program: request in, response out, effects on the world through its operations,
// virtual time advanced through the context by the modelled duration of the call.
class CommandBackend {
 public:
  virtual ~CommandBackend() = default;
  virtual std::string_view Program() const = 0;
  virtual CommandResponse Handle(const CommandRequest& request, SimContext& context) = 0;
};

}  // namespace rundrill::fakes
