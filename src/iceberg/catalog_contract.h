// The Catalog contract (catalog.h) as a typed GoogleTest suite, run against every
// implementation: the real ones (SqlCatalog on Postgres, RestCatalog on the Apache Iceberg REST
// test server) and the simulator's (MemoryCatalog, FaultyCatalog with no faults). A fake that
// passes it behaves like the real catalogs wherever they agree; where they differ, CatalogQuirks
// names the difference and each catalog's answer is pinned.
//
// Instantiate with a harness type per catalog:
//
//   struct Harness {
//     static constexpr CatalogQuirks kQuirks = {...};
//     void Open();            // a fresh catalog; fails the test (ASSERT/FAIL) if it cannot
//     Catalog& catalog();     // one process's catalog object
//     Catalog& other();       // a second object on the same catalog (another process), usable
//                             // from another thread at the same time as catalog()
//     std::string root();     // a namespace name prefix no other test (or process) uses
//     std::string warehouse();  // where tables may put their files (no trailing '/')
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Name, CatalogContractTest, ::testing::Types<Harness>);
//
// The harness is constructed per test and destroyed after it (drop schemas there). Metadata
// files of pointer catalogs go to an in-memory MetadataWriter of the suite.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/check.h"
#include "env/tasks.h"
#include "iceberg/catalog.h"

namespace pg2iceberg::iceberg {

// Where the real catalogs differ. The defaults are SqlCatalog's (and MemoryCatalog's).
struct CatalogQuirks {
  // LoadTable serves the current metadata (REST); otherwise only its location (SQL), and the
  // caller reads the metadata file.
  bool serves_metadata = false;
  // The catalog writes the metadata file itself and never calls the commit's MetadataWriter
  // (REST); otherwise it writes version 0 for a create and the base's version + 1 through it.
  bool writes_own_metadata = false;
  // EnsureNamespace of a nested namespace creates its missing parents too, and ListNamespaces
  // then lists them (REST); otherwise only the namespace itself exists (SQL).
  bool creates_parent_namespaces = false;
  // A multi-table commit that creates a table is not atomic (REST: the server loads every
  // table of a transaction); otherwise creates can be part of one (SQL).
  bool atomic_commits_exclude_creates = false;
  // A create in a namespace that does not exist succeeds (the Apache Iceberg REST test server
  // on its JDBC store), against catalog.h, which asks for kNotFound (SQL does so).
  bool creates_tables_in_missing_namespaces = false;
};

inline constexpr CatalogQuirks kRestQuirks = {.serves_metadata = true,
                                              .writes_own_metadata = true,
                                              .creates_parent_namespaces = true,
                                              .atomic_commits_exclude_creates = true,
                                              .creates_tables_in_missing_namespaces = true};

// Records metadata files in memory instead of writing them. Thread-safe.
class ContractMetadataWriter final : public MetadataWriter {
 public:
  Result<std::string> WriteMetadataFile(int64_t version, const TableMetadata& metadata) override {
    std::lock_guard<std::mutex> lock(mu_);
    versions_.push_back(version);
    std::string location =
        MetadataFileLocation(metadata.location, version, "w" + std::to_string(versions_.size()));
    written_[location] = metadata;
    return location;
  }
  Result<TableMetadata> ReadMetadataFile(const std::string& location) override {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = written_.find(location);
    if (it == written_.end()) return Status::NotFound("no metadata file " + location);
    return it->second;
  }
  // The versions asked for, in order.
  std::vector<int64_t> versions() {
    std::lock_guard<std::mutex> lock(mu_);
    return versions_;
  }

 private:
  std::mutex mu_;
  std::vector<int64_t> versions_;
  std::map<std::string, TableMetadata> written_;
};

// A commit the suite builds: the base, and the base plus one snapshot.
struct ContractCommit {
  TableState base;
  TableMetadata next;
  Snapshot snapshot;
};

// Timestamps are fixed (no clock), moved past a catalog's own where it sets them.
inline constexpr int64_t kContractStartMs = 1'700'000'000'000;

// A table not in the catalog yet: two columns, no snapshot.
inline TableState NewContractTable(const TableIdentifier& ident, const std::string& location,
                                   const std::string& uuid) {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   {2, "v", false, Type::Primitive(TypeId::kString), ""}};
  Result<TableMetadata> metadata =
      NewTableMetadata(schema, location, uuid, {{"owner", "pg2iceberg"}}, kContractStartMs);
  CHECK(metadata.ok());
  return {ident, *metadata, ""};
}

// `base` plus snapshot `id` (its manifest list need not exist: no catalog reads it).
inline ContractCommit NextContractCommit(const TableState& base, int64_t id) {
  Snapshot snapshot;
  snapshot.snapshot_id = id;
  snapshot.parent_snapshot_id = base.metadata.current_snapshot_id;
  snapshot.sequence_number = base.metadata.NextSequenceNumber();
  snapshot.timestamp_ms = MonotonicTimestampMs(base.metadata, kContractStartMs + id);
  snapshot.manifest_list =
      base.metadata.location + "/metadata/snap-" + std::to_string(id) + ".avro";
  snapshot.operation = "append";
  snapshot.schema_id = base.metadata.current_schema_id;
  Result<TableMetadata> next =
      AddSnapshot(base.metadata, snapshot, base.metadata_location, snapshot.timestamp_ms);
  CHECK(next.ok());
  return {base, *next, snapshot};
}

template <typename Harness>
class CatalogContractTest : public ::testing::Test {
 protected:
  static constexpr CatalogQuirks kQuirks = Harness::kQuirks;
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(harness_.Open());
    catalog_ = &harness_.catalog();
  }

  Namespace Ns(const std::string& name) { return {harness_.root() + "_" + name}; }
  TableIdentifier Table(const std::string& ns, const std::string& name) { return {Ns(ns), name}; }

  // A table not in the catalog yet, with a uuid unique to the test.
  TableState NewTable(const TableIdentifier& ident) {
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "6a1f3c1e-0b7d-4f53-9a43-%012d", ++tables_made_);
    return NewContractTable(
        ident, harness_.warehouse() + "/" + ident.table_namespace[0] + "/" + ident.name, uuid);
  }
  static ContractCommit Next(const TableState& base, int64_t id) {
    return NextContractCommit(base, id);
  }

  Result<TableState> Commit(Catalog& catalog, const ContractCommit& commit) {
    return catalog.CommitSnapshot(commit.base, commit.next, commit.snapshot, writer_);
  }
  Result<TableState> Commit(const ContractCommit& commit) { return Commit(*catalog_, commit); }
  SnapshotCommit Part(const ContractCommit& commit) {
    return {commit.base, commit.next, commit.snapshot, &writer_};
  }

  // Creates `ident` (its namespace too) with snapshot `id`; fails the test if it cannot.
  void Create(const TableIdentifier& ident, int64_t id, TableState* out) {
    ASSERT_TRUE(catalog_->EnsureNamespace(ident.table_namespace).ok());
    Result<TableState> created = Commit(Next(NewTable(ident), id));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    *out = std::move(*created);
  }

  // The table's current metadata as a reader finds it: served, or read from the file.
  Result<TableMetadata> Current(const TableIdentifier& ident) {
    ASSIGN_OR_RETURN(LoadedTable loaded, catalog_->LoadTable(ident));
    EXPECT_EQ(loaded.metadata.has_value(), kQuirks.serves_metadata);
    if (loaded.metadata.has_value()) return std::move(*loaded.metadata);
    return writer_.ReadMetadataFile(loaded.metadata_location);
  }
  // The current snapshot id, or -1 for no table (-2 for any other error: the test fails).
  int64_t CurrentSnapshotId(const TableIdentifier& ident) {
    Result<TableMetadata> current = Current(ident);
    if (current.status().code() == StatusCode::kNotFound) return -1;
    EXPECT_TRUE(current.ok()) << current.status().ToString();
    if (!current.ok()) return -2;
    return current->current_snapshot_id.value_or(0);
  }
  std::string LoadedLocation(const TableIdentifier& ident) {
    Result<LoadedTable> loaded = catalog_->LoadTable(ident);
    return loaded.ok() ? loaded->metadata_location : "<" + loaded.status().ToString() + ">";
  }

  // This test's namespaces of ListNamespaces (it lists every test's, on a shared server).
  std::vector<Namespace> OwnNamespaces(bool* sorted) {
    Result<std::vector<Namespace>> listed = catalog_->ListNamespaces();
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    if (!listed.ok()) return {};
    *sorted = std::is_sorted(listed->begin(), listed->end());
    std::vector<Namespace> own;
    for (const Namespace& ns : *listed) {
      if (!ns.empty() && ns[0].starts_with(harness_.root() + "_")) own.push_back(ns);
    }
    return own;
  }

  Harness harness_;
  Catalog* catalog_ = nullptr;
  ContractMetadataWriter writer_;
  int tables_made_ = 0;
};

TYPED_TEST_SUITE_P(CatalogContractTest);

TYPED_TEST_P(CatalogContractTest, NamespacesAreIdempotentAndListedSorted) {
  Catalog& catalog = *this->catalog_;
  ASSERT_TRUE(catalog.EnsureNamespace(this->Ns("b")).ok());
  ASSERT_TRUE(catalog.EnsureNamespace(this->Ns("b")).ok());
  ASSERT_TRUE(catalog.EnsureNamespace(this->Ns("a")).ok());
  Namespace nested = this->Ns("n");
  nested.push_back("inner");
  ASSERT_TRUE(catalog.EnsureNamespace(nested).ok());
  bool sorted = false;
  std::vector<Namespace> expected = {this->Ns("a"), this->Ns("b")};
  if (this->kQuirks.creates_parent_namespaces) expected.push_back(this->Ns("n"));
  expected.push_back(nested);
  EXPECT_EQ(this->OwnNamespaces(&sorted), expected);
  EXPECT_TRUE(sorted);
  // The other catalog object sees them too.
  Result<std::vector<Namespace>> other = this->harness_.other().ListNamespaces();
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_NE(std::find(other->begin(), other->end(), nested), other->end());
}

TYPED_TEST_P(CatalogContractTest, ListTablesIsSortedAndEmptyForAnEmptyOrMissingNamespace) {
  Catalog& catalog = *this->catalog_;
  ASSERT_TRUE(catalog.EnsureNamespace(this->Ns("empty")).ok());
  EXPECT_EQ(catalog.ListTables(this->Ns("empty"))->size(), 0u);
  EXPECT_EQ(catalog.ListTables(this->Ns("missing"))->size(), 0u);
  TableState state;
  for (const char* name : {"zeta", "alpha", "mid"}) {
    ASSERT_NO_FATAL_FAILURE(this->Create(this->Table("t", name), 1, &state));
  }
  ASSERT_NO_FATAL_FAILURE(this->Create(this->Table("other", "x"), 1, &state));
  Result<std::vector<TableIdentifier>> tables = catalog.ListTables(this->Ns("t"));
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(*tables,
            (std::vector<TableIdentifier>{this->Table("t", "alpha"), this->Table("t", "mid"),
                                          this->Table("t", "zeta")}));
}

TYPED_TEST_P(CatalogContractTest, LoadAndDropOfAMissingTableAreNotFound) {
  ASSERT_TRUE(this->catalog_->EnsureNamespace(this->Ns("t")).ok());
  EXPECT_EQ(this->catalog_->LoadTable(this->Table("t", "none")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(this->catalog_->DropTable(this->Table("t", "none")).code(), StatusCode::kNotFound);
  EXPECT_EQ(this->catalog_->LoadTable(this->Table("missing", "none")).status().code(),
            StatusCode::kNotFound);
}

// catalog.h: a create needs its namespace. Not so on the REST test server (CatalogQuirks).
TYPED_TEST_P(CatalogContractTest, CreateInAMissingNamespaceIsNotFound) {
  const TableIdentifier ident = this->Table("missing", "t");
  const Status created = this->Commit(this->Next(this->NewTable(ident), 1)).status();
  if (this->kQuirks.creates_tables_in_missing_namespaces) {
    EXPECT_TRUE(created.ok()) << created.ToString();
    EXPECT_EQ(this->CurrentSnapshotId(ident), 1);
    return;
  }
  EXPECT_EQ(created.code(), StatusCode::kNotFound) << created.ToString();
  EXPECT_EQ(this->catalog_->LoadTable(ident).status().code(), StatusCode::kNotFound);
}

TYPED_TEST_P(CatalogContractTest, CreateThenCommitOnTop) {
  const TableIdentifier ident = this->Table("t", "orders");
  TableState created;
  ASSERT_NO_FATAL_FAILURE(this->Create(ident, 101, &created));
  EXPECT_EQ(created.ident, ident);
  EXPECT_EQ(created.metadata.current_snapshot_id, 101);
  EXPECT_EQ(this->LoadedLocation(ident), created.metadata_location);
  EXPECT_EQ(this->CurrentSnapshotId(ident), 101);

  Result<TableState> next = this->Commit(this->Next(created, 102));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_NE(next->metadata_location, created.metadata_location);
  EXPECT_EQ(next->metadata.snapshots.size(), 2u);
  EXPECT_EQ(next->metadata.table_uuid, created.metadata.table_uuid);
  EXPECT_EQ(this->LoadedLocation(ident), next->metadata_location);
  EXPECT_EQ(this->CurrentSnapshotId(ident), 102);
  Result<TableMetadata> current = this->Current(ident);
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->snapshots.size(), 2u);
  const auto owner = current->properties.find("owner");
  ASSERT_NE(owner, current->properties.end());
  EXPECT_EQ(owner->second, "pg2iceberg");
  // Pointer catalogs write version 0, then 1, through the commit's writer; REST writes itself.
  const std::vector<int64_t> expected_versions =
      this->kQuirks.writes_own_metadata ? std::vector<int64_t>{} : std::vector<int64_t>{0, 1};
  EXPECT_EQ(this->writer_.versions(), expected_versions);
  // Another catalog object on the same catalog sees the commit.
  Result<LoadedTable> seen = this->harness_.other().LoadTable(ident);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->metadata_location, next->metadata_location);
}

TYPED_TEST_P(CatalogContractTest, CommitOnAStaleBaseConflictsAndShowsNothing) {
  const TableIdentifier ident = this->Table("t", "orders");
  TableState created;
  ASSERT_NO_FATAL_FAILURE(this->Create(ident, 101, &created));
  Result<TableState> next = this->Commit(this->Next(created, 102));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  const Status stale = this->Commit(this->Next(created, 103)).status();
  EXPECT_EQ(stale.code(), StatusCode::kConflict) << stale.ToString();
  EXPECT_EQ(this->LoadedLocation(ident), next->metadata_location);
  EXPECT_EQ(this->CurrentSnapshotId(ident), 102);
  Result<TableMetadata> current = this->Current(ident);
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->SnapshotById(103), nullptr);
}

TYPED_TEST_P(CatalogContractTest, CreateOfAnExistingTableConflicts) {
  const TableIdentifier ident = this->Table("t", "orders");
  TableState created;
  ASSERT_NO_FATAL_FAILURE(this->Create(ident, 101, &created));
  // Another writer's create (another uuid) of the same name.
  const Status again = this->Commit(this->Next(this->NewTable(ident), 201)).status();
  EXPECT_EQ(again.code(), StatusCode::kConflict) << again.ToString();
  EXPECT_EQ(this->LoadedLocation(ident), created.metadata_location);
  Result<TableMetadata> current = this->Current(ident);
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->table_uuid, created.metadata.table_uuid);
  EXPECT_EQ(current->current_snapshot_id, 101);
}

// Two processes commit onto the same base at the same time: exactly one wins, the other is told
// kConflict, and the table shows the winner. The same for two creates of one table.
TYPED_TEST_P(CatalogContractTest, ExactlyOneOfTwoConcurrentCommitsWins) {
  const TableIdentifier ident = this->Table("t", "orders");
  TableState created;
  ASSERT_NO_FATAL_FAILURE(this->Create(ident, 101, &created));
  Catalog* catalogs[2] = {this->catalog_, &this->harness_.other()};
  const ContractCommit commits[2] = {this->Next(created, 201), this->Next(created, 202)};
  const TableIdentifier fresh = this->Table("t", "fresh");
  const ContractCommit creates[2] = {this->Next(this->NewTable(fresh), 301),
                                     this->Next(this->NewTable(fresh), 302)};
  for (const ContractCommit* race : {commits, creates}) {
    std::vector<std::function<Status()>> work;
    for (int i = 0; i < 2; ++i) {
      work.push_back([&, i] { return this->Commit(*catalogs[i], race[i]).status(); });
    }
    const std::vector<Status> results = ThreadTasks().RunAll(std::move(work));
    const int winner = results[0].ok() ? 0 : 1;
    EXPECT_TRUE(results[winner].ok()) << results[winner].ToString();
    EXPECT_EQ(results[1 - winner].code(), StatusCode::kConflict) << results[1 - winner].ToString();
    EXPECT_EQ(this->CurrentSnapshotId(race[0].base.ident), race[winner].snapshot.snapshot_id);
  }
}

TYPED_TEST_P(CatalogContractTest, MultiTableCommitMovesAllTablesOrNone) {
  TableState t, u;
  ASSERT_NO_FATAL_FAILURE(this->Create(this->Table("t", "t"), 101, &t));
  ASSERT_NO_FATAL_FAILURE(this->Create(this->Table("t", "u"), 201, &u));
  const std::vector<SnapshotCommit> both = {this->Part(this->Next(t, 102)),
                                            this->Part(this->Next(u, 202))};
  ASSERT_TRUE(this->catalog_->CanCommitAtomically(both));
  Result<std::vector<TableState>> moved = this->catalog_->CommitSnapshots(both);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  ASSERT_EQ(moved->size(), 2u);
  EXPECT_EQ((*moved)[0].ident, t.ident);
  EXPECT_EQ((*moved)[0].metadata.current_snapshot_id, 102);
  EXPECT_EQ((*moved)[1].metadata.current_snapshot_id, 202);
  EXPECT_EQ(this->CurrentSnapshotId(t.ident), 102);
  EXPECT_EQ(this->CurrentSnapshotId(u.ident), 202);

  // u moves on alone; a multi-table commit still built on the old u moves neither table.
  ASSERT_TRUE(this->Commit(this->Next((*moved)[1], 203)).ok());
  const std::vector<SnapshotCommit> stale = {this->Part(this->Next((*moved)[0], 103)),
                                             this->Part(this->Next((*moved)[1], 204))};
  ASSERT_TRUE(this->catalog_->CanCommitAtomically(stale));
  const Status conflict = this->catalog_->CommitSnapshots(stale).status();
  EXPECT_EQ(conflict.code(), StatusCode::kConflict) << conflict.ToString();
  EXPECT_EQ(this->CurrentSnapshotId(t.ident), 102);
  EXPECT_EQ(this->CurrentSnapshotId(u.ident), 203);
}

TYPED_TEST_P(CatalogContractTest, MultiTableCommitOfCreates) {
  TableState t;
  ASSERT_NO_FATAL_FAILURE(this->Create(this->Table("t", "t"), 101, &t));
  const TableIdentifier u = this->Table("t", "u"), v = this->Table("t", "v");
  const std::vector<SnapshotCommit> creates = {this->Part(this->Next(this->NewTable(u), 201)),
                                               this->Part(this->Next(this->NewTable(v), 301))};
  if (this->kQuirks.atomic_commits_exclude_creates) {
    EXPECT_FALSE(this->catalog_->CanCommitAtomically(creates));
    EXPECT_EQ(this->catalog_->CommitSnapshots(creates).status().code(),
              StatusCode::kInvalidArgument);
    EXPECT_EQ(this->CurrentSnapshotId(u), -1);
    return;
  }
  ASSERT_TRUE(this->catalog_->CanCommitAtomically(creates));
  // A set with a create of an existing table (t) moves nothing.
  const std::vector<SnapshotCommit> clash = {this->Part(this->Next(this->NewTable(u), 202)),
                                             this->Part(this->Next(this->NewTable(t.ident), 102))};
  const Status conflict = this->catalog_->CommitSnapshots(clash).status();
  EXPECT_EQ(conflict.code(), StatusCode::kConflict) << conflict.ToString();
  EXPECT_EQ(this->CurrentSnapshotId(u), -1);
  EXPECT_EQ(this->CurrentSnapshotId(t.ident), 101);

  Result<std::vector<TableState>> made = this->catalog_->CommitSnapshots(creates);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(this->CurrentSnapshotId(u), 201);
  EXPECT_EQ(this->CurrentSnapshotId(v), 301);
}

TYPED_TEST_P(CatalogContractTest, AMultiTableCommitNamingATableTwiceIsRefused) {
  TableState t;
  ASSERT_NO_FATAL_FAILURE(this->Create(this->Table("t", "t"), 101, &t));
  const std::vector<SnapshotCommit> twice = {this->Part(this->Next(t, 102)),
                                             this->Part(this->Next(t, 103))};
  EXPECT_FALSE(this->catalog_->CanCommitAtomically(twice));
  EXPECT_EQ(this->catalog_->CommitSnapshots(twice).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->CurrentSnapshotId(t.ident), 101);
}

TYPED_TEST_P(CatalogContractTest, DropUnregistersTheTable) {
  const TableIdentifier ident = this->Table("t", "orders");
  TableState created;
  ASSERT_NO_FATAL_FAILURE(this->Create(ident, 101, &created));
  ASSERT_TRUE(this->catalog_->DropTable(ident).ok());
  EXPECT_EQ(this->catalog_->LoadTable(ident).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(this->harness_.other().LoadTable(ident).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(this->catalog_->ListTables(ident.table_namespace)->size(), 0u);
  EXPECT_EQ(this->catalog_->DropTable(ident).code(), StatusCode::kNotFound);
  // A commit onto the dropped table finds nothing; a new create under the name succeeds.
  const Status gone = this->Commit(this->Next(created, 102)).status();
  EXPECT_EQ(gone.code(), StatusCode::kNotFound) << gone.ToString();
  ASSERT_TRUE(this->Commit(this->Next(this->NewTable(ident), 201)).ok());
  EXPECT_EQ(this->CurrentSnapshotId(ident), 201);
}

REGISTER_TYPED_TEST_SUITE_P(CatalogContractTest, NamespacesAreIdempotentAndListedSorted,
                            ListTablesIsSortedAndEmptyForAnEmptyOrMissingNamespace,
                            LoadAndDropOfAMissingTableAreNotFound,
                            CreateInAMissingNamespaceIsNotFound, CreateThenCommitOnTop,
                            CommitOnAStaleBaseConflictsAndShowsNothing,
                            CreateOfAnExistingTableConflicts, ExactlyOneOfTwoConcurrentCommitsWins,
                            MultiTableCommitMovesAllTablesOrNone, MultiTableCommitOfCreates,
                            AMultiTableCommitNamingATableTwiceIsRefused, DropUnregistersTheTable);

}  // namespace pg2iceberg::iceberg
