// Contract tests of SqlCatalog against a real Postgres (PG2ICEBERG_TEST_PG_CONNINFO; skipped
// when unset). Each test works in a fresh schema, so the catalog tables it creates are its own.
#include "iceberg/sql/sql_catalog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "env/libpq_connection.h"
#include "env/local_object_store.h"
#include "iceberg/rest/rest_test_util.h"
#include "iceberg/table_commit.h"

namespace pg2iceberg::iceberg {
namespace {

// Records the metadata files a commit asks for instead of writing them.
class RecordingMetadataWriter final : public MetadataWriter {
 public:
  Result<std::string> WriteMetadataFile(int64_t version, const TableMetadata& metadata) override {
    versions.push_back(version);
    std::string location =
        MetadataFileLocation(metadata.location, version, "f" + std::to_string(versions.size()));
    written[location] = metadata;
    return location;
  }
  Result<TableMetadata> ReadMetadataFile(const std::string& location) override {
    const auto it = written.find(location);
    if (it == written.end()) return Status::NotFound("no metadata file " + location);
    return it->second;
  }
  std::vector<int64_t> versions;
  std::map<std::string, TableMetadata> written;
};

// Forwards to a connection; the first statement containing `lose_reply_of` is run, but its
// reply is "lost": the caller gets the error a dropped connection gives. With `dead_after`, every
// later call fails as on a closed connection.
class LosingConnection final : public PgConnection {
 public:
  explicit LosingConnection(PgConnection& inner) : inner_(inner) {}
  Result<PgRows> Exec(std::string_view sql) override {
    RETURN_IF_ERROR(Alive());
    Result<PgRows> rows = inner_.Exec(sql);
    return Lose(sql, std::move(rows));
  }
  Result<PgRows> ExecParams(std::string_view sql,
                            const std::vector<std::optional<std::string>>& params) override {
    RETURN_IF_ERROR(Alive());
    Result<PgRows> rows = inner_.ExecParams(sql, params);
    return Lose(sql, std::move(rows));
  }
  Status CopyOut(std::string_view sql, const std::function<Status(ByteSpan)>& sink) override {
    return inner_.CopyOut(sql, sink);
  }
  Result<std::unique_ptr<ReplicationStream>> StartReplication(std::string_view command) override {
    return inner_.StartReplication(command);
  }
  int ServerVersion() const override { return inner_.ServerVersion(); }

  std::string lose_reply_of;
  bool dead_after = false;
  std::vector<std::string> statements;  // every statement run, in order
  int Count(std::string_view part) const {
    return static_cast<int>(
        std::count_if(statements.begin(), statements.end(),
                      [&](const std::string& sql) { return sql.find(part) != std::string::npos; }));
  }

 private:
  Status Alive() const {
    if (dead_) return Status::Unavailable("PostgreSQL: no connection to the server");
    return Status::Ok();
  }
  Result<PgRows> Lose(std::string_view sql, Result<PgRows> rows) {
    statements.emplace_back(sql);
    if (lose_reply_of.empty() || sql.find(lose_reply_of) == std::string_view::npos) return rows;
    lose_reply_of.clear();
    dead_ = dead_after;
    if (sql == "COMMIT") {
      return Status::OutcomeUnknown("connection to PostgreSQL lost during COMMIT (test)");
    }
    return Status::Unavailable(
        "connection to PostgreSQL lost: server closed the connection (test)");
  }

  PgConnection& inner_;
  bool dead_ = false;
};

const TableIdentifier kOrders{{"analytics", "pg"}, "orders"};
constexpr std::string_view kV1 = "file:///wh/analytics/pg/orders/metadata/00000-a.metadata.json";
constexpr std::string_view kV2 = "file:///wh/analytics/pg/orders/metadata/00001-b.metadata.json";

class SqlCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0') {
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    }
    PgConnectParams params;
    params.conninfo = conninfo;
    Result<std::unique_ptr<PgConnection>> connection = connector_.Connect(params);
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    pg_ = std::move(*connection);
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    schema_ = "sqlcat_" + std::to_string(getpid()) + "_" + test->name();
    Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE; CREATE SCHEMA " +
         QuoteIdentifier(schema_) + "; SET search_path TO " + QuoteIdentifier(schema_));
  }

  void TearDown() override {
    if (pg_ != nullptr) Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) + " CASCADE");
  }

  PgRows Exec(const std::string& sql) {
    Result<PgRows> rows = pg_->Exec(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
    return rows.ok() ? *rows : PgRows{};
  }

  std::unique_ptr<SqlCatalog> Open(std::string name = "pg2iceberg") {
    Result<std::unique_ptr<SqlCatalog>> catalog = SqlCatalog::Open(*pg_, std::move(name));
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog.ok() ? std::move(*catalog) : nullptr;
  }

  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_;
  std::string schema_;
};

TEST_F(SqlCatalogTest, OpenCreatesTheV1TablesOnceAndIsRepeatable) {
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  EXPECT_TRUE(catalog->has_iceberg_type());
  ASSERT_NE(Open(), nullptr);
  const PgRows columns = Exec(
      "SELECT table_name, column_name, is_nullable, character_maximum_length FROM "
      "information_schema.columns WHERE table_schema = current_schema() "
      "ORDER BY table_name, ordinal_position");
  std::vector<std::string> described;
  for (const auto& row : columns.rows)
    described.push_back(*row[0] + "." + *row[1] + " " + *row[2] + " " + *row[3]);
  EXPECT_EQ(described,
            (std::vector<std::string>{
                "iceberg_namespace_properties.catalog_name NO 255",
                "iceberg_namespace_properties.namespace NO 255",
                "iceberg_namespace_properties.property_key NO 255",
                "iceberg_namespace_properties.property_value YES 1000",
                "iceberg_tables.catalog_name NO 255", "iceberg_tables.table_namespace NO 255",
                "iceberg_tables.table_name NO 255", "iceberg_tables.metadata_location YES 1000",
                "iceberg_tables.previous_metadata_location YES 1000",
                "iceberg_tables.iceberg_type YES 5"}));
}

TEST_F(SqlCatalogTest, EnsureNamespaceWritesTheExistsPropertyOnce) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->EnsureNamespace({"analytics", "pg"}).ok());
  ASSERT_TRUE(catalog->EnsureNamespace({"analytics", "pg"}).ok());
  ASSERT_TRUE(catalog->EnsureNamespace({"raw"}).ok());
  const PgRows rows = Exec(
      "SELECT catalog_name, namespace, property_key, property_value "
      "FROM iceberg_namespace_properties ORDER BY namespace");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0], (std::vector<std::optional<std::string>>{"pg2iceberg", "analytics.pg",
                                                                   "exists", "true"}));
  Result<std::vector<Namespace>> namespaces = catalog->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<Namespace>{{"analytics", "pg"}, {"raw"}}));
}

TEST_F(SqlCatalogTest, CreateLoadListAndDrop) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->EnsureNamespace(kOrders.table_namespace).ok());
  ASSERT_TRUE(catalog->CreateTable(kOrders, kV1).ok());
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, kV1);
  const PgRows row = Exec(
      "SELECT catalog_name, table_namespace, table_name, metadata_location, "
      "previous_metadata_location, iceberg_type FROM iceberg_tables");
  ASSERT_EQ(row.rows.size(), 1u);
  EXPECT_EQ(row.rows[0],
            (std::vector<std::optional<std::string>>{"pg2iceberg", "analytics.pg", "orders",
                                                     std::string(kV1), std::nullopt, "TABLE"}));
  EXPECT_EQ(*catalog->ListTables(kOrders.table_namespace), (std::vector<TableIdentifier>{kOrders}));
  EXPECT_TRUE(catalog->ListTables({"nothing"})->empty());

  EXPECT_EQ(catalog->CreateTable(kOrders, kV2).code(), StatusCode::kConflict);
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, kV1);

  ASSERT_TRUE(catalog->DropTable(kOrders).ok());
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog->DropTable(kOrders).code(), StatusCode::kNotFound);
  // The namespace outlives its tables (it has its own row).
  EXPECT_EQ(*catalog->ListNamespaces(), (std::vector<Namespace>{kOrders.table_namespace}));
}

TEST_F(SqlCatalogTest, CreateTableNeedsAnExistingNamespace) {
  auto catalog = Open();
  EXPECT_EQ(catalog->CreateTable(kOrders, kV1).code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog->LoadTable(kOrders).status().code(), StatusCode::kNotFound);
}

TEST_F(SqlCatalogTest, CommitTableIsACompareAndSwap) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->EnsureNamespace(kOrders.table_namespace).ok());
  ASSERT_TRUE(catalog->CreateTable(kOrders, kV1).ok());
  ASSERT_TRUE(catalog->CommitTable(kOrders, kV1, kV2).ok());
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, kV2);
  const PgRows row = Exec("SELECT previous_metadata_location FROM iceberg_tables");
  EXPECT_EQ(row.rows[0][0], std::string(kV1));

  const Status stale = catalog->CommitTable(kOrders, kV1, "file:///wh/x.metadata.json");
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.ToString();
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, kV2);

  ASSERT_TRUE(catalog->DropTable(kOrders).ok());
  EXPECT_EQ(catalog->CommitTable(kOrders, kV2, kV1).code(), StatusCode::kNotFound);
}

TEST_F(SqlCatalogTest, CatalogNamesAreIsolated) {
  auto ours = Open("ours");
  auto theirs = Open("theirs");
  ASSERT_TRUE(ours->EnsureNamespace(kOrders.table_namespace).ok());
  ASSERT_TRUE(ours->CreateTable(kOrders, kV1).ok());
  EXPECT_EQ(theirs->LoadTable(kOrders).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(theirs->ListNamespaces()->empty());
  ASSERT_TRUE(theirs->EnsureNamespace(kOrders.table_namespace).ok());
  ASSERT_TRUE(theirs->CreateTable(kOrders, kV2).ok());
  EXPECT_EQ(ours->LoadTable(kOrders)->metadata_location, kV1);
}

TEST_F(SqlCatalogTest, NamespacesOfTablesWrittenByOthersAreListed) {
  auto catalog = Open();
  Exec(
      "INSERT INTO iceberg_tables VALUES ('pg2iceberg', 'legacy', 't', 'file:///m.json', NULL, "
      "NULL)");
  EXPECT_EQ(*catalog->ListNamespaces(), (std::vector<Namespace>{{"legacy"}}));
  EXPECT_EQ(catalog->LoadTable({{"legacy"}, "t"})->metadata_location,
            "file:///m.json");  // NULL type = table
  ASSERT_TRUE(catalog->CreateTable({{"legacy"}, "u"}, kV1).ok());
}

TEST_F(SqlCatalogTest, ViewsAreNotTables) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->EnsureNamespace({"ns"}).ok());
  Exec(
      "INSERT INTO iceberg_tables VALUES ('pg2iceberg', 'ns', 'v', 'file:///v.json', NULL, "
      "'VIEW')");
  EXPECT_EQ(catalog->LoadTable({{"ns"}, "v"}).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(catalog->ListTables({"ns"})->empty());
  EXPECT_EQ(catalog->CreateTable({{"ns"}, "v"}, kV1).code(), StatusCode::kConflict);
  EXPECT_EQ(catalog->CommitTable({{"ns"}, "v"}, "file:///v.json", kV1).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(catalog->DropTable({{"ns"}, "v"}).code(), StatusCode::kNotFound);
}

TEST_F(SqlCatalogTest, WorksWithAV0CatalogLackingIcebergType) {
  Exec(
      "CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, "
      "table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, "
      "metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), "
      "PRIMARY KEY (catalog_name, table_namespace, table_name))");
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  EXPECT_FALSE(catalog->has_iceberg_type());
  ASSERT_TRUE(catalog->EnsureNamespace(kOrders.table_namespace).ok());
  ASSERT_TRUE(catalog->CreateTable(kOrders, kV1).ok());
  ASSERT_TRUE(catalog->CommitTable(kOrders, kV1, kV2).ok());
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, kV2);
  EXPECT_EQ(catalog->CreateTable(kOrders, kV1).code(), StatusCode::kConflict);
  EXPECT_EQ(*catalog->ListTables(kOrders.table_namespace), (std::vector<TableIdentifier>{kOrders}));
  ASSERT_TRUE(catalog->DropTable(kOrders).ok());
}

TEST_F(SqlCatalogTest, ARowWithoutMetadataLocationIsDataLoss) {
  auto catalog = Open();
  Exec("INSERT INTO iceberg_tables VALUES ('pg2iceberg', 'ns', 't', NULL, NULL, 'TABLE')");
  EXPECT_EQ(catalog->LoadTable({{"ns"}, "t"}).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(catalog->CommitTable({{"ns"}, "t"}, kV1, kV2).code(), StatusCode::kDataLoss);
}

TEST_F(SqlCatalogTest, NamesAreParametersNotSql) {
  auto catalog = Open("it's \"quoted\"");
  const TableIdentifier odd{{"ns'; DROP TABLE iceberg_tables; --", "日本"}, "t\\x"};
  ASSERT_TRUE(catalog->EnsureNamespace(odd.table_namespace).ok());
  ASSERT_TRUE(catalog->CreateTable(odd, kV1).ok());
  EXPECT_EQ(catalog->LoadTable(odd)->metadata_location, kV1);
  EXPECT_EQ(*catalog->ListNamespaces(), (std::vector<Namespace>{odd.table_namespace}));
}

TEST_F(SqlCatalogTest, RejectsIdentifiersTheTablesCannotHold) {
  auto catalog = Open();
  EXPECT_EQ(catalog->EnsureNamespace({}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->EnsureNamespace({"a.b"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->EnsureNamespace({"a", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog->EnsureNamespace({std::string(256, 'n')}).code(), StatusCode::kInvalidArgument);
  // 255 characters of 3 bytes each fit VARCHAR(255).
  std::string wide;
  for (int i = 0; i < 255; ++i) wide += "語";
  EXPECT_TRUE(catalog->EnsureNamespace({wide}).ok());
  EXPECT_EQ(catalog->LoadTable({{"ns"}, ""}).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(catalog->EnsureNamespace({"ns"}).ok());
  EXPECT_EQ(catalog->CreateTable({{"ns"}, "t"}, std::string(1001, 'l')).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SqlCatalog::Open(*pg_, "").status().code(), StatusCode::kInvalidArgument);
}

// The metadata of `table` plus one snapshot with `id`.
TableMetadata WithSnapshot(const TableMetadata& table, int64_t id) {
  Snapshot snapshot;
  snapshot.snapshot_id = id;
  snapshot.parent_snapshot_id = table.current_snapshot_id;
  snapshot.sequence_number = table.NextSequenceNumber();
  snapshot.timestamp_ms = table.last_updated_ms;
  snapshot.manifest_list = table.location + "/metadata/snap-" + std::to_string(id) + ".avro";
  Result<TableMetadata> next = AddSnapshot(table, snapshot, "", table.last_updated_ms);
  EXPECT_TRUE(next.ok()) << next.status().ToString();
  return next.ok() ? *next : table;
}

TEST_F(SqlCatalogTest, CommitSnapshotWritesTheNextVersionAndSwaps) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->EnsureNamespace(kOrders.table_namespace).ok());
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
  Result<TableMetadata> empty = NewTableMetadata(schema, "file:///wh/analytics/pg/orders",
                                                 "9c12d441-03fe-4693-9a96-a0705ddf69c1", {}, 1000);
  ASSERT_TRUE(empty.ok());
  RecordingMetadataWriter writer;
  const TableState fresh{kOrders, *empty, ""};
  const TableMetadata first = WithSnapshot(*empty, 11);
  Result<TableState> created =
      catalog->CommitSnapshot(fresh, first, first.snapshots.back(), writer);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata, first);
  EXPECT_EQ(created->metadata_location,
            "file:///wh/analytics/pg/orders/metadata/00000-f1.metadata.json");
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, created->metadata_location);

  const TableMetadata second = WithSnapshot(first, 12);
  Result<TableState> next =
      catalog->CommitSnapshot(*created, second, second.snapshots.back(), writer);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->metadata_location,
            "file:///wh/analytics/pg/orders/metadata/00001-f2.metadata.json");
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, next->metadata_location);

  // A commit built on a base that is no longer current, or a second create, loses.
  EXPECT_EQ(
      catalog->CommitSnapshot(*created, second, second.snapshots.back(), writer).status().code(),
      StatusCode::kConflict);
  EXPECT_EQ(catalog->CommitSnapshot(fresh, first, first.snapshots.back(), writer).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(writer.versions, (std::vector<int64_t>{0, 1, 1, 0}));
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, next->metadata_location);
}

TEST_F(SqlCatalogTest, CommitSnapshotsMovesEveryTableOrNone) {
  auto catalog = Open();
  ASSERT_TRUE(catalog->EnsureNamespace(kOrders.table_namespace).ok());
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
  const TableIdentifier items{kOrders.table_namespace, "items"};
  Result<TableMetadata> orders_empty = NewTableMetadata(
      schema, "file:///wh/analytics/pg/orders", "9c12d441-03fe-4693-9a96-a0705ddf69c1", {}, 1000);
  Result<TableMetadata> items_empty = NewTableMetadata(
      schema, "file:///wh/analytics/pg/items", "1c12d441-03fe-4693-9a96-a0705ddf69c2", {}, 1000);
  ASSERT_TRUE(orders_empty.ok() && items_empty.ok());
  RecordingMetadataWriter writer;
  const TableMetadata orders1 = WithSnapshot(*orders_empty, 11);
  const TableMetadata items1 = WithSnapshot(*items_empty, 21);
  const std::vector<SnapshotCommit> creates = {
      {{kOrders, *orders_empty, ""}, orders1, orders1.snapshots.back(), &writer},
      {{items, *items_empty, ""}, items1, items1.snapshots.back(), &writer}};
  EXPECT_TRUE(catalog->CanCommitAtomically(creates));
  Result<std::vector<TableState>> created = catalog->CommitSnapshots(creates);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_EQ(created->size(), 2u);
  EXPECT_EQ(catalog->LoadTable(items)->metadata_location, (*created)[1].metadata_location);

  // The second table's base is stale: neither table moves.
  const TableMetadata orders2 = WithSnapshot(orders1, 12);
  const TableMetadata items2 = WithSnapshot(items1, 22);
  ASSERT_TRUE(
      catalog->CommitTable(items, (*created)[1].metadata_location, "file:///elsewhere.json").ok());
  const std::vector<SnapshotCommit> stale = {
      {(*created)[0], orders2, orders2.snapshots.back(), &writer},
      {(*created)[1], items2, items2.snapshots.back(), &writer}};
  EXPECT_EQ(catalog->CommitSnapshots(stale).status().code(), StatusCode::kConflict);
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, (*created)[0].metadata_location);
  EXPECT_EQ(catalog->LoadTable(items)->metadata_location, "file:///elsewhere.json");
  // The connection is usable again (the transaction was rolled back), and a fresh base commits.
  const std::vector<SnapshotCommit> fresh = {
      {(*created)[0], orders2, orders2.snapshots.back(), &writer},
      {{items, items1, "file:///wh/analytics/pg/items/metadata/00004-x.metadata.json"},
       items2,
       items2.snapshots.back(),
       &writer}};
  ASSERT_TRUE(
      catalog->CommitTable(items, "file:///elsewhere.json", fresh[1].base.metadata_location).ok());
  Result<std::vector<TableState>> moved = catalog->CommitSnapshots(fresh);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(catalog->LoadTable(kOrders)->metadata_location, (*moved)[0].metadata_location);
  EXPECT_EQ((*moved)[1].metadata_location,
            "file:///wh/analytics/pg/items/metadata/00005-f6.metadata.json");
  EXPECT_FALSE(catalog->CanCommitAtomically({fresh[0], fresh[0]}));
}

// Issue 11 item 2, SQL side: a commit whose reply was lost is reconciled by reading the row.
class SqlCatalogLostReplyTest : public SqlCatalogTest {
 protected:
  void SetUp() override {
    SqlCatalogTest::SetUp();
    if (pg_ == nullptr) return;
    losing_ = std::make_unique<LosingConnection>(*pg_);
    Result<std::unique_ptr<SqlCatalog>> catalog = SqlCatalog::Open(*losing_, "pg2iceberg");
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    ASSERT_TRUE(catalog_->EnsureNamespace(kOrders.table_namespace).ok());
    Schema schema;
    schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
    Result<TableMetadata> empty = NewTableMetadata(
        schema, "file:///wh/analytics/pg/orders", "9c12d441-03fe-4693-9a96-a0705ddf69c1", {}, 1000);
    ASSERT_TRUE(empty.ok());
    empty_ = *empty;
  }
  // Creates the table (nothing lost) and returns it.
  TableState Created() {
    const TableMetadata first = WithSnapshot(empty_, 11);
    Result<TableState> created =
        catalog_->CommitSnapshot({kOrders, empty_, ""}, first, first.snapshots.back(), writer_);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : TableState{};
  }

  std::unique_ptr<LosingConnection> losing_;
  std::unique_ptr<SqlCatalog> catalog_;
  TableMetadata empty_;
  RecordingMetadataWriter writer_;
};

TEST_F(SqlCatalogLostReplyTest, ASwapWhoseReplyWasLostIsFoundInTheRow) {
  const TableState created = Created();
  const TableMetadata second = WithSnapshot(created.metadata, 12);
  losing_->lose_reply_of = "UPDATE iceberg_tables";
  Result<TableState> next =
      catalog_->CommitSnapshot(created, second, second.snapshots.back(), writer_);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(catalog_->LoadTable(kOrders)->metadata_location, next->metadata_location);
}

TEST_F(SqlCatalogLostReplyTest, ACreateWhoseReplyWasLostIsFoundInTheRow) {
  const TableMetadata first = WithSnapshot(empty_, 11);
  losing_->lose_reply_of = "INSERT INTO iceberg_tables";
  Result<TableState> created =
      catalog_->CommitSnapshot({kOrders, empty_, ""}, first, first.snapshots.back(), writer_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(catalog_->LoadTable(kOrders)->metadata_location, created->metadata_location);
}

TEST_F(SqlCatalogLostReplyTest, ATransactionWhoseCommitReplyWasLostIsFoundInTheRows) {
  const TableState created = Created();
  const TableMetadata second = WithSnapshot(created.metadata, 12);
  losing_->lose_reply_of = "COMMIT";
  Result<std::vector<TableState>> moved =
      catalog_->CommitSnapshots({{created, second, second.snapshots.back(), &writer_}});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(catalog_->LoadTable(kOrders)->metadata_location, (*moved)[0].metadata_location);
}

TEST_F(SqlCatalogLostReplyTest, ALostSwapTheRowDoesNotShowStaysUnknown) {
  const TableState created = Created();
  // The compare-and-swap runs but matches nothing (another base); its reply is lost. The row
  // at the old location proves nothing (a lost session may still commit): unknown.
  losing_->lose_reply_of = "UPDATE iceberg_tables";
  const Status status =
      catalog_->CommitTable(kOrders, "file:///not/the/base.json", "file:///x.json");
  EXPECT_EQ(status.code(), StatusCode::kOutcomeUnknown) << status.ToString();
  EXPECT_NE(status.message().find("does not point at file:///x.json"), std::string::npos)
      << status.message();
  EXPECT_EQ(catalog_->LoadTable(kOrders)->metadata_location, created.metadata_location);
}

TEST_F(SqlCatalogLostReplyTest, AClosedConnectionIsReconciledOnANewSession) {
  const TableState created = Created();
  int reconnects = 0;
  SqlCatalog::Reconnect reconnect = [&]() -> Result<std::unique_ptr<PgConnection>> {
    ++reconnects;
    PgConnectParams params;
    params.conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> fresh, connector_.Connect(params));
    RETURN_IF_ERROR(fresh->Exec("SET search_path TO " + QuoteIdentifier(schema_)).status());
    return fresh;
  };
  Result<std::unique_ptr<SqlCatalog>> catalog =
      SqlCatalog::Open(*losing_, "pg2iceberg", std::move(reconnect));
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  const TableMetadata second = WithSnapshot(created.metadata, 12);
  losing_->lose_reply_of = "UPDATE iceberg_tables";
  losing_->dead_after = true;
  Result<TableState> next =
      (*catalog)->CommitSnapshot(created, second, second.snapshots.back(), writer_);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(reconnects, 1);
  const PgRows row = Exec("SELECT metadata_location FROM iceberg_tables");
  ASSERT_EQ(row.rows.size(), 1u);
  EXPECT_EQ(row.rows[0][0], next->metadata_location);
}

TEST_F(SqlCatalogLostReplyTest, ALostSwapWhileTheTableMovedElsewhereIsAConflict) {
  const TableState created = Created();
  // Another writer commits on top; our stale compare-and-swap then matches nothing and its
  // reply is lost. The row points at a metadata file without our snapshot: the swap can never
  // apply, which is proof enough to remove our files (kConflict), not an unknown outcome.
  const TableMetadata theirs = WithSnapshot(created.metadata, 21);
  ASSERT_TRUE(catalog_->CommitSnapshot(created, theirs, theirs.snapshots.back(), writer_).ok());
  const TableMetadata ours = WithSnapshot(created.metadata, 22);
  losing_->lose_reply_of = "UPDATE iceberg_tables";
  Result<TableState> next = catalog_->CommitSnapshot(created, ours, ours.snapshots.back(), writer_);
  EXPECT_EQ(next.status().code(), StatusCode::kConflict) << next.status().ToString();
  EXPECT_NE(next.status().message().find("neither the base"), std::string::npos)
      << next.status().message();
}

TEST_F(SqlCatalogLostReplyTest, ASwapLostAfterALaterCommitOnTopIsStillFound) {
  const TableState created = Created();
  const TableMetadata ours = WithSnapshot(created.metadata, 12);
  losing_->lose_reply_of = "UPDATE iceberg_tables";
  // The reconciliation reads the row only after another writer committed on top of ours: our
  // snapshot is then the parent of the current one.
  Result<TableState> next = catalog_->CommitSnapshot(created, ours, ours.snapshots.back(), writer_);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  const TableMetadata theirs = WithSnapshot(next->metadata, 13);
  ASSERT_TRUE(catalog_->CommitSnapshot(*next, theirs, theirs.snapshots.back(), writer_).ok());
  const TableMetadata again = WithSnapshot(created.metadata, 12);
  // Reconciling the same lost commit now (the row is two commits on) still finds snapshot 12.
  Result<ReconciledTable> found = ReconcileLoaded(
      created, again.snapshots.back(), Status::OutcomeUnknown("lost"), catalog_->LoadTable(kOrders),
      [&](const std::string& location) { return writer_.ReadMetadataFile(location); });
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->outcome, CommitOutcome::kCommitted);
}

// The committer over the SQL catalog: the compare-and-swap commits but its reply is lost. The
// commit is reported as a success after reconciliation — not retried, its files kept.
TEST_F(SqlCatalogLostReplyTest, ATableCommitWhoseReplyWasLostSucceedsAndKeepsItsFiles) {
  char pattern[] = "/tmp/pg2i-sql-lost-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  SeededRandom random(5);
  ManualClock clock;
  auto store = LocalObjectStore::Open(dir, random);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
  Result<TableMetadata> empty =
      NewTableMetadata(schema, (*store)->Location("analytics/pg/orders"), random.UuidV4String(), {},
                       clock.NowMicros() / 1000);
  ASSERT_TRUE(empty.ok());
  CommitServices services{**store, *catalog_, random, clock};
  DataFile file;
  file.file_path = (*store)->Location("analytics/pg/orders/data/a.parquet");
  file.record_count = 3;
  file.file_size_in_bytes = 10;
  Result<TableState> created =
      CommitSnapshot(services, {kOrders, *empty, ""}, {file}, CommitMode::kAppend, {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  losing_->lose_reply_of = "UPDATE iceberg_tables";
  file.file_path = (*store)->Location("analytics/pg/orders/data/b.parquet");
  Result<TableState> next = CommitSnapshot(services, *created, {file}, CommitMode::kAppend, {});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(losing_->Count("UPDATE iceberg_tables"), 1);  // not sent again
  EXPECT_EQ(catalog_->LoadTable(kOrders)->metadata_location, next->metadata_location);
  const Snapshot* head = next->metadata.CurrentSnapshot();
  ASSERT_NE(head, nullptr);
  for (const std::string& location : {next->metadata_location, head->manifest_list}) {
    EXPECT_TRUE((*store)->Get(*(*store)->KeyForLocation(location)).ok()) << location;
  }
  EXPECT_EQ(head->summary.at("total-data-files"), "2");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
