// Reading one table's staged changes (docs/staging-segment.md) from its cursor, in offset
// order, up to a commit-LSN bound: the index (stage/coordinator.h) names the blocks, one ranged
// GET per block fetches them, stage/segment.h decodes them.
//
// The reading side checks what the writing side promised, and stops with kDataLoss (naming the
// table, the offsets and the segment) when the log does not hold it: offsets gapless from the
// cursor, each block holding exactly its indexed change count within its indexed commit-LSN
// range, commit LSNs never decreasing along the log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "env/object_store.h"
#include "stage/coordinator.h"
#include "stage/segment.h"

namespace pg2iceberg::materializer {

// One change of a table's log.
struct LoggedChange {
  int64_t offset = 0;
  stage::StagedChange staged;
};

struct LogReadOptions {
  int64_t table_id = 0;
  std::string table_name;   // "schema.table", for messages
  int64_t from_offset = 0;  // the table's cursor
  change::Lsn bound = 0;    // changes with a commit LSN above it are left for later
  // Stop after the block that passes this many changes (whole transactions are still read to
  // the end: the caller cuts batches between transactions).
  int64_t changes_max = 1'000'000;
  // Likewise after the block that passes this many staged bytes (blocks as stored).
  int64_t bytes_max = 32LL << 20;
  int blocks_per_query = 64;
};

struct LogRead {
  std::vector<LoggedChange> changes;  // offsets from_offset, from_offset + 1, ...
  // Whether every change up to the bound was read (false: changes_max or bytes_max stopped the
  // read, and the log continues below the bound after the last change returned).
  bool complete = false;
};

// Reads the table's changes from its cursor up to the bound. Errors: the coordinator's and the
// store's (a missing segment object is kDataLoss), kDataLoss for a log that breaks the promises
// above.
Result<LogRead> ReadTableLog(stage::Coordinator& coordinator, ObjectStore& staging,
                             const LogReadOptions& options);

}  // namespace pg2iceberg::materializer
