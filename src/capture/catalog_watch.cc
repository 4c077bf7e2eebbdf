#include "capture/catalog_watch.h"

#include "capture/catalog_guards.h"
#include "capture/guards.h"

namespace pg2iceberg::capture {
namespace {

// Names of the coordinator's watched_catalog rows.
constexpr char kPublicationRow[] = "publication";
constexpr char kPartitionsRow[] = "partitions";

// Why a shortfall found after capture began cannot be corrected in place.
constexpr char kDecodedUnderOld[] =
    ". PostgreSQL decodes each change under the publication and partitions as they were when the "
    "change "
    "was written, so changes written since are lost to pg2iceberg even once this is corrected. ";

}  // namespace

CatalogWatch::CatalogWatch(std::string publication, const std::vector<WatchedTable>& tables,
                           std::string advice)
    : publication_(std::move(publication)), advice_(std::move(advice)) {
  for (const WatchedTable& table : tables) {
    relids_.push_back(table.relid);
    tables_.push_back(table.name);
    names_[table.relid] = table.name.QualifiedName();
  }
}

Result<CatalogWatch> CatalogWatch::Record(const std::string& publication,
                                          const std::vector<WatchedTable>& tables,
                                          PgConnection& sql, stage::Coordinator& coordinator) {
  CatalogWatch watch(publication, tables, RebuildAdvice(coordinator.schema(), coordinator.group()));
  ASSIGN_OR_RETURN(std::optional<PublicationState> state,
                   LoadPublicationState(sql, publication, watch.relids_));
  if (!state)
    return Status::Unavailable("publication \"" + publication +
                               "\" vanished while capture was set up");
  if (std::string shortfall = PublicationShortfall(*state); !shortfall.empty()) {
    return Status::InvalidArgument(shortfall +
                                   "; or set source.logical.publication_name to a publication "
                                   "pg2iceberg may create");
  }
  ASSIGN_OR_RETURN(watch.partitions_, watch.LoadPartitions(sql));
  if (std::string shortfall = PartitionShortfall(watch.partitions_, watch.names_);
      !shortfall.empty()) {
    return Status::InvalidArgument(shortfall);
  }
  watch.publication_fingerprint_ = PublicationFingerprint(*state);
  RETURN_IF_ERROR(coordinator.RecordWatched(kPublicationRow, watch.publication_fingerprint_));
  RETURN_IF_ERROR(coordinator.RecordWatched(kPartitionsRow, EncodePartitions(watch.partitions_)));
  return watch;
}

Result<CatalogWatch> CatalogWatch::Load(const std::string& publication,
                                        const std::vector<WatchedTable>& tables, PgConnection& sql,
                                        stage::Coordinator& coordinator, Logger& log) {
  CatalogWatch watch(publication, tables, RebuildAdvice(coordinator.schema(), coordinator.group()));
  ASSIGN_OR_RETURN(std::optional<std::string> fingerprint,
                   coordinator.LoadWatched(kPublicationRow));
  ASSIGN_OR_RETURN(std::optional<std::string> partitions, coordinator.LoadWatched(kPartitionsRow));
  if (fingerprint && partitions) {
    watch.publication_fingerprint_ = *fingerprint;
    ASSIGN_OR_RETURN(watch.partitions_, DecodePartitions(*partitions));
    RETURN_IF_ERROR(watch.Check(sql));
    return watch;
  }
  log.Warn("group " + coordinator.group() +
           " began capturing before pg2iceberg recorded its publication and "
           "partitions; recording them as they are now (changes to them before this start cannot "
           "be detected)");
  ASSIGN_OR_RETURN(PublicationState state, watch.LoadPublication(sql));
  watch.publication_fingerprint_ = PublicationFingerprint(state);
  ASSIGN_OR_RETURN(watch.partitions_, watch.LoadPartitions(sql));
  RETURN_IF_ERROR(watch.Check(sql));
  RETURN_IF_ERROR(coordinator.RecordWatched(kPublicationRow, watch.publication_fingerprint_));
  RETURN_IF_ERROR(coordinator.RecordWatched(kPartitionsRow, EncodePartitions(watch.partitions_)));
  return watch;
}

Status CatalogWatch::Check(PgConnection& sql) const {
  ASSIGN_OR_RETURN(PublicationState publication, LoadPublication(sql));
  if (std::string shortfall = PublicationShortfall(publication); !shortfall.empty()) {
    return Status::DataLoss(shortfall + kDecodedUnderOld + advice_);
  }
  if (PublicationFingerprint(publication) != publication_fingerprint_) {
    // A mirrored table that left the publication has its own message and way out.
    ASSIGN_OR_RETURN(std::vector<pg::TableName> published, pg::PublishedTables(sql, publication_));
    RETURN_IF_ERROR(CheckPublished(publication_, tables_, published));
    return Status::DataLoss(
        "publication \"" + publication_ +
        "\" was altered (or dropped and created again) "
        "since pg2iceberg began capturing: while it may have published less (fewer "
        "operations, a row filter or a column list) changes were not sent, and PostgreSQL "
        "decodes each change under the publication as it was when the change was written, "
        "so a later correction does not bring them back. " +
        advice_);
  }
  ASSIGN_OR_RETURN(std::vector<PartitionState> partitions, LoadPartitions(sql));
  if (std::string shortfall = PartitionShortfall(partitions, names_); !shortfall.empty()) {
    return Status::DataLoss(shortfall + kDecodedUnderOld + advice_);
  }
  if (std::string change = PartitionChange(partitions_, partitions, names_); !change.empty()) {
    return Status::DataLoss(change + ". " + advice_);
  }
  return Status::Ok();
}

Result<PublicationState> CatalogWatch::LoadPublication(PgConnection& sql) const {
  ASSIGN_OR_RETURN(std::optional<PublicationState> state,
                   LoadPublicationState(sql, publication_, relids_));
  if (!state) {
    return Status::DataLoss("publication \"" + publication_ +
                            "\" no longer exists: changes made since it was "
                            "dropped were never sent. " +
                            advice_);
  }
  return std::move(*state);
}

Result<std::vector<PartitionState>> CatalogWatch::LoadPartitions(PgConnection& sql) const {
  return LoadPartitionStates(sql, relids_);
}

}  // namespace pg2iceberg::capture
