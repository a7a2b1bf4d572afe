#include "simulator/load/quantity.h"

#include <array>
#include <charconv>
#include <cmath>

namespace rundrill::load {
namespace {

struct Suffix {
  char letter;
  int64_t factor;
};

constexpr std::array<Suffix, 5> kSuffixes = {{
    {'K', int64_t{1} << 10},
    {'M', int64_t{1} << 20},
    {'G', int64_t{1} << 30},
    {'T', int64_t{1} << 40},
    {'P', int64_t{1} << 50},
}};

// Digits, optionally with one '.' followed by more digits. No sign, no exponent: a size is
// never negative, and "1e9" reads as a typo more often than as a number.
std::optional<double> ParseAmount(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  if (i < text.size()) {
    if (text[i] != '.' || i + 1 == text.size()) return std::nullopt;
    for (++i; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The factor a size suffix stands for ("" and "B" are 1), or 0 when it is not one.
int64_t SuffixFactor(std::string_view suffix) {
  if (suffix.empty() || suffix == "B") return 1;
  for (const Suffix& s : kSuffixes) {
    if (suffix[0] != s.letter) continue;
    const std::string_view rest = suffix.substr(1);
    if (rest.empty() || rest == "i" || rest == "B" || rest == "iB") return s.factor;
  }
  return 0;
}

std::optional<SimDuration> RateUnit(std::string_view unit) {
  if (unit == "s") return SimDuration(1000);
  if (unit == "m") return SimDuration(60000);
  if (unit == "h") return SimDuration(3600000);
  if (unit == "d") return SimDuration(86400000);
  return std::nullopt;
}

std::optional<model::Rate> ParseRate(std::string_view text, bool sizes) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::optional<SimDuration> per = RateUnit(text.substr(slash + 1));
  if (!per) return std::nullopt;
  model::Rate rate;
  rate.per = *per;
  if (sizes) {
    std::optional<int64_t> bytes = ParseByteSize(text.substr(0, slash));
    if (!bytes) return std::nullopt;
    rate.amount = static_cast<double>(*bytes);
  } else {
    std::optional<double> amount = ParseAmount(text.substr(0, slash));
    if (!amount) return std::nullopt;
    rate.amount = *amount;
  }
  return rate;
}

}  // namespace

std::optional<int64_t> ParseByteSize(std::string_view text) {
  size_t number_end = 0;
  while (number_end < text.size() &&
         ((text[number_end] >= '0' && text[number_end] <= '9') || text[number_end] == '.')) {
    ++number_end;
  }
  std::optional<double> amount = ParseAmount(text.substr(0, number_end));
  const int64_t factor = SuffixFactor(text.substr(number_end));
  if (!amount || factor == 0) return std::nullopt;
  const double bytes = std::round(*amount * static_cast<double>(factor));
  // 2^63 is exactly representable; anything from there up does not fit an int64_t.
  if (bytes >= 9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

std::optional<model::Rate> ParseByteRate(std::string_view text) { return ParseRate(text, true); }

std::optional<model::Rate> ParseCountRate(std::string_view text) { return ParseRate(text, false); }

std::string FormatBytes(int64_t bytes) {
  for (auto s = kSuffixes.rbegin(); s != kSuffixes.rend(); ++s) {
    if (bytes < s->factor) continue;
    if (bytes % s->factor == 0) return std::to_string(bytes / s->factor) + s->letter;
    // Halves too (1.5G), so messages echo what people write.
    if (bytes % (s->factor / 2) == 0) {
      return std::to_string(bytes / s->factor) + ".5" + s->letter;
    }
  }
  return std::to_string(bytes);
}

std::optional<int64_t> ReadByteSize(Reporter& r, const Field& f) {
  std::optional<int64_t> bytes;
  if (f.node.IsScalar()) bytes = ParseByteSize(f.node.Scalar());
  if (!bytes) {
    r.Error(f.mark, f.label + " must be a size in bytes, like 4096, 512M, 1.5G or 100GiB, got " +
                        Describe(f.node));
  }
  return bytes;
}

std::optional<model::Rate> ReadByteRate(Reporter& r, const Field& f) {
  std::optional<model::Rate> rate;
  if (f.node.IsScalar()) rate = ParseByteRate(f.node.Scalar());
  if (!rate) {
    r.Error(f.mark, f.label + " must be a size per s, m, h or d, like 2G/h or 512K/s, got " +
                        Describe(f.node));
  }
  return rate;
}

std::optional<model::Rate> ReadCountRate(Reporter& r, const Field& f) {
  std::optional<model::Rate> rate;
  if (f.node.IsScalar()) rate = ParseCountRate(f.node.Scalar());
  if (!rate) {
    r.Error(f.mark, f.label + " must be a count per s, m, h or d, like 5/m or 0.5/s, got " +
                        Describe(f.node));
  }
  return rate;
}

}  // namespace rundrill::load
