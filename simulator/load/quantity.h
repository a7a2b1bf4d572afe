#pragma once

// Byte sizes and rates as scenarios write them: `512M`, `1.5G`, `100GiB`, `2G/h`, `5/m`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/load/reporter.h"
#include "simulator/load/yaml_reader.h"
#include "simulator/model/infra.h"

namespace rundrill::load {

// A whole number of bytes, or a number followed by K, M, G, T or P (powers of 1024, with an
// optional "i" and an optional "B": `K`, `Ki`, `KB` and `KiB` mean the same), or by a plain
// `B`. Fractions are rounded to the nearest byte. Nullopt for anything else, negative
// amounts, and sizes beyond 8 EiB.
std::optional<int64_t> ParseByteSize(std::string_view text);

// `<size>/<unit>` with unit s, m, h or d: bytes per second, minute, hour or day.
std::optional<model::Rate> ParseByteRate(std::string_view text);

// `<number>/<unit>`: a count (of connections, say) per span; no size suffix.
std::optional<model::Rate> ParseCountRate(std::string_view text);

// The shortest exact way to write `bytes` with the suffixes above: 107374182400 → "100G",
// 1536 → "1.5K", 1000 → "1000".
std::string FormatBytes(int64_t bytes);

// Readers in the manner of yaml_reader.h: they report and return nullopt on a bad value.
std::optional<int64_t> ReadByteSize(Reporter& r, const Field& f);
std::optional<model::Rate> ReadByteRate(Reporter& r, const Field& f);
std::optional<model::Rate> ReadCountRate(Reporter& r, const Field& f);

}  // namespace rundrill::load
