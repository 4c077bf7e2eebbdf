// `stream-only`: captures every committed change of the configured tables into the staging log
// until stopped. The first run creates the publication, the replication slot and the
// coordinator state; later runs resume from the recorded position after proving the state
// still matches the source (docs/capture.md).
#pragma once

#include <atomic>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

// Runs until `stop` becomes true (a signal), then flushes what is complete and returns OK.
Status RunStreamOnly(const Config& config, Env& env, const std::atomic<bool>& stop);

// The staging log's key prefix inside the warehouse, for `group`.
std::string StagingPrefix(const std::string& group);

}  // namespace pg2iceberg
