// `verify`: compares every configured table in Postgres with its Iceberg mirror at one point in
// time and reports, per table, "equal" or the first differing keys (docs/verify.md).
//
// For each table: a temporary slot exports a snapshot at its consistent point P, imported in a
// REPEATABLE READ transaction (the source exactly as of P; the table locked IN ACCESS SHARE MODE
// as the snapshot locks it). The Iceberg snapshot that equals the source at P is chosen with the
// staging log (mirror/verify_point.h), waiting for capture and the materializer to reach P; a
// table written so steadily that no snapshot matches P is tried again at a new P, up to
// `attempts` times. The rows are then compared key by key (mirror/verify_compare.h).
//
// Needs the mirror's capture to be running (`run` or `stream-only` + `materializer-only`):
// with capture stopped, the staging log never reaches P and the table times out.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

struct VerifyOptions {
  int64_t timeout_ms = 300'000;  // per table: how long to wait for a matching snapshot
  int attempts = 5;              // consistent points tried per table
  int64_t poll_interval_ms = 250;
  int differences_max = 10;  // differing keys listed per table
  // Staged changes folded onto a snapshot (verify_overlay.h); more: another point is tried.
  int64_t changes_max = 100'000;
};

// Verifies every configured table, passing each report line to `report` as it is known. OK when
// every table equals its source; kDataLoss naming how many tables differ, are not yet mirrors
// (initial load not complete) or could not be verified (no matching point in time, an error:
// the line says which). Errors that concern no single table (catalog, coordinator) are returned
// as they are.
Status RunVerify(const Config& config, Env& env, const VerifyOptions& options,
                 const std::function<void(const std::string&)>& report);

}  // namespace pg2iceberg
