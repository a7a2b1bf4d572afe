#include "simulator/core/random.h"

namespace rundrill {

Random::Random(uint64_t seed, uint64_t stream)
    : seed_(seed), state_(0), increment_((stream << 1u) | 1u) {
  Next();
  state_ += seed;
  Next();
}

uint32_t Random::Next() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + increment_;
  const uint32_t xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  const uint32_t rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

uint32_t Random::Below(uint32_t bound) {
  uint64_t m = static_cast<uint64_t>(Next()) * bound;
  uint32_t low = static_cast<uint32_t>(m);
  if (low < bound) {
    const uint32_t threshold = (0u - bound) % bound;
    while (low < threshold) {
      m = static_cast<uint64_t>(Next()) * bound;
      low = static_cast<uint32_t>(m);
    }
  }
  return static_cast<uint32_t>(m >> 32);
}

double Random::Unit() { return Next() * (1.0 / 4294967296.0); }

Random Random::Split(std::string_view stable_id) const {
  const uint64_t h = StableHash(stable_id, seed_ ^ 0xcbf29ce484222325ULL);
  return Random(h, StableHash(stable_id));
}

uint64_t StableHash(std::string_view text, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace rundrill
