// Fail-fast checks: capture refuses to go on when it cannot prove the staging log is complete.
// Each returns OK or a Status naming the cause and the way out; they are pure functions of
// facts loaded from the source and the coordinator, so start-up and the periodic checks while
// streaming share them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "pg/replication_setup.h"
#include "stage/coordinator.h"

namespace pg2iceberg::capture {

// The way out of every check that means the mirror must be rebuilt from a fresh snapshot.
std::string RebuildAdvice(const std::string& coordinator_schema, const std::string& group);

// The source is the cluster the log was captured from (IDENTIFY_SYSTEM's systemid).
Status CheckSameCluster(const stage::CaptureState& recorded, const pg::SystemIdentity& identity,
                        const std::string& advice);

// The recorded slot still exists, is ours, is usable, and nobody moved it past what we recorded.
Status CheckSlot(const stage::CaptureState& recorded, const std::optional<pg::SlotInfo>& slot,
                 const std::string& advice);

// Every registered table still exists with the pg_class.oid it was registered with.
// `current_oids[i]` belongs to `registered[i]` (0: the table is gone).
Status CheckTablesUnchanged(const std::vector<stage::TableState>& registered,
                            const std::vector<uint32_t>& current_oids, const std::string& advice);

// The publication publishes every mirrored table.
Status CheckPublished(const std::string& publication, const std::vector<pg::TableName>& mirrored,
                      const std::vector<pg::TableName>& published);

}  // namespace pg2iceberg::capture
