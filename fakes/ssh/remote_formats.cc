#include "fakes/ssh/remote_formats.h"

#include <cctype>
#include <cstdio>

namespace rundrill::fakes::ssh {
namespace {

Civil CivilAt(const Epoch& epoch, SimTime t) {
  int64_t ms = epoch.unix_seconds * 1000 + t.count();
  int64_t s = ms / 1000;
  if (ms % 1000 < 0) --s;
  return CivilFromUnix(s);
}

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string HumanReadable(uint64_t amount, uint64_t from_block, uint64_t to_block, Scale scale) {
  // The integer branch of gnulib's human_readable(); df and du always land in it because one
  // block size divides the other.
  constexpr unsigned kBase = 1024;
  constexpr char kPowerLetter[] = {0, 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'};
  constexpr int kExponentMax = 8;
  uint64_t amt;
  unsigned tenths = 0;
  unsigned rounding = 0;  // 0: exact; 1: below half; 2: exactly half; 3: above half
  if (to_block <= from_block) {
    amt = amount * (from_block / to_block);
  } else {
    const uint64_t divisor = to_block / from_block;
    const uint64_t r10 = (amount % divisor) * 10;
    const uint64_t r2 = (r10 % divisor) * 2;
    amt = amount / divisor;
    tenths = static_cast<unsigned>(r10 / divisor);
    rounding = r2 < divisor ? (0 < r2 ? 1 : 0) : 2 + (divisor < r2 ? 1 : 0);
  }
  int exponent = -1;
  int fraction = -1;  // the one digit after the decimal point, when there is one
  if (scale == Scale::kAuto) {
    exponent = 0;
    if (kBase <= amt) {
      do {
        const unsigned r10 = static_cast<unsigned>(amt % kBase) * 10 + tenths;
        const unsigned r2 = (r10 % kBase) * 2 + (rounding >> 1);
        amt /= kBase;
        tenths = r10 / kBase;
        rounding =
            r2 < kBase ? ((r2 + rounding) != 0 ? 1 : 0) : 2 + (kBase < r2 + rounding ? 1 : 0);
        ++exponent;
      } while (kBase <= amt && exponent < kExponentMax);
      if (amt < 10) {
        if (0 < rounding) {
          ++tenths;
          rounding = 0;
          if (tenths == 10) {
            ++amt;
            tenths = 0;
          }
        }
        if (amt < 10) {
          fraction = static_cast<int>(tenths);
          tenths = rounding = 0;
        }
      }
    }
  }
  if (0 < tenths + rounding) {
    ++amt;
    if (scale == Scale::kAuto && amt == kBase && exponent < kExponentMax) {
      ++exponent;
      fraction = 0;
      amt = 1;
    }
  }
  // Formatted in one go: GCC 12 warns falsely (-Wrestrict) on string concatenation here.
  char text[32];
  const char letter = scale == Scale::kAuto && exponent > 0 ? kPowerLetter[exponent] : '\0';
  if (fraction >= 0) {
    std::snprintf(text, sizeof text, "%llu.%d%c", static_cast<unsigned long long>(amt), fraction,
                  letter);
  } else {
    std::snprintf(text, sizeof text, "%llu%c", static_cast<unsigned long long>(amt), letter);
  }
  return text;
}

std::string SystemdBytes(uint64_t bytes) {
  static constexpr struct {
    char suffix;
    uint64_t factor;
  } kTable[] = {
      {'E', uint64_t{1} << 60}, {'P', uint64_t{1} << 50}, {'T', uint64_t{1} << 40},
      {'G', uint64_t{1} << 30}, {'M', uint64_t{1} << 20}, {'K', uint64_t{1} << 10},
  };
  constexpr size_t kCount = sizeof kTable / sizeof kTable[0];
  for (size_t i = 0; i < kCount; ++i) {
    if (bytes < kTable[i].factor) continue;
    // systemd 252 derives the decimal from the next smaller unit, truncating.
    const uint64_t decimal =
        i != kCount - 1 ? (bytes / kTable[i + 1].factor * 10 / kTable[kCount - 1].factor) % 10
                        : (bytes * 10 / kTable[i].factor) % 10;
    return std::to_string(bytes / kTable[i].factor) + "." + std::to_string(decimal) +
           kTable[i].suffix;
  }
  return std::to_string(bytes) + "B";
}

std::string SystemdTimestamp(const Epoch& epoch, SimTime t) {
  const Civil c = CivilAt(epoch, t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %04lld-%02u-%02u %02u:%02u:%02u UTC", kDays[c.weekday],
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
  return buf;
}

std::string SystemdRelative(SimDuration elapsed) {
  constexpr uint64_t kSec = 1000;
  constexpr uint64_t kMin = 60 * kSec;
  constexpr uint64_t kHour = 60 * kMin;
  constexpr uint64_t kDay = 24 * kHour;
  constexpr uint64_t kWeek = 7 * kDay;
  constexpr uint64_t kMonth = 2629800 * kSec;
  constexpr uint64_t kYear = 31557600 * kSec;
  if (elapsed.count() <= 0) return "now";
  const auto d = static_cast<uint64_t>(elapsed.count());
  if (d >= kYear) {
    return Plural(d / kYear, "year", "years") + " " +
           Plural(d % kYear / kMonth, "month", "months") + " ago";
  }
  if (d >= kMonth) {
    return Plural(d / kMonth, "month", "months") + " " + Plural(d % kMonth / kDay, "day", "days") +
           " ago";
  }
  if (d >= kWeek) {
    return Plural(d / kWeek, "week", "weeks") + " " + Plural(d % kWeek / kDay, "day", "days") +
           " ago";
  }
  if (d >= 2 * kDay) return std::to_string(d / kDay) + " days ago";
  if (d >= 25 * kHour) return "1 day " + std::to_string((d - kDay) / kHour) + "h ago";
  if (d >= 6 * kHour) return std::to_string(d / kHour) + "h ago";
  if (d >= kHour) {
    return std::to_string(d / kHour) + "h " + std::to_string(d % kHour / kMin) + "min ago";
  }
  if (d >= 5 * kMin) return std::to_string(d / kMin) + "min ago";
  if (d >= kMin) {
    return std::to_string(d / kMin) + "min " + std::to_string(d % kMin / kSec) + "s ago";
  }
  if (d >= kSec) return std::to_string(d / kSec) + "s ago";
  return std::to_string(d) + "ms ago";
}

std::string JournalTimestamp(const Epoch& epoch, SimTime t) {
  const Civil c = CivilAt(epoch, t);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02u %02u:%02u:%02u", kMonths[c.month - 1], c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string ClockTime(const Epoch& epoch, SimTime t) {
  const Civil c = CivilAt(epoch, t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", c.hour, c.minute, c.second);
  return buf;
}

std::string UptimeLine(const Epoch& epoch, SimTime now, SimDuration uptime, int users,
                       double load) {
  const int64_t secs = uptime.count() / 1000;
  const int64_t days = secs / 86400;
  const int64_t hours = secs / 3600 % 24;
  const int64_t minutes = secs / 60 % 60;
  std::string out = " ";
  out += ClockTime(epoch, now);
  out += " up ";
  if (days > 0) {
    out += std::to_string(days);
    out += days > 1 ? " days, " : " day, ";
  }
  char buf[128];
  if (hours > 0) {
    std::snprintf(buf, sizeof buf, "%2lld:%02lld", static_cast<long long>(hours),
                  static_cast<long long>(minutes));
  } else {
    std::snprintf(buf, sizeof buf, "%lld min", static_cast<long long>(minutes));
  }
  out += buf;
  // procps 4.0.2 says "user" for 0 and 1 ("users" only above 1).
  std::snprintf(buf, sizeof buf, ", %2d %s,  load average: %.2f, %.2f, %.2f", users,
                users > 1 ? "users" : "user", load, load, load);
  out += buf;
  return out;
}

std::string QuoteIfNeeded(std::string_view name) {
  bool plain = !name.empty() && name[0] != '~' && name[0] != '#';
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c)) continue;
    if (std::string_view("%+,-./=@_").find(ch) == std::string_view::npos) plain = false;
  }
  return plain ? std::string(name) : QuoteAlways(name);
}

std::string QuoteAlways(std::string_view name) {
  std::string out = "'";
  for (char c : name) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string QuoteLocale(std::string_view name) { return "\u2018" + std::string(name) + "\u2019"; }

}  // namespace rundrill::fakes::ssh
