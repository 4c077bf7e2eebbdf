// Random: the only source of randomness (ids, file names, snapshot ids, sync markers, jitter).
// A SeededRandom replays the same sequence for the same seed, which is what makes simulation
// runs reproducible.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace pg2iceberg {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next64() = 0;

  // Uniform in [0, bound); bound > 0.
  uint64_t Uniform(uint64_t bound);
  // 16 random bytes shaped as an RFC 4122 version-4 UUID.
  std::array<uint8_t, 16> UuidV4();
  // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case.
  std::string UuidV4String();
};

// xoshiro256** seeded through splitmix64. Deterministic; not thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  uint64_t Next64() override;

 private:
  uint64_t state_[4];
};

// True with `probability` (in [0, 1]). Draws one number only for 0 < probability < 1, so a
// fault plan of zeros and ones leaves the sequence untouched. Exact: the same draw decides the
// same way on every platform. Used by the fault decorators (FaultyObjectStore, FaultyCatalog).
bool DrawWithProbability(Random& random, double probability);

std::string FormatUuid(const std::array<uint8_t, 16>& bytes);

// Full-jitter exponential backoff for retry number `retry` (0 before the second attempt):
// microseconds drawn uniformly from [0, min(max_ms, initial_ms · 2^retry)] ms. Used by every
// client that retries (S3, the REST catalog), so they back off alike.
int64_t FullJitterBackoffMicros(Random& random, int retry, int64_t initial_ms, int64_t max_ms);

}  // namespace pg2iceberg
