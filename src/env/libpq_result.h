// Small helpers over libpq results shared by the libpq adapters in env/. Internal to env/.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string_view>

namespace pg2iceberg {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
// Owns a PGresult (PQclear on destruction).
using ResultHandle = std::unique_ptr<PGresult, ResultDeleter>;

// A diagnostic field of `result` (PG_DIAG_*), "" when absent or when `result` is null.
inline std::string_view ErrorField(const PGresult* result, int field) {
  const char* value = result != nullptr ? PQresultErrorField(result, field) : nullptr;
  return value != nullptr ? value : "";
}

}  // namespace pg2iceberg
