// Clock: the only source of time. Production code never reads the system clock directly, so
// the simulator can drive time.
#pragma once

#include <cstdint>

namespace pg2iceberg {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, microseconds since the Unix epoch (UTC). For metadata timestamps.
  virtual int64_t NowMicros() = 0;
  // Monotonic time in microseconds from an arbitrary origin. For deadlines and intervals.
  virtual int64_t MonotonicMicros() = 0;
  // Blocks the calling thread for at least `micros`.
  virtual void SleepMicros(int64_t micros) = 0;
};

}  // namespace pg2iceberg
