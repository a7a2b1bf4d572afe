#pragma once

#include <optional>
#include <string_view>

#include "fakes/backend.h"

namespace rundrill::fakes {

// GNU coreutils `sleep`, in virtual time: the call returns at once in real time, having moved
// the drill's clock by the interval. Timeline events due meanwhile happen on the way.
class SleepBackend : public CommandBackend {
 public:
  std::string_view Program() const override { return "sleep"; }
  CommandResponse Handle(const CommandRequest& request, SimContext& context) override;
};

// One operand as GNU sleep reads it: a non-negative decimal number with an optional s, m, h
// or d suffix ("1.5m" is 90 s), or "inf"/"infinity" (any case, suffix allowed) for a sleep
// without end. Intervals saturate at about 31,000 years, which every step's deadline comes
// before. nullopt when invalid.
std::optional<SimDuration> ParseSleepInterval(std::string_view operand);

}  // namespace rundrill::fakes
