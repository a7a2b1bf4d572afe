#pragma once

#include <cstdint>
#include <string_view>

namespace rundrill {

// PCG32 (O'Neill, pcg-random.org, XSH-RR variant) with our own range reduction, so that the
// same seed gives the same numbers with every standard library. No std::*_distribution is
// used anywhere in a drill for that reason.
class Random {
 public:
  explicit Random(uint64_t seed, uint64_t stream = 0x5851f42d4c957f2dULL);

  uint32_t Next();
  // Uniform in [0, bound) without modulo bias (Lemire's method with rejection). bound > 0.
  uint32_t Below(uint32_t bound);
  // Uniform in [0, 1) with 32 bits of resolution.
  double Unit();

  // A generator for one named component, independent of how many numbers this one has
  // produced, so adding an entity does not reshuffle another's stream.
  Random Split(std::string_view stable_id) const;

 private:
  uint64_t seed_;
  uint64_t state_;
  uint64_t increment_;
};

// FNV-1a 64: a stable hash for ids and template hashes (never std::hash, which may differ).
uint64_t StableHash(std::string_view text, uint64_t basis = 0xcbf29ce484222325ULL);

}  // namespace rundrill
