#include "simulator/world/kube/rolling_update.h"

namespace rundrill::world::kube {
namespace {

int Resolve(std::string_view text, int replicas, bool round_up) {
  const std::optional<IntOrPercent> v = ParseIntOrPercent(text);
  if (!v) return 0;
  if (!v->percent) return v->value;
  const long long scaled = static_cast<long long>(v->value) * replicas;
  return static_cast<int>(round_up ? (scaled + 99) / 100 : scaled / 100);
}

}  // namespace

std::optional<IntOrPercent> ParseIntOrPercent(std::string_view text) {
  IntOrPercent out;
  if (!text.empty() && text.back() == '%') {
    out.percent = true;
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 9) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    out.value = out.value * 10 + (c - '0');
  }
  return out;
}

RollingLimits ResolveRollingLimits(std::string_view max_surge, std::string_view max_unavailable,
                                   int replicas) {
  RollingLimits limits;
  limits.max_surge = Resolve(max_surge, replicas, /*round_up=*/true);
  limits.max_unavailable = Resolve(max_unavailable, replicas, /*round_up=*/false);
  if (limits.max_surge == 0 && limits.max_unavailable == 0) limits.max_unavailable = 1;
  return limits;
}

}  // namespace rundrill::world::kube
