#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rundrill {

// Virtual time: milliseconds since the scenario started. Nothing in a drill reads the wall
// clock; every "now" is one of these.
using SimDuration = std::chrono::milliseconds;
using SimTime = std::chrono::milliseconds;

// Parses "90s", "5m", "1h30m", "250ms", "2d", "0s". Units must appear largest first, each at
// most once. Returns nullopt for anything else (including negative or empty input).
std::optional<SimDuration> ParseDuration(std::string_view text);

// Formats as the shortest combination of h, m, s, ms: 5400000 → "1h30m", 0 → "0s".
std::string FormatDuration(SimDuration d);

// "+00:05:30" style virtual timestamp used in reports (hours may exceed 24).
std::string FormatClock(SimTime t);

// A fixed civil instant the scenario's time 0 maps to (seconds since the Unix epoch, UTC),
// used only to render timestamps the way real tools show them.
// A UTC calendar date and time of day, from seconds since the Unix epoch (proleptic
// Gregorian; after Howard Hinnant's public-domain days-to-civil algorithm).
struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second;
  unsigned weekday;  // 0 = Sunday
};
Civil CivilFromUnix(int64_t seconds);

struct Epoch {
  int64_t unix_seconds = 1767225600;  // 2026-01-01T00:00:00Z

  // RFC 3339 in UTC with a trailing Z, e.g. "2026-01-01T00:05:00Z". Milliseconds are shown
  // only when non-zero.
  std::string Rfc3339(SimTime t) const;
  // RFC 1123 with numeric zone as kubectl describe prints: "Thu, 01 Jan 2026 00:05:00 +0000".
  std::string Rfc1123(SimTime t) const;
};

// Parses "2026-11-21T10:00:00Z" (UTC only). Returns seconds since the Unix epoch.
std::optional<int64_t> ParseRfc3339Utc(std::string_view text);

}  // namespace rundrill
