#include "env/system_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "base/check.h"
#include "env/xoshiro.h"

namespace pg2iceberg {
namespace {

// Fills `buffer` from getrandom(2), retrying on EINTR and short reads.
bool FillFromKernel(void* buffer, size_t size) {
  auto* out = static_cast<unsigned char*>(buffer);
  size_t filled = 0;
  while (filled < size) {
    const ssize_t n = getrandom(out + filled, size - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    filled += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

SystemRandom::SystemRandom() {
  CHECK_MSG(FillFromKernel(state_, sizeof state_), "getrandom failed");
  // xoshiro256** must not start from the all-zero state (it would stay there).
  if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
}

uint64_t SystemRandom::Next64() {
  std::lock_guard<std::mutex> lock(mu_);
  return internal::Xoshiro256StarStarNext(state_);
}

}  // namespace pg2iceberg
