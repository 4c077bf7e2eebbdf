#include "env/random.h"

#include <algorithm>

#include "base/check.h"
#include "env/xoshiro.h"

namespace pg2iceberg {

uint64_t Random::Uniform(uint64_t bound) {
  CHECK_MSG(bound > 0, "Random::Uniform needs a positive bound");
  // Rejection sampling: draws below `threshold` would make the low residues more likely.
  // threshold = 2^64 mod bound, computed without 128-bit arithmetic.
  const uint64_t threshold = (0 - bound) % bound;
  while (true) {
    const uint64_t draw = Next64();
    if (draw >= threshold) return draw % bound;
  }
}

std::array<uint8_t, 16> Random::UuidV4() {
  std::array<uint8_t, 16> bytes;
  for (int half = 0; half < 2; ++half) {
    const uint64_t word = Next64();
    for (int i = 0; i < 8; ++i) bytes[half * 8 + i] = static_cast<uint8_t>(word >> (8 * i));
  }
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // variant 10xx (RFC 4122)
  return bytes;
}

std::string Random::UuidV4String() { return FormatUuid(UuidV4()); }

SeededRandom::SeededRandom(uint64_t seed) {
  uint64_t mix = seed;
  for (uint64_t& word : state_) word = internal::SplitMix64Next(mix);
  // splitmix64 is a bijection of a counter, so four consecutive outputs are never all zero.
}

uint64_t SeededRandom::Next64() { return internal::Xoshiro256StarStarNext(state_); }

std::string FormatUuid(const std::array<uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0f]);
  }
  return out;
}

int64_t FullJitterBackoffMicros(Random& random, int retry, int64_t initial_ms, int64_t max_ms) {
  const int64_t cap_ms = std::max<int64_t>(max_ms, 1);
  int64_t ceiling_ms = std::clamp<int64_t>(initial_ms, 1, cap_ms);
  for (int i = 0; i < retry && ceiling_ms < cap_ms; ++i)
    ceiling_ms = std::min(ceiling_ms * 2, cap_ms);
  return static_cast<int64_t>(random.Uniform(static_cast<uint64_t>(ceiling_ms) * 1000 + 1));
}

bool DrawWithProbability(Random& random, double probability) {
  if (probability <= 0) return false;
  if (probability >= 1) return true;
  // The top 53 bits as a double in [0, 1): exact, so the same draw decides the same way.
  return static_cast<double>(random.Next64() >> 11) * 0x1.0p-53 < probability;
}

}  // namespace pg2iceberg
