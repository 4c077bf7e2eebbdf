// CHECK for invariants that hold unless the program has a bug. Always on; aborts with the
// failed condition and location. DCHECK is for expensive invariants: on in debug and
// simulation builds, compiled out when NDEBUG is set.
// Input from outside the process (WAL bytes, HTTP bodies, config) must never reach a CHECK:
// it yields a Status instead.
#pragma once

namespace pg2iceberg::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition,
                              const char* message);
}  // namespace pg2iceberg::internal

#define CHECK_MSG(cond, msg)                                                            \
  do {                                                                                  \
    if (!(cond)) ::pg2iceberg::internal::CheckFailed(__FILE__, __LINE__, #cond, (msg)); \
  } while (false)

#define CHECK(cond) CHECK_MSG(cond, "")

#ifdef NDEBUG
#define DCHECK(cond) \
  do {               \
  } while (false && (cond))
#else
#define DCHECK(cond) CHECK(cond)
#endif
