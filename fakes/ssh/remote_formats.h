#pragma once

// How the programs on a simulated Debian 12 host render numbers, sizes, times and names:
// gnulib's human_readable (coreutils 9.1 df, du), systemd 252's format_bytes and timestamps,
// procps 4.0.2's uptime, and coreutils' quoting of file names in error messages.

#include <cstdint>
#include <string>
#include <string_view>

#include "simulator/core/sim_time.h"

namespace rundrill::fakes::ssh {

// gnulib human_readable() with the options df and du use. `amount` is in units of
// `from_block` bytes and is shown in units of `to_block` (to_block 1 with Scale::kAuto: "-h").
// Rounds up (human_ceiling), as df and du do.
enum class Scale { kFixed, kAuto };
std::string HumanReadable(uint64_t amount, uint64_t from_block, uint64_t to_block, Scale scale);

// systemd 252 FORMAT_BYTES(): "0B", "512B", "4.0K", "128.0M", "1.2G" (IEC, one truncated
// decimal, always shown).
std::string SystemdBytes(uint64_t bytes);

// systemd's "Thu 2026-01-01 00:05:00 UTC" (the host's clock is UTC).
std::string SystemdTimestamp(const Epoch& epoch, SimTime t);
// systemd's format_timestamp_relative(): "45s ago", "1min 1s ago", "2h 5min ago",
// "1 day 1h ago", "2 days ago", "1 week 1 day ago", "1 month 9 days ago", "now".
std::string SystemdRelative(SimDuration elapsed);
// journal short format's "Jan 01 00:05:00".
std::string JournalTimestamp(const Epoch& epoch, SimTime t);
// "HH:MM:SS" of the host's clock.
std::string ClockTime(const Epoch& epoch, SimTime t);

// procps 4.0.2 `uptime`: " 00:05:00 up 30 days,  1:00,  0 user,  load average: 0.20, 0.20,
// 0.20" (no newline).
std::string UptimeLine(const Epoch& epoch, SimTime now, SimDuration uptime, int users, double load);

// gnulib quoting as coreutils uses it in diagnostics under a UTF-8 locale.
// quotef(): bare when the name needs no shell quoting, else '…' (df, cat).
std::string QuoteIfNeeded(std::string_view name);
// quoteaf(): always '…' (du).
std::string QuoteAlways(std::string_view name);
// locale quoting: ‘…’ (find).
std::string QuoteLocale(std::string_view name);

}  // namespace rundrill::fakes::ssh
