// Contract tests of RestCatalog against a real Iceberg REST catalog (PG2ICEBERG_TEST_REST_URI,
// with PG2ICEBERG_TEST_REST_WAREHOUSE a file:// directory the server may write to; skipped when
// unset). scripts/with_rest_catalog.py provides both. Each test works in its own namespace.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "env/curl_http_transport.h"
#include "env/live_test_util.h"
#include "env/real_clock.h"
#include "iceberg/rest/rest_catalog.h"

namespace pg2iceberg::iceberg {
namespace {

class NullMetadataWriter final : public MetadataWriter {
 public:
  Result<std::string> WriteMetadataFile(int64_t, const TableMetadata&) override {
    return Status::Internal("a REST commit must not write metadata files");
  }
  Result<TableMetadata> ReadMetadataFile(const std::string&) override {
    return Status::Internal("a REST catalog serves its metadata");
  }
};

class RestCatalogLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LiveRestCatalog server;
    ASSERT_NO_FATAL_FAILURE(FindLiveRestCatalog(&server));
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    ns_ = {"live_" + std::to_string(getpid()) + "_" + test->name()};
    location_ = server.warehouse + "/" + ns_[0] + "/t";
    RestCatalogOptions options;
    options.uri = server.uri;
    Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options, http_, clock_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    ASSERT_TRUE(catalog_->EnsureNamespace(ns_).ok());
  }

  TableMetadata EmptyTable() {
    Schema schema;
    schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                     {2, "v", false, Type::Primitive(TypeId::kString), ""}};
    schema.identifier_field_ids = {1};
    Result<TableMetadata> metadata =
        NewTableMetadata(schema, location_, "6a1f3c1e-0b7d-4f53-9a43-8d2b1f0c9e77",
                         {{"owner", "pg2iceberg"}}, clock_.NowMicros() / 1000);
    CHECK(metadata.ok());
    return *metadata;
  }

  // base plus snapshot `id` (its manifest list need not exist: the catalog does not read it).
  std::pair<TableMetadata, Snapshot> Next(const TableMetadata& base, int64_t id) {
    Snapshot snapshot;
    snapshot.snapshot_id = id;
    snapshot.parent_snapshot_id = base.current_snapshot_id;
    snapshot.sequence_number = base.NextSequenceNumber();
    snapshot.timestamp_ms = MonotonicTimestampMs(base, clock_.NowMicros() / 1000);
    snapshot.manifest_list = location_ + "/metadata/snap-" + std::to_string(id) + ".avro";
    snapshot.operation = "overwrite";
    snapshot.schema_id = base.current_schema_id;
    Result<TableMetadata> next = AddSnapshot(base, snapshot, "", snapshot.timestamp_ms);
    CHECK(next.ok());
    return {*next, snapshot};
  }

  CurlHttpTransport http_;
  RealClock clock_;
  NullMetadataWriter writer_;
  std::unique_ptr<RestCatalog> catalog_;
  Namespace ns_;
  std::string location_;
};

TEST_F(RestCatalogLiveTest, NamespacesAreIdempotentAndListed) {
  ASSERT_TRUE(catalog_->EnsureNamespace(ns_).ok());
  Result<std::vector<Namespace>> namespaces = catalog_->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_NE(std::find(namespaces->begin(), namespaces->end(), ns_), namespaces->end());
  Namespace nested = {ns_[0] + "_outer", "inner"};
  ASSERT_TRUE(catalog_->EnsureNamespace(nested).ok());
  namespaces = catalog_->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_NE(std::find(namespaces->begin(), namespaces->end(), nested), namespaces->end());
  EXPECT_TRUE(catalog_->ListTables(ns_)->empty());
  EXPECT_TRUE(catalog_->ListTables({"no_such_namespace_anywhere"})->empty());
}

TEST_F(RestCatalogLiveTest, CreateCommitConflictAndDrop) {
  const TableIdentifier ident{ns_, "t"};
  EXPECT_EQ(catalog_->LoadTable(ident).status().code(), StatusCode::kNotFound);
  const TableMetadata empty = EmptyTable();
  const auto [first, first_snapshot] = Next(empty, 101);
  Result<TableState> created =
      catalog_->CommitSnapshot({ident, empty, ""}, first, first_snapshot, writer_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata.table_uuid, empty.table_uuid);
  EXPECT_EQ(created->metadata.location, location_);
  EXPECT_EQ(created->metadata.current_snapshot_id, 101);
  EXPECT_EQ(*created->metadata.CurrentSchema(), *empty.CurrentSchema());
  EXPECT_EQ(created->metadata.properties.at("owner"), "pg2iceberg");

  Result<LoadedTable> loaded = catalog_->LoadTable(ident);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, created->metadata_location);
  EXPECT_EQ(*loaded->metadata, created->metadata);
  EXPECT_EQ(*catalog_->ListTables(ns_), (std::vector<TableIdentifier>{ident}));

  // Creating it again loses: the table exists.
  EXPECT_EQ(
      catalog_->CommitSnapshot({ident, empty, ""}, first, first_snapshot, writer_).status().code(),
      StatusCode::kConflict);

  const auto [second, second_snapshot] = Next(created->metadata, 102);
  Result<TableState> next = catalog_->CommitSnapshot(*created, second, second_snapshot, writer_);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->metadata.snapshots.size(), 2u);
  EXPECT_NE(next->metadata_location, created->metadata_location);

  // A commit built on the first state is stale now.
  const auto [stale, stale_snapshot] = Next(created->metadata, 103);
  const Status conflict =
      catalog_->CommitSnapshot(*created, stale, stale_snapshot, writer_).status();
  EXPECT_EQ(conflict.code(), StatusCode::kConflict) << conflict.ToString();
  EXPECT_EQ(catalog_->LoadTable(ident)->metadata_location, next->metadata_location);

  ASSERT_TRUE(catalog_->DropTable(ident).ok());
  EXPECT_EQ(catalog_->LoadTable(ident).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->DropTable(ident).code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog_->CommitSnapshot(*next, stale, stale_snapshot, writer_).status().code(),
            StatusCode::kNotFound);
}

// The server lists POST /v1/{prefix}/transactions/commit; two existing tables move together,
// and a transaction with one stale table moves neither.
TEST_F(RestCatalogLiveTest, TransactionCommitsTwoExistingTablesTogether) {
  ASSERT_TRUE(catalog_->offers_transactions());
  const TableIdentifier t{ns_, "t"}, u{ns_, "u"};
  const TableMetadata t_empty = EmptyTable();
  TableMetadata u_empty = t_empty;
  u_empty.location = location_ + "_u";
  u_empty.table_uuid = "0b1f3c1e-0b7d-4f53-9a43-8d2b1f0c9e78";
  const auto [t1, t1_snapshot] = Next(t_empty, 201);
  const auto [u1, u1_snapshot] = Next(u_empty, 301);
  // New tables cannot be part of a transaction on this server: they are created one by one.
  EXPECT_FALSE(catalog_->CanCommitAtomically({{{t, t_empty, ""}, t1, t1_snapshot, &writer_},
                                              {{u, u_empty, ""}, u1, u1_snapshot, &writer_}}));
  Result<TableState> t_state = catalog_->CommitSnapshot({t, t_empty, ""}, t1, t1_snapshot, writer_);
  ASSERT_TRUE(t_state.ok()) << t_state.status().ToString();
  Result<TableState> u_state = catalog_->CommitSnapshot({u, u_empty, ""}, u1, u1_snapshot, writer_);
  ASSERT_TRUE(u_state.ok()) << u_state.status().ToString();

  const auto [t2, t2_snapshot] = Next(t_state->metadata, 202);
  const auto [u2, u2_snapshot] = Next(u_state->metadata, 302);
  const std::vector<SnapshotCommit> both = {{*t_state, t2, t2_snapshot, &writer_},
                                            {*u_state, u2, u2_snapshot, &writer_}};
  ASSERT_TRUE(catalog_->CanCommitAtomically(both));
  Result<std::vector<TableState>> moved = catalog_->CommitSnapshots(both);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  ASSERT_EQ(moved->size(), 2u);
  EXPECT_EQ((*moved)[0].metadata.current_snapshot_id, 202);
  EXPECT_EQ((*moved)[1].metadata.current_snapshot_id, 302);
  EXPECT_EQ(catalog_->LoadTable(t)->metadata->current_snapshot_id, 202);
  EXPECT_EQ(catalog_->LoadTable(u)->metadata->current_snapshot_id, 302);

  // u moves on alone; a transaction still built on the old u fails and t stays where it is.
  const auto [u3, u3_snapshot] = Next((*moved)[1].metadata, 303);
  ASSERT_TRUE(catalog_->CommitSnapshot((*moved)[1], u3, u3_snapshot, writer_).ok());
  const auto [t3, t3_snapshot] = Next((*moved)[0].metadata, 203);
  const auto [u4, u4_snapshot] = Next((*moved)[1].metadata, 304);
  const Status stale = catalog_
                           ->CommitSnapshots({{(*moved)[0], t3, t3_snapshot, &writer_},
                                              {(*moved)[1], u4, u4_snapshot, &writer_}})
                           .status();
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.ToString();
  EXPECT_EQ(catalog_->LoadTable(t)->metadata->current_snapshot_id, 202);
  EXPECT_EQ(catalog_->LoadTable(u)->metadata->current_snapshot_id, 303);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
