#pragma once

// Answers for a program rundrill does not model (psql, redis-cli, aws, …), as the
// scenario's stubs script them: the first stub whose `args` pattern matches the call's
// arguments answers with its texts and exit code, applies its effects to the world and
// takes its duration of virtual time. docs/stubs.md is the user's guide.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/backend.h"
#include "simulator/core/status.h"
#include "simulator/model/stub.h"

namespace rundrill::fakes {

// One call the backend served, for tests and the transcript.
struct StubCall {
  SimTime at{0};               // when the call was made
  std::string arguments;       // argv[1..] joined by single spaces
  std::optional<size_t> stub;  // index of the stub that answered; none when none matched
  int exit_code = 0;
};

class StubBackend : public CommandBackend {
 public:
  // `stubs` are the scenario's stubs for `program`, in file order. Fails with InvalidInput
  // (prefixed with the stub's place) when an `args` pattern does not compile, a template
  // is malformed or names an unknown metric or label, or uses a group its pattern lacks.
  // A stub for another program is an Internal error: the caller groups them.
  static StatusOr<StubBackend> Create(std::string program,
                                      const std::vector<model::StubSpec>& stubs);

  std::string_view Program() const override { return program_; }
  CommandResponse Handle(const CommandRequest& request, SimContext& context) override;

  const std::vector<StubCall>& calls() const { return calls_; }

 private:
  struct Compiled;  // one stub ready to match and render

  StubBackend(std::string program, std::vector<std::shared_ptr<const Compiled>> stubs)
      : program_(std::move(program)), stubs_(std::move(stubs)) {}

  CommandResponse Answer(const Compiled& stub, const std::vector<std::string>& groups,
                         SimContext& context) const;

  std::string program_;
  std::vector<std::shared_ptr<const Compiled>> stubs_;  // immutable, so copies may share them
  std::vector<StubCall> calls_;
};

// One backend per program named by `stubs`, in the order programs first appear; each
// gets its own stubs in file order.
StatusOr<std::vector<StubBackend>> CreateStubBackends(const std::vector<model::StubSpec>& stubs);

// The name a scenario gives an effect kind: "terminate_idle_connections", "free_disk", …
std::string_view StubEffectName(model::StubEffect::Kind kind);

}  // namespace rundrill::fakes
