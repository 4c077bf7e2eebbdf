// xoshiro256** and splitmix64, the generator behind SeededRandom and SystemRandom.
// Internal to env/: callers use the Random interface.
#pragma once

#include <cstdint>

namespace pg2iceberg::internal {

// Advances `state` and returns the next splitmix64 output.
inline uint64_t SplitMix64Next(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Advances the four-word xoshiro256** `state` (never all zero) and returns the next output.
inline uint64_t Xoshiro256StarStarNext(uint64_t state[4]) {
  const uint64_t result = RotateLeft(state[1] * 5, 7) * 9;
  const uint64_t t = state[1] << 17;
  state[2] ^= state[0];
  state[3] ^= state[1];
  state[1] ^= state[2];
  state[0] ^= state[3];
  state[2] ^= t;
  state[3] = RotateLeft(state[3], 45);
  return result;
}

}  // namespace pg2iceberg::internal
