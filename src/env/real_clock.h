// RealClock: the production Clock. Wall time from the system clock, monotonic time from the
// steady clock, sleeps on the calling thread. Thread-safe (stateless).
#pragma once

#include <cstdint>

#include "env/clock.h"

namespace pg2iceberg {

class RealClock final : public Clock {
 public:
  int64_t NowMicros() override;
  int64_t MonotonicMicros() override;
  void SleepMicros(int64_t micros) override;
};

}  // namespace pg2iceberg
