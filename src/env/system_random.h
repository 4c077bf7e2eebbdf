// SystemRandom: the production Random. Seeded once from the operating system's entropy
// (getrandom), then a fast xoshiro256** generator. Thread-safe (one mutex around the state).
// Not for cryptographic keys: it feeds ids, file names, snapshot ids and jitter.
#pragma once

#include <cstdint>
#include <mutex>

#include "env/random.h"

namespace pg2iceberg {

class SystemRandom final : public Random {
 public:
  // Aborts if the kernel cannot supply 32 bytes of entropy (a broken host, not an input).
  SystemRandom();
  uint64_t Next64() override;

 private:
  std::mutex mu_;
  uint64_t state_[4];
};

}  // namespace pg2iceberg
