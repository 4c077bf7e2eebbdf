// ManualClock: time that moves only when the code under test sleeps or its driver (a test, the
// simulator) advances it. Wall time is the start plus the monotonic time, which begins at 0.
// Every sleep is recorded, so retry and backoff tests can check the waits they asked for.
// Thread-safe: code under test may sleep on several threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "env/clock.h"

namespace pg2iceberg {

class ManualClock final : public Clock {
 public:
  static constexpr int64_t kDefaultStartUnixMicros = 1'700'000'000'000'000;  // 2023-11-14

  explicit ManualClock(int64_t start_unix_micros = kDefaultStartUnixMicros)
      : start_unix_micros_(start_unix_micros) {}

  int64_t NowMicros() override {
    std::lock_guard lock(mutex_);
    return start_unix_micros_ + monotonic_micros_;
  }
  int64_t MonotonicMicros() override {
    std::lock_guard lock(mutex_);
    return monotonic_micros_;
  }
  void SleepMicros(int64_t micros) override {
    std::lock_guard lock(mutex_);
    sleeps_.push_back(micros);
    monotonic_micros_ += micros;
  }

  // Moves time forward without a sleep being recorded.
  void Advance(int64_t micros) {
    std::lock_guard lock(mutex_);
    monotonic_micros_ += micros;
  }
  // The sleeps so far, in order.
  std::vector<int64_t> sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
  }

 private:
  mutable std::mutex mutex_;
  const int64_t start_unix_micros_;
  int64_t monotonic_micros_ = 0;
  std::vector<int64_t> sleeps_;
};

}  // namespace pg2iceberg
