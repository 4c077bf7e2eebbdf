// CatalogWatch: proves that the publication and the partitions of the mirrored tables still
// send every change, as they did when capture began — at start, on the streamer's timer, and
// right before every flush that records (and then acknowledges) a new flushed_lsn.
//
// pgoutput decodes each change under the catalog as it was when the change was written, so a
// change of the publication or of a partition set cannot be repaired afterwards; what makes it
// detectable is its trace in the catalog rows (their row versions, pg_inherits entries and
// storage). The watch records those as fingerprints in the coordinator when capture begins and
// compares them, so a change made while capture was stopped is caught too. docs/capture.md
// states exactly what this guarantees.
//
// Not thread-safe. Borrows nothing; Check() takes the connection to use.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "capture/catalog_state.h"
#include "pg/replication_setup.h"
#include "stage/coordinator.h"

namespace pg2iceberg::capture {

// A mirrored table as the watch needs it.
struct WatchedTable {
  uint32_t relid = 0;
  pg::TableName name;
};

class CatalogWatch {
 public:
  // First run, before the slot is created: checks that `publication` sends every change of
  // `tables` (kInvalidArgument naming what it does not and the command that fixes it; nothing
  // is lost yet) and records the fingerprints in `coordinator`, replacing any left by an
  // interrupted first run.
  static Result<CatalogWatch> Record(const std::string& publication,
                                     const std::vector<WatchedTable>& tables, PgConnection& sql,
                                     stage::Coordinator& coordinator);

  // Later runs: loads the recorded fingerprints and checks the catalog against them (Check()).
  // State recorded by a pg2iceberg without them gets today's, with a warning on `log`.
  static Result<CatalogWatch> Load(const std::string& publication,
                                   const std::vector<WatchedTable>& tables, PgConnection& sql,
                                   stage::Coordinator& coordinator, Logger& log);

  // kDataLoss, naming the cause and `RebuildAdvice`, when the publication no longer sends every
  // change, or it or a partition changed since the fingerprints were recorded.
  Status Check(PgConnection& sql) const;

 private:
  CatalogWatch(std::string publication, const std::vector<WatchedTable>& tables,
               std::string advice);
  // The publication as it is now; kDataLoss when it was dropped.
  Result<PublicationState> LoadPublication(PgConnection& sql) const;
  Result<std::vector<PartitionState>> LoadPartitions(PgConnection& sql) const;

  std::string publication_;
  std::vector<uint32_t> relids_;
  std::vector<pg::TableName> tables_;
  std::map<uint32_t, std::string> names_;  // qualified, by relid
  std::string advice_;
  std::string publication_fingerprint_;
  std::vector<PartitionState> partitions_;
};

}  // namespace pg2iceberg::capture
