// `connect-iceberg`: checks that pg2iceberg can use the configured Iceberg side before it is
// trusted with a mirror — the catalog answers and accepts the credentials (listing its
// namespaces), each configured table is either absent (it will be created) or loads, and the
// warehouse store takes a write: a probe object is written under a fresh name, read back,
// compared and removed.
#pragma once

#include <string>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

// Returns a human-readable report. Errors name the step that failed (catalog, table, or the
// probe's put, get, compare or delete) with the store's or catalog's own message; a probe that
// was written is removed on every path that can still reach the store.
Result<std::string> CheckIcebergConnection(const Config& config, Env& env);

}  // namespace pg2iceberg
