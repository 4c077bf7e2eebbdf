#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace pg2iceberg::internal {

void CheckFailed(const char* file, int line, const char* condition, const char* message) {
  std::fprintf(stderr, "CHECK failed at %s:%d: %s %s\n", file, line, condition, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace pg2iceberg::internal
