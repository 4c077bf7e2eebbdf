// The simulator's Iceberg oracle: every snapshot the materializer committed must equal the
// source as of its pg2iceberg.commit-lsn (the mirror's promise, docs/materializer.md), and the
// current one the source's final contents once the mirror has caught up.
//
// A snapshot's rows are read as `verify` reads them: the primary-key index rebuilt from its
// live data files with their position deletes or deletion vectors applied
// (materializer/index_rebuild.h), then each live row read back (mirror/verify_file_rows.h).
// Snapshots are immutable and none is expired in the simulator, so checking every snapshot of
// the final metadata checks every state a reader could ever have seen. Along main's history each
// snapshot must also cover new changes (log-offset and commit-lsn above its parent's), so a
// batch committed twice is caught even where applying it again leaves the rows as they were.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "env/object_store.h"
#include "iceberg/catalog.h"
#include "sim/sim_wal.h"
#include "sim/sim_workload.h"

namespace pg2iceberg::sim {

struct IcebergCheckCounts {
  int64_t snapshots = 0;
  int64_t rows = 0;
};

// Checks every mirrored table of `workload` in `catalog` (whose LoadTable serves metadata),
// reading files through `warehouse`. A table never committed must never have been changed.
// kDataLoss describing the first snapshot that differs.
Status CheckIcebergSnapshots(iceberg::Catalog& catalog, ObjectStore& warehouse, const SimWal& wal,
                             const SimWorkload& workload, int format_version,
                             IcebergCheckCounts& counts);

}  // namespace pg2iceberg::sim
