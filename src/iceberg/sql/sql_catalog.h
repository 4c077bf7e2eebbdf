// SqlCatalog: the Iceberg JDBC/SQL catalog kept in two Postgres tables, the same ones Java's
// JdbcCatalog (schema V1) and PyIceberg's SqlCatalog read and write:
//
//   iceberg_tables(catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL,
//                  table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000),
//                  previous_metadata_location VARCHAR(1000), iceberg_type VARCHAR(5),
//                  PRIMARY KEY (catalog_name, table_namespace, table_name))
//   iceberg_namespace_properties(catalog_name VARCHAR(255) NOT NULL,
//                  namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT NULL,
//                  property_value VARCHAR(1000),
//                  PRIMARY KEY (catalog_name, namespace, property_key))
//
// Open creates them (CREATE TABLE IF NOT EXISTS, unqualified: the connection's search_path
// decides the schema, so readers must resolve the same one). An existing iceberg_tables
// without iceberg_type (a "V0" catalog made by older PyIceberg) is used as it is: rows are
// inserted without the column and no row is filtered by it. Otherwise rows are written with
// iceberg_type 'TABLE' and rows of other types (Java's views) are invisible to table calls.
//
// Every row carries the catalog name given to Open; readers must use the same name.
// Namespaces are stored with their levels joined by '.'; a namespace exists when it has a row
// in iceberg_namespace_properties (EnsureNamespace writes property 'exists' = 'true', as Java
// and PyIceberg do) or a table in it.
//
// A snapshot commit (Catalog::CommitSnapshot) writes metadata file version 0 for a new table,
// or the base location's version + 1, through the MetadataWriter, then registers it with
// CreateTable or swaps it in with CommitTable.
//
// Statements run one at a time in autocommit mode, parameterised. When the reply to a snapshot
// commit's insert or compare-and-swap is lost (kUnavailable from the connection: the statement
// may have committed), the catalog reconciles as every catalog does (commit_reconcile.h): it
// loads the table's row — on its connection, else on a new session from `reconnect` — reads
// the metadata file it points at (MetadataWriter::ReadMetadataFile) and looks for the commit's
// snapshot id, also as an ancestor: found is success (whatever committed on top since);
// the row at the base is kOutcomeUnknown (the server may still be running the statement of the
// lost session); the row elsewhere without our snapshot is kConflict (the compare-and-swap
// can never match again); a create that finds another writer's table (another uuid) is kConflict;
// a table gone or replaced is kOutcomeUnknown.
//
// CommitSnapshots writes every table's metadata file first, then runs the inserts and
// compare-and-swaps in one transaction (BEGIN … COMMIT): all tables move or none. A failed
// swap rolls back (kConflict / kNotFound as for one table); a lost connection before COMMIT is
// kUnavailable (the server aborts the transaction); a lost COMMIT is reconciled table by table
// as above (commit_reconcile.h ReconcileTransaction): all showing the commit is success, a mix
// is kDataLoss.
//
// The pointer operations CreateTable and CommitTable, which know no snapshot, reconcile a
// lost reply by reading the row: it shows the new location (current or previous) or the
// outcome stays kOutcomeUnknown.
//
// Every error but kOutcomeUnknown therefore means the commit is not visible and never will be
// (the promise of Catalog::CommitSnapshot).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "env/pg_connection.h"
#include "iceberg/catalog.h"
#include "iceberg/commit_reconcile.h"

namespace pg2iceberg::iceberg {

class SqlCatalog final : public Catalog {
 public:
  // A new session with the catalog's database (same search_path as the first one), to read a
  // table's row after the connection was lost with a commit's reply.
  using Reconnect = std::function<Result<std::unique_ptr<PgConnection>>()>;

  // Creates the catalog tables when missing and detects the iceberg_type column. `connection`
  // is borrowed: it must outlive the catalog and not be inside an open transaction.
  // `reconnect` (may be empty: then only `connection` is tried) must stay callable as long as
  // the catalog lives. kInvalidArgument for an empty or over-long catalog name.
  static Result<std::unique_ptr<SqlCatalog>> Open(PgConnection& connection,
                                                  std::string catalog_name,
                                                  Reconnect reconnect = nullptr);

  Status EnsureNamespace(const Namespace& ns) override;
  Result<std::vector<Namespace>> ListNamespaces() override;
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override;
  // metadata is always nullopt: the caller reads metadata_location from the warehouse.
  Result<LoadedTable> LoadTable(const TableIdentifier& ident) override;
  Result<TableState> CommitSnapshot(const TableState& base, const TableMetadata& new_metadata,
                                    const Snapshot& snapshot, MetadataWriter& writer) override;
  // True unless a table appears twice.
  bool CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const override;
  Result<std::vector<TableState>> CommitSnapshots(
      const std::vector<SnapshotCommit>& commits) override;
  Status DropTable(const TableIdentifier& ident) override;

  // The pointer operations CommitSnapshot is made of.
  // Registers a new table. kConflict when it already exists; kNotFound when its namespace does
  // not exist; kOutcomeUnknown when the reply was lost and the row does not show it.
  Status CreateTable(const TableIdentifier& ident, std::string_view metadata_location);
  // Compare-and-swap of the metadata location: succeeds only while the table still points at
  // `expected_metadata_location`. kConflict when it points elsewhere (someone else committed:
  // reload and redo); kNotFound when the table is gone; kOutcomeUnknown when the reply was lost
  // and the row does not show the new location.
  Status CommitTable(const TableIdentifier& ident, std::string_view expected_metadata_location,
                     std::string_view new_metadata_location);

  // Whether iceberg_tables has the iceberg_type column (V1); for tests and diagnostics.
  bool has_iceberg_type() const { return has_iceberg_type_; }

 private:
  SqlCatalog(PgConnection& connection, std::string catalog_name, bool has_iceberg_type,
             Reconnect reconnect)
      : connection_(connection),
        catalog_name_(std::move(catalog_name)),
        has_iceberg_type_(has_iceberg_type),
        reconnect_(std::move(reconnect)) {}

  // " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" on V1 catalogs, else "".
  std::string TableTypeFilter() const;
  Result<bool> NamespaceExists(const std::string& ns);
  Result<std::string> LoadMetadataLocation(const TableIdentifier& ident);
  Result<std::string> LoadMetadataLocationOn(PgConnection& connection,
                                             const TableIdentifier& ident);
  // The session from reconnect_ (opened once), for reading after connection_ failed.
  Result<PgConnection*> ReconnectedSession();
  // LoadTable on connection_, else on the reconnected session.
  Result<LoadedTable> LoadTableToReconcile(const TableIdentifier& ident);
  // Where `commit` stands after its statement lost its reply (`lost`), by commit_reconcile.h.
  Result<ReconciledTable> ReconcileOne(const SnapshotCommit& commit, const Status& lost);
  // The end of a snapshot commit whose statement lost its reply: the table as loaded when it
  // shows the commit, else UnresolvedCommit's error.
  Result<TableState> ReconcileLostCommit(const SnapshotCommit& commit, const Status& lost);
  // Writes new_metadata as version 0 (a new table) or the base's version + 1.
  static Result<std::string> WriteMetadata(const TableState& base,
                                           const TableMetadata& new_metadata,
                                           MetadataWriter& writer);
  // The statements of CreateTable and CommitTable, without reconciling a lost reply (for use
  // inside a transaction, whose COMMIT is reconciled instead), and their dispatch.
  Status InsertPointer(const TableIdentifier& ident, std::string_view metadata_location);
  Status SwapPointerRow(const TableIdentifier& ident, std::string_view expected_metadata_location,
                        std::string_view new_metadata_location);
  Status MovePointer(const TableState& base, std::string_view location);
  // After the COMMIT of CommitSnapshots lost its reply (`lost`): the tables as loaded when all
  // show the commit, else UnresolvedCommit's error (kDataLoss for a mix).
  Result<std::vector<TableState>> ReconcileLostTransaction(
      const std::vector<SnapshotCommit>& commits, const Status& lost);
  // Whether the row of `ident`, read on `connection`, shows `location` as its current or
  // previous metadata location.
  Result<bool> RowShows(PgConnection& connection, const TableIdentifier& ident,
                        std::string_view location);
  // After a statement moving `ident` to `location` lost its reply (`lost`): OK when the row
  // shows `location` (read on connection_, else on a reconnected session), else
  // kOutcomeUnknown with `lost`'s message and what was found.
  Status ReconcileLostSwap(const TableIdentifier& ident, std::string_view location,
                           const Status& lost);

  PgConnection& connection_;
  const std::string catalog_name_;
  const bool has_iceberg_type_;
  const Reconnect reconnect_;
  std::unique_ptr<PgConnection> reconnected_;  // from reconnect_, once connection_ failed
};

}  // namespace pg2iceberg::iceberg
