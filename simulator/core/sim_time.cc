#include "simulator/core/sim_time.h"

#include <array>
#include <cstdio>

namespace rundrill {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t millis;
};

// Largest first; "ms" precedes "m" so the longer suffix wins when scanning.
constexpr std::array<Unit, 5> kUnits = {{
    {"d", 86400000},
    {"h", 3600000},
    {"m", 60000},
    {"s", 1000},
    {"ms", 1},
}};

// Days from civil date, after Howard Hinnant's public-domain algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Civil CivilFromUnix(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  c.hour = static_cast<unsigned>(rem / 3600);
  c.minute = static_cast<unsigned>(rem % 3600 / 60);
  c.second = static_cast<unsigned>(rem % 60);
  // 1970-01-01 was a Thursday (index 4 with Sunday = 0).
  c.weekday = static_cast<unsigned>(((days % 7) + 7 + 4) % 7);
  return c;
}

std::optional<SimDuration> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t next_unit = 0;  // units must come largest first, each once
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int64_t value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > 1000000000) return std::nullopt;
      ++i;
    }
    std::string_view rest = text.substr(i);
    bool matched = false;
    for (size_t u = next_unit; u < kUnits.size(); ++u) {
      const Unit& unit = kUnits[u];
      if (rest.substr(0, unit.suffix.size()) != unit.suffix) continue;
      // "m" must not swallow the "m" of "ms".
      if (unit.suffix == "m" && rest.substr(0, 2) == "ms") continue;
      total += value * unit.millis;
      i += unit.suffix.size();
      next_unit = u + 1;
      matched = true;
      break;
    }
    if (!matched) return std::nullopt;
  }
  return SimDuration(total);
}

std::string FormatDuration(SimDuration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const std::array<Unit, 4> units = {{{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}}};
  for (const Unit& unit : units) {
    if (ms >= unit.millis) {
      out += std::to_string(ms / unit.millis);
      out += unit.suffix;
      ms %= unit.millis;
    }
  }
  return out;
}

std::string FormatClock(SimTime t) {
  int64_t ms = t.count();
  const char* sign = ms < 0 ? "-" : "+";
  if (ms < 0) ms = -ms;
  const int64_t s = ms / 1000;
  char buf[48];
  if (ms % 1000 != 0) {
    std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld.%03lld", sign,
                  static_cast<long long>(s / 3600), static_cast<long long>(s % 3600 / 60),
                  static_cast<long long>(s % 60), static_cast<long long>(ms % 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld", sign, static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60), static_cast<long long>(s % 60));
  }
  return buf;
}

std::string Epoch::Rfc3339(SimTime t) const {
  const int64_t total_ms = unix_seconds * 1000 + t.count();
  int64_t secs = total_ms / 1000;
  int64_t frac = total_ms % 1000;
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  const Civil c = CivilFromUnix(secs);
  char buf[64];
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03lldZ",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                  static_cast<long long>(frac));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
  }
  return buf;
}

std::string Epoch::Rfc1123(SimTime t) const {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t secs = unix_seconds + t.count() / 1000;
  const Civil c = CivilFromUnix(secs);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u +0000", kDays[c.weekday], c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second);
  return buf;
}

std::optional<int64_t> ParseRfc3339Utc(std::string_view text) {
  unsigned y, mo, d, h, mi, s;
  char z = 0;
  std::string copy(text);
  int consumed = 0;
  if (std::sscanf(copy.c_str(), "%4u-%2u-%2uT%2u:%2u:%2u%c%n", &y, &mo, &d, &h, &mi, &s, &z,
                  &consumed) != 7 ||
      z != 'Z' || static_cast<size_t>(consumed) != copy.size()) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace rundrill
