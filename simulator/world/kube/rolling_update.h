#pragma once

// RollingUpdate arithmetic, as the deployment controller does it.

#include <optional>
#include <string>
#include <string_view>

namespace rundrill::world::kube {

struct RollingLimits {
  int max_surge = 0;
  int max_unavailable = 0;
};

// Parses an IntOrString ("1", "25%"). nullopt for anything else.
struct IntOrPercent {
  int value = 0;
  bool percent = false;
};
std::optional<IntOrPercent> ParseIntOrPercent(std::string_view text);

// Surge rounds up, unavailable rounds down; when both come out 0, unavailable becomes 1 so
// a rollout can still make progress (ResolveFenceposts in the deployment controller).
// Unparsable values count as 0 (Build validates them first).
RollingLimits ResolveRollingLimits(std::string_view max_surge, std::string_view max_unavailable,
                                   int replicas);

}  // namespace rundrill::world::kube
