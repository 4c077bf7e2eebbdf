#include "sim/sim_iceberg_check.h"

#include <map>
#include <vector>

#include "iceberg/live_files.h"
#include "iceberg/summary_keys.h"
#include "materializer/index_rebuild.h"
#include "materializer/progress.h"
#include "mirror/verify_file_rows.h"
#include "sim/sim_materializer.h"
#include "sim/sim_model.h"

namespace pg2iceberg::sim {
namespace {

// The rows of `metadata` at its current snapshot, by id.
Result<SimTableRows> ReadSnapshot(const TablePlan& plan, const iceberg::TableMetadata& metadata,
                                  ObjectStore& warehouse) {
  iceberg::LiveFiles live;
  materializer::PrimaryKeyIndex index(plan.source.QualifiedName(), 1LL << 40);
  ASSIGN_OR_RETURN(materializer::LiveTableState state,
                   materializer::RebuildIndex(
                       warehouse, live, metadata,
                       {.table_name = plan.source.QualifiedName(), .key_columns = {"id"}}, index));
  (void)state;
  std::map<uint32_t, std::vector<int64_t>> positions;  // by index file number
  index.ForEach([&](const std::string&, const materializer::RowLocation& location) {
    positions[location.file].push_back(location.position);
  });
  const CompareOptions options{.key_columns = {"id"}};
  FileRows files(plan, options);
  SimTableRows rows;
  for (auto& [file, at] : positions) {
    std::sort(at.begin(), at.end());
    ASSIGN_OR_RETURN(std::vector<change::Row> read, files.Read(index.FilePath(file), at));
    for (const change::Row& row : read) {
      ASSIGN_OR_RETURN(auto keyed, RowToModel(row));
      if (!rows.insert(std::move(keyed)).second) {
        return Status::DataLoss("id " + std::to_string(keyed.first) + " is live twice");
      }
    }
  }
  return rows;
}

Result<change::Lsn> CommitLsnOf(const iceberg::Snapshot& snapshot, const std::string& table) {
  const auto it = snapshot.summary.find(std::string(iceberg::summary::kCommitLsn));
  if (it == snapshot.summary.end()) {
    return Status::DataLoss(table + " snapshot " + std::to_string(snapshot.snapshot_id) +
                            " records no " + std::string(iceberg::summary::kCommitLsn));
  }
  return change::ParseLsn(it->second);
}

// Along the table's history (oldest first), every commit covers new changes: its log-offset and
// commit-lsn are above its parent's. A commit that applies a batch again (a lost answer taken
// for a failure, a restart that ignored the snapshot ahead of its cursor) repeats its parent's
// offset, even where re-applying leaves the rows as they were.
Status CheckLineage(const iceberg::TableMetadata& metadata, const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<const iceberg::Snapshot*> lineage,  // newest first
                   iceberg::CurrentHistory(metadata));
  if (lineage.size() != metadata.snapshots.size()) {
    return Status::DataLoss(name + ": " + std::to_string(metadata.snapshots.size()) +
                            " snapshots, " + std::to_string(lineage.size()) + " in main's history");
  }
  std::optional<materializer::CommittedProgress> previous;
  for (auto it = lineage.rbegin(); it != lineage.rend(); ++it) {
    ASSIGN_OR_RETURN(std::optional<materializer::CommittedProgress> progress,
                     materializer::ProgressOf((*it)->summary, name));
    if (!progress.has_value()) {
      return Status::DataLoss(name + " snapshot " + std::to_string((*it)->snapshot_id) +
                              " records no progress");
    }
    if (previous.has_value() && (progress->log_offset <= previous->log_offset ||
                                 progress->commit_lsn <= previous->commit_lsn)) {
      return Status::DataLoss(
          name + " snapshot " + std::to_string((*it)->snapshot_id) + " covers the log up to " +
          std::to_string(progress->log_offset) + " at " + change::FormatLsn(progress->commit_lsn) +
          ", not past its parent's " + std::to_string(previous->log_offset) + " at " +
          change::FormatLsn(previous->commit_lsn) + ": a batch was committed twice");
    }
    previous = progress;
  }
  return Status::Ok();
}

// The model's rows of one table (none when the model has no such table).
std::map<uint32_t, SimTableRows> Only(const std::map<uint32_t, SimTableRows>& model,
                                      uint32_t relid) {
  const auto it = model.find(relid);
  return {{relid, it == model.end() ? SimTableRows{} : it->second}};
}

bool EverChanged(const SimWal& wal, uint32_t relid) {
  for (const SimTransaction& transaction : wal.transactions()) {
    if (!transaction.ended || transaction.aborted) continue;
    for (const SimChange& change : transaction.changes) {
      if (!transaction.Survives(change)) continue;
      if (change.relid == relid) return true;
      for (uint32_t truncated : change.truncated) {
        if (truncated == relid) return true;
      }
    }
  }
  return false;
}

Status CheckTable(iceberg::Catalog& catalog, ObjectStore& warehouse, const SimWal& wal,
                  const SimWorkload& workload, uint32_t relid, TablePlan& plan,
                  IcebergCheckCounts& counts) {
  const std::string name = plan.source.QualifiedName();
  Result<iceberg::LoadedTable> loaded = catalog.LoadTable(plan.state.ident);
  if (loaded.status().code() == StatusCode::kNotFound) {
    if (!EverChanged(wal, relid)) return Status::Ok();
    return Status::DataLoss(name + " was changed at the source but never created in Iceberg");
  }
  RETURN_IF_ERROR(loaded.status());
  if (!loaded->metadata.has_value())
    return Status::Internal("the oracle's catalog served no metadata");
  const iceberg::TableMetadata& metadata = *loaded->metadata;
  RETURN_IF_ERROR(CheckLineage(metadata, name));
  plan.store = &warehouse;
  for (const iceberg::Snapshot& snapshot : metadata.snapshots) {
    ASSIGN_OR_RETURN(change::Lsn lsn, CommitLsnOf(snapshot, name));
    iceberg::TableMetadata at = metadata;
    at.current_snapshot_id = snapshot.snapshot_id;
    ASSIGN_OR_RETURN(SimTableRows rows, ReadSnapshot(plan, at, warehouse));
    ++counts.snapshots;
    counts.rows += static_cast<int64_t>(rows.size());
    const std::string difference =
        DescribeModelDifference(Only(workload.ModelAsOf(lsn), relid), {{relid, rows}}, &wal, lsn);
    if (!difference.empty()) {
      return Status::DataLoss("Iceberg snapshot " + std::to_string(snapshot.snapshot_id) + " of " +
                              name + " (commit-lsn " + change::FormatLsn(lsn) +
                              ") is not the source as of that LSN: " + difference);
    }
  }
  const iceberg::Snapshot* current = metadata.CurrentSnapshot();
  if (current == nullptr) return Status::DataLoss(name + " has no current snapshot");
  const change::Lsn metadata_end = wal.end();
  ASSIGN_OR_RETURN(SimTableRows rows, ReadSnapshot(plan, metadata, warehouse));
  const std::string difference =
      DescribeModelDifference(Only(workload.model(), relid), {{relid, rows}}, &wal, metadata_end);
  if (!difference.empty()) {
    return Status::DataLoss("the current snapshot of " + name +
                            " is not the source's final contents: " + difference);
  }
  return Status::Ok();
}

}  // namespace

Status CheckIcebergSnapshots(iceberg::Catalog& catalog, ObjectStore& warehouse, const SimWal& wal,
                             const SimWorkload& workload, int format_version,
                             IcebergCheckCounts& counts) {
  SinkConfig sink;
  sink.warehouse = kSimWarehouse;
  for (uint32_t relid : workload.relids()) {
    ASSIGN_OR_RETURN(TablePlan plan, PlanSimTable(wal, relid, sink, format_version));
    RETURN_IF_ERROR(CheckTable(catalog, warehouse, wal, workload, relid, plan, counts));
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::sim
