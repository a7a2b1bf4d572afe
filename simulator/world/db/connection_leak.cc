#include "simulator/world/db/connection_leak.h"

#include <algorithm>
#include <cmath>

namespace rundrill::world {
namespace {

// Far beyond any drill's horizon (about 31,000 years), yet small enough that adding it to a
// time cannot overflow.
constexpr double kFarMillis = 1e15;

}  // namespace

SimTime ConnectionLeak::AttemptTime(int64_t k) const {
  if (rate.amount <= 0 || rate.per.count() <= 0 || k <= 0) return SimTime::max();
  const double offset =
      static_cast<double>(k) * static_cast<double>(rate.per.count()) / rate.amount;
  if (!(offset < kFarMillis)) return SimTime::max();
  // The tolerance absorbs binary rounding: the 3rd attempt of 3/s must fall at 1000 ms,
  // not at 1001 ms because 3 × (1000 / 3) came out a hair above 1000.
  const auto millis = static_cast<int64_t>(std::ceil(offset - 1e-6));
  return from + SimDuration(std::max<int64_t>(millis, 0));
}

int64_t ConnectionLeak::AttemptsBy(SimTime t) const {
  if (rate.amount <= 0 || rate.per.count() <= 0) return 0;
  // `until` is exclusive; every attempt time is a whole millisecond.
  const SimTime last = until == SimTime::max() ? t : std::min(t, until - SimDuration(1));
  if (last < from) return 0;
  const double estimate = static_cast<double>((last - from).count()) * rate.amount /
                          static_cast<double>(rate.per.count());
  auto n = static_cast<int64_t>(std::floor(std::min(estimate, kFarMillis)));
  // The estimate is within one of the answer either way; settle it on AttemptTime itself so
  // the two can never disagree.
  while (AttemptTime(n + 1) <= last) ++n;
  while (n > 0 && AttemptTime(n) > last) --n;
  return n;
}

}  // namespace rundrill::world
