#include "iceberg/sql/sql_catalog.h"

#include <algorithm>

#include "base/check.h"
#include "iceberg/commit_reconcile.h"

namespace pg2iceberg::iceberg {
namespace {

// Column widths of the catalog tables, in characters.
constexpr size_t kNameMaxChars = 255;
constexpr size_t kLocationMaxChars = 1000;

constexpr std::string_view kCreateTablesSql =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "table_namespace VARCHAR(255) NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "metadata_location VARCHAR(1000), "
    "previous_metadata_location VARCHAR(1000), "
    "iceberg_type VARCHAR(5), "
    "PRIMARY KEY (catalog_name, table_namespace, table_name)); "
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "namespace VARCHAR(255) NOT NULL, "
    "property_key VARCHAR(255) NOT NULL, "
    "property_value VARCHAR(1000), "
    "PRIMARY KEY (catalog_name, namespace, property_key))";

constexpr std::string_view kTablesExistSql =
    "SELECT to_regclass('iceberg_tables') IS NOT NULL "
    "AND to_regclass('iceberg_namespace_properties') IS NOT NULL";

constexpr std::string_view kHasIcebergTypeSql =
    "SELECT EXISTS (SELECT 1 FROM pg_attribute "
    "WHERE attrelid = to_regclass('iceberg_tables') AND attname = 'iceberg_type' "
    "AND NOT attisdropped)";

using Params = std::vector<std::optional<std::string>>;

// Characters of UTF-8 text (VARCHAR(n) counts characters, not bytes).
size_t CharacterCount(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Status CheckText(std::string_view what, std::string_view value, size_t max_chars) {
  if (value.empty()) return Status::InvalidArgument(std::string(what) + " must not be empty");
  if (CharacterCount(value) > max_chars) {
    return Status::InvalidArgument(std::string(what) + " is longer than " +
                                   std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

// The stored form of a namespace: levels joined by '.'.
Result<std::string> NamespaceColumn(const Namespace& ns) {
  if (ns.empty()) return Status::InvalidArgument("a namespace needs at least one level");
  for (const std::string& level : ns) {
    if (level.empty() || level.find('.') != std::string::npos) {
      return Status::InvalidArgument("namespace level \"" + level +
                                     "\" must be non-empty and contain no '.'");
    }
  }
  std::string text = NamespaceToString(ns);
  RETURN_IF_ERROR(CheckText("namespace", text, kNameMaxChars));
  return text;
}

// {catalog, namespace, table name} as statement parameters $1..$3.
Result<Params> IdentParams(const std::string& catalog_name, const TableIdentifier& ident) {
  ASSIGN_OR_RETURN(std::string ns, NamespaceColumn(ident.table_namespace));
  RETURN_IF_ERROR(CheckText("table name", ident.name, kNameMaxChars));
  return Params{catalog_name, std::move(ns), ident.name};
}

// The one boolean a `SELECT <predicate>` returns.
Result<bool> SingleBool(const PgRows& rows) {
  if (rows.rows.size() != 1 || rows.rows[0].size() != 1 || !rows.rows[0][0]) {
    return Status::Internal("expected one boolean from the catalog query");
  }
  return *rows.rows[0][0] == "t";
}

// A statement whose reply was lost may have committed.
Status LostReplyIsUnknown(const Status& status) {
  if (status.code() != StatusCode::kUnavailable) return status;
  return Status::OutcomeUnknown(status.message());
}

Result<bool> CatalogTablesExist(PgConnection& connection) {
  ASSIGN_OR_RETURN(const PgRows rows, connection.Exec(kTablesExistSql));
  return SingleBool(rows);
}

// Creates the tables; a concurrent creator may win the race, which is fine.
Status CreateCatalogTables(PgConnection& connection) {
  const Result<PgRows> created = connection.Exec(kCreateTablesSql);
  if (created.ok()) return Status::Ok();
  Result<bool> exist = CatalogTablesExist(connection);
  if (exist.ok() && *exist) return Status::Ok();
  return created.status();
}

}  // namespace

Result<std::unique_ptr<SqlCatalog>> SqlCatalog::Open(PgConnection& connection,
                                                     std::string catalog_name,
                                                     Reconnect reconnect) {
  RETURN_IF_ERROR(CheckText("catalog name", catalog_name, kNameMaxChars));
  Status created = CreateCatalogTables(connection);
  if (!created.ok()) return created.WithContext("creating the SQL catalog tables");
  ASSIGN_OR_RETURN(const PgRows rows, connection.Exec(kHasIcebergTypeSql));
  ASSIGN_OR_RETURN(const bool has_iceberg_type, SingleBool(rows));
  return std::unique_ptr<SqlCatalog>(
      new SqlCatalog(connection, std::move(catalog_name), has_iceberg_type, std::move(reconnect)));
}

std::string SqlCatalog::TableTypeFilter() const {
  return has_iceberg_type_ ? " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" : "";
}

Status SqlCatalog::EnsureNamespace(const Namespace& ns) {
  ASSIGN_OR_RETURN(std::string ns_text, NamespaceColumn(ns));
  const Result<PgRows> inserted = connection_.ExecParams(
      "INSERT INTO iceberg_namespace_properties "
      "(catalog_name, namespace, property_key, property_value) "
      "VALUES ($1, $2, 'exists', 'true') ON CONFLICT DO NOTHING",
      {catalog_name_, std::move(ns_text)});
  return inserted.status();
}

Result<std::vector<Namespace>> SqlCatalog::ListNamespaces() {
  ASSIGN_OR_RETURN(const PgRows rows,
                   connection_.ExecParams("SELECT table_namespace FROM iceberg_tables "
                                          "WHERE catalog_name = $1 "
                                          "UNION SELECT namespace FROM "
                                          "iceberg_namespace_properties WHERE catalog_name = $1",
                                          {catalog_name_}));
  std::vector<Namespace> namespaces;
  for (const auto& row : rows.rows) {
    if (row.size() == 1 && row[0]) namespaces.push_back(NamespaceFromString(*row[0]));
  }
  std::sort(namespaces.begin(), namespaces.end());
  return namespaces;
}

Result<std::vector<TableIdentifier>> SqlCatalog::ListTables(const Namespace& ns) {
  ASSIGN_OR_RETURN(std::string ns_text, NamespaceColumn(ns));
  ASSIGN_OR_RETURN(const PgRows rows,
                   connection_.ExecParams("SELECT table_name FROM iceberg_tables "
                                          "WHERE catalog_name = $1 AND table_namespace = $2" +
                                              TableTypeFilter(),
                                          {catalog_name_, std::move(ns_text)}));
  std::vector<TableIdentifier> tables;
  for (const auto& row : rows.rows) {
    if (row.size() == 1 && row[0]) tables.push_back(TableIdentifier{ns, *row[0]});
  }
  std::sort(tables.begin(), tables.end());
  return tables;
}

Result<std::string> SqlCatalog::LoadMetadataLocation(const TableIdentifier& ident) {
  return LoadMetadataLocationOn(connection_, ident);
}

Result<std::string> SqlCatalog::LoadMetadataLocationOn(PgConnection& connection,
                                                       const TableIdentifier& ident) {
  ASSIGN_OR_RETURN(const Params params, IdentParams(catalog_name_, ident));
  ASSIGN_OR_RETURN(const PgRows rows,
                   connection.ExecParams("SELECT metadata_location FROM iceberg_tables "
                                         "WHERE catalog_name = $1 AND table_namespace = $2 "
                                         "AND table_name = $3" +
                                             TableTypeFilter(),
                                         params));
  if (rows.rows.empty()) {
    return Status::NotFound("table " + ident.ToString() + " is not in catalog " + catalog_name_);
  }
  if (rows.rows[0].size() != 1 || !rows.rows[0][0] || rows.rows[0][0]->empty()) {
    return Status::DataLoss("catalog " + catalog_name_ + " lists table " + ident.ToString() +
                            " without a metadata location");
  }
  return *rows.rows[0][0];
}

Result<LoadedTable> SqlCatalog::LoadTable(const TableIdentifier& ident) {
  ASSIGN_OR_RETURN(std::string location, LoadMetadataLocation(ident));
  return LoadedTable{std::move(location), std::nullopt};
}

Result<bool> SqlCatalog::NamespaceExists(const std::string& ns) {
  ASSIGN_OR_RETURN(
      const PgRows rows,
      connection_.ExecParams("SELECT EXISTS (SELECT 1 FROM iceberg_namespace_properties "
                             "WHERE catalog_name = $1 AND namespace = $2) "
                             "OR EXISTS (SELECT 1 FROM iceberg_tables "
                             "WHERE catalog_name = $1 AND table_namespace = $2)",
                             {catalog_name_, ns}));
  return SingleBool(rows);
}

Status SqlCatalog::InsertPointer(const TableIdentifier& ident, std::string_view metadata_location) {
  ASSIGN_OR_RETURN(Params params, IdentParams(catalog_name_, ident));
  RETURN_IF_ERROR(CheckText("metadata location", metadata_location, kLocationMaxChars));
  ASSIGN_OR_RETURN(const bool ns_exists, NamespaceExists(*params[1]));
  if (!ns_exists) {
    return Status::NotFound("namespace " + *params[1] + " does not exist in catalog " +
                            catalog_name_);
  }
  params.emplace_back(std::string(metadata_location));
  const std::string sql =
      has_iceberg_type_
          ? "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
            "metadata_location, previous_metadata_location, iceberg_type) "
            "VALUES ($1, $2, $3, $4, NULL, 'TABLE') ON CONFLICT DO NOTHING RETURNING 1"
          : "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
            "metadata_location, previous_metadata_location) "
            "VALUES ($1, $2, $3, $4, NULL) ON CONFLICT DO NOTHING RETURNING 1";
  const Result<PgRows> inserted = connection_.ExecParams(sql, params);
  if (!inserted.ok()) return LostReplyIsUnknown(inserted.status());
  if (inserted->rows.empty()) {
    return Status::Conflict("table " + ident.ToString() + " already exists in catalog " +
                            catalog_name_);
  }
  return Status::Ok();
}

Status SqlCatalog::SwapPointerRow(const TableIdentifier& ident,
                                  std::string_view expected_metadata_location,
                                  std::string_view new_metadata_location) {
  ASSIGN_OR_RETURN(Params params, IdentParams(catalog_name_, ident));
  RETURN_IF_ERROR(CheckText("metadata location", new_metadata_location, kLocationMaxChars));
  params.emplace_back(std::string(expected_metadata_location));
  params.emplace_back(std::string(new_metadata_location));
  const Result<PgRows> updated = connection_.ExecParams(
      "UPDATE iceberg_tables SET metadata_location = $5, previous_metadata_location = $4 "
      "WHERE catalog_name = $1 AND table_namespace = $2 AND table_name = $3 "
      "AND metadata_location = $4" +
          TableTypeFilter() + " RETURNING 1",
      params);
  if (!updated.ok()) return LostReplyIsUnknown(updated.status());
  if (!updated->rows.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(const std::string current, LoadMetadataLocation(ident));
  return Status::Conflict("table " + ident.ToString() + " points at " + current +
                          ", not the expected " + std::string(expected_metadata_location));
}

Status SqlCatalog::CreateTable(const TableIdentifier& ident, std::string_view metadata_location) {
  const Status inserted = InsertPointer(ident, metadata_location);
  if (inserted.code() != StatusCode::kOutcomeUnknown) return inserted;
  return ReconcileLostSwap(ident, metadata_location, inserted);
}

Status SqlCatalog::CommitTable(const TableIdentifier& ident,
                               std::string_view expected_metadata_location,
                               std::string_view new_metadata_location) {
  const Status swapped = SwapPointerRow(ident, expected_metadata_location, new_metadata_location);
  if (swapped.code() != StatusCode::kOutcomeUnknown) return swapped;
  return ReconcileLostSwap(ident, new_metadata_location, swapped);
}

Result<bool> SqlCatalog::RowShows(PgConnection& connection, const TableIdentifier& ident,
                                  std::string_view location) {
  ASSIGN_OR_RETURN(const Params params, IdentParams(catalog_name_, ident));
  ASSIGN_OR_RETURN(const PgRows rows,
                   connection.ExecParams("SELECT metadata_location, previous_metadata_location "
                                         "FROM iceberg_tables WHERE catalog_name = $1 "
                                         "AND table_namespace = $2 AND table_name = $3" +
                                             TableTypeFilter(),
                                         params));
  for (const auto& row : rows.rows) {
    for (const std::optional<std::string>& value : row) {
      if (value.has_value() && *value == location) return true;
    }
  }
  return false;
}

Result<PgConnection*> SqlCatalog::ReconnectedSession() {
  if (!reconnect_) return Status::Unavailable("no way to open a new session was given");
  if (reconnected_ == nullptr) {
    ASSIGN_OR_RETURN(reconnected_, reconnect_());
  }
  return reconnected_.get();
}

Status SqlCatalog::ReconcileLostSwap(const TableIdentifier& ident, std::string_view location,
                                     const Status& lost) {
  Result<bool> shows = RowShows(connection_, ident, location);
  if (!shows.ok() && reconnect_) {
    Result<PgConnection*> session = ReconnectedSession();
    shows = session.ok() ? RowShows(**session, ident, location) : session.status();
  }
  if (shows.ok() && *shows) return Status::Ok();  // the lost statement committed
  const std::string found =
      shows.ok() ? "the catalog row of " + ident.ToString() + " does not point at " +
                       std::string(location) +
                       " (the lost session's statement may still commit on the server)"
                 : "reading the catalog row of " + ident.ToString() +
                       " to reconcile failed: " + shows.status().message();
  return Status::OutcomeUnknown(lost.message() + "; " + found +
                                "; the commit's files are kept: run the command again");
}

Result<std::string> SqlCatalog::WriteMetadata(const TableState& base,
                                              const TableMetadata& new_metadata,
                                              MetadataWriter& writer) {
  int64_t version = 0;
  if (!base.metadata_location.empty()) {
    ASSIGN_OR_RETURN(const int64_t base_version, ParseMetadataFileVersion(base.metadata_location));
    version = base_version + 1;
  }
  return writer.WriteMetadataFile(version, new_metadata);
}

Status SqlCatalog::MovePointer(const TableState& base, std::string_view location) {
  return base.metadata_location.empty()
             ? InsertPointer(base.ident, location)
             : SwapPointerRow(base.ident, base.metadata_location, location);
}

Result<TableState> SqlCatalog::CommitSnapshot(const TableState& base,
                                              const TableMetadata& new_metadata,
                                              const Snapshot& snapshot, MetadataWriter& writer) {
  ASSIGN_OR_RETURN(std::string location, WriteMetadata(base, new_metadata, writer));
  const Status moved = MovePointer(base, location);
  if (moved.code() == StatusCode::kOutcomeUnknown) {
    return ReconcileLostCommit({base, new_metadata, snapshot, &writer}, moved);
  }
  RETURN_IF_ERROR(moved);
  return TableState{base.ident, new_metadata, std::move(location)};
}

Result<LoadedTable> SqlCatalog::LoadTableToReconcile(const TableIdentifier& ident) {
  Result<std::string> location = LoadMetadataLocationOn(connection_, ident);
  if (!location.ok() && location.status().code() != StatusCode::kNotFound && reconnect_) {
    ASSIGN_OR_RETURN(PgConnection * session, ReconnectedSession());
    location = LoadMetadataLocationOn(*session, ident);
  }
  if (!location.ok()) return location.status();
  return LoadedTable{std::move(*location), std::nullopt};
}

Result<ReconciledTable> SqlCatalog::ReconcileOne(const SnapshotCommit& commit, const Status& lost) {
  MetadataWriter* writer = commit.writer;
  return ReconcileLoaded(
      commit.base, commit.snapshot, lost, LoadTableToReconcile(commit.base.ident),
      [writer](const std::string& location) { return writer->ReadMetadataFile(location); });
}

Result<TableState> SqlCatalog::ReconcileLostCommit(const SnapshotCommit& commit,
                                                   const Status& lost) {
  ASSIGN_OR_RETURN(ReconciledTable found, ReconcileOne(commit, lost));
  if (found.outcome == CommitOutcome::kCommitted) return std::move(found.state);
  return UnresolvedCommit("SQL catalog: commit to " + commit.base.ident.ToString(), found, lost,
                          lost);
}

bool SqlCatalog::CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const {
  return NamesDistinctTables(commits);
}

Result<std::vector<TableState>> SqlCatalog::CommitSnapshots(
    const std::vector<SnapshotCommit>& commits) {
  if (!CanCommitAtomically(commits)) {
    return Status::InvalidArgument("a multi-table commit names a table twice");
  }
  std::vector<TableState> states;
  for (const SnapshotCommit& commit : commits) {
    CHECK(commit.writer != nullptr);
    ASSIGN_OR_RETURN(std::string location,
                     WriteMetadata(commit.base, commit.new_metadata, *commit.writer));
    states.push_back(TableState{commit.base.ident, commit.new_metadata, std::move(location)});
  }
  // One transaction: the swaps become visible together at COMMIT, or not at all.
  RETURN_IF_ERROR(connection_.Exec("BEGIN").status());
  for (size_t i = 0; i < commits.size(); ++i) {
    Status swapped = MovePointer(commits[i].base, states[i].metadata_location);
    if (!swapped.ok()) {
      connection_.Exec("ROLLBACK").status().IgnoreError();
      // A lost connection before COMMIT aborts the transaction: nothing happened.
      if (swapped.code() == StatusCode::kOutcomeUnknown) {
        return Status::Unavailable(swapped.message());
      }
      return swapped;
    }
  }
  const Result<PgRows> committed = connection_.Exec("COMMIT");
  if (!committed.ok()) {
    const Status lost = LostReplyIsUnknown(committed.status());
    if (lost.code() != StatusCode::kOutcomeUnknown) return lost;
    return ReconcileLostTransaction(commits, lost);
  }
  return states;
}

Result<std::vector<TableState>> SqlCatalog::ReconcileLostTransaction(
    const std::vector<SnapshotCommit>& commits, const Status& lost) {
  ASSIGN_OR_RETURN(ReconciledTransaction found,
                   ReconcileTransaction(commits, lost, [&](const SnapshotCommit& commit) {
                     return ReconcileOne(commit, lost);
                   }));
  if (found.outcome == CommitOutcome::kCommitted) return std::move(found.states);
  std::vector<std::string> names;
  for (const SnapshotCommit& commit : commits) names.push_back(commit.base.ident.ToString());
  return UnresolvedCommit("SQL catalog: transaction commit of tables " + JoinTableNames(names),
                          ReconciledTable{found.outcome, {}, found.detail}, lost, lost);
}

Status SqlCatalog::DropTable(const TableIdentifier& ident) {
  ASSIGN_OR_RETURN(const Params params, IdentParams(catalog_name_, ident));
  ASSIGN_OR_RETURN(const PgRows rows,
                   connection_.ExecParams("DELETE FROM iceberg_tables WHERE catalog_name = $1 "
                                          "AND table_namespace = $2 AND table_name = $3" +
                                              TableTypeFilter() + " RETURNING 1",
                                          params));
  if (rows.rows.empty()) {
    return Status::NotFound("table " + ident.ToString() + " is not in catalog " + catalog_name_);
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::iceberg
