#include "env/real_clock.h"

#include <chrono>
#include <thread>

namespace pg2iceberg {

int64_t RealClock::NowMicros() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
}

int64_t RealClock::MonotonicMicros() {
  const auto since_origin = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since_origin).count();
}

void RealClock::SleepMicros(int64_t micros) {
  if (micros <= 0) return;
  // sleep_for may wake early on some platforms; loop until the monotonic deadline has passed.
  const int64_t deadline = MonotonicMicros() + micros;
  for (int64_t left = micros; left > 0; left = deadline - MonotonicMicros()) {
    std::this_thread::sleep_for(std::chrono::microseconds(left));
  }
}

}  // namespace pg2iceberg
