// MemoryCatalog against the Catalog contract (iceberg/catalog_contract.h), alone and under a
// FaultyCatalog with no faults (transparent), plus the checks by which it is stricter than the
// real catalogs. The real catalogs run the same suite in sql_catalog_contract_test.cc and
// rest_catalog_contract_test.cc.
#include "sim/memory_catalog.h"

#include "iceberg/catalog_contract.h"
#include "sim/faulty_catalog.h"

namespace pg2iceberg::sim {
namespace {

using iceberg::CatalogContractTest;
using iceberg::CatalogQuirks;
using iceberg::ContractCommit;
using iceberg::TableIdentifier;
using iceberg::TableState;

// Two views of one state (two processes on one catalog); with `kFaulty`, each under a
// FaultyCatalog with no faults, through which every call goes unchanged.
template <bool kFaulty>
class SimHarness {
 public:
  static constexpr CatalogQuirks kQuirks = {};

  void Open() {}
  iceberg::Catalog& catalog() { return View(0); }
  iceberg::Catalog& other() { return View(1); }
  std::string root() { return "c"; }
  std::string warehouse() { return "mem://wh"; }

 private:
  iceberg::Catalog& View(int i) {
    if (kFaulty) return faulty_[i];
    return views_[i];
  }

  MemoryCatalogState state_;
  MemoryCatalog views_[2]{MemoryCatalog(state_), MemoryCatalog(state_)};
  SeededRandom randoms_[2]{SeededRandom(7), SeededRandom(8)};
  FaultyCatalog faulty_[2]{FaultyCatalog(views_[0], randoms_[0], {}),
                           FaultyCatalog(views_[1], randoms_[1], {})};
};
using MemoryHarness = SimHarness<false>;
using TransparentFaultyHarness = SimHarness<true>;

}  // namespace
}  // namespace pg2iceberg::sim

namespace pg2iceberg::iceberg {
using SimCatalogs = ::testing::Types<sim::MemoryHarness, sim::TransparentFaultyHarness>;
INSTANTIATE_TYPED_TEST_SUITE_P(SimCatalogContract, CatalogContractTest, SimCatalogs);
}  // namespace pg2iceberg::iceberg

namespace pg2iceberg::sim {
namespace {

ContractCommit Next(const TableState& base, int64_t id) {
  return iceberg::NextContractCommit(base, id);
}

class MemoryCatalogStrictnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(catalog_.EnsureNamespace({"ns"}).ok());
    base_ = iceberg::NewContractTable({{"ns"}, "t"}, "mem://wh/ns/t",
                                      "6a1f3c1e-0b7d-4f53-9a43-000000000001");
  }
  Status CommitStatus(const TableState& base, const iceberg::TableMetadata& next,
                      const iceberg::Snapshot& snapshot) {
    return catalog_.CommitSnapshot(base, next, snapshot, writer_).status();
  }

  MemoryCatalogState state_;
  MemoryCatalog catalog_{state_};
  iceberg::ContractMetadataWriter writer_;
  TableState base_;
};

TEST_F(MemoryCatalogStrictnessTest, RefusesMetadataThatIsNotTheBasePlusTheSnapshot) {
  ContractCommit commit = Next(base_, 1);
  iceberg::TableMetadata other_uuid = commit.next;
  other_uuid.table_uuid = "0b1f3c1e-0b7d-4f53-9a43-8d2b1f0c9e78";
  EXPECT_EQ(CommitStatus(base_, other_uuid, commit.snapshot).code(), StatusCode::kInvalidArgument);
  iceberg::TableMetadata not_head = commit.next;
  not_head.current_snapshot_id = std::nullopt;
  EXPECT_EQ(CommitStatus(base_, not_head, commit.snapshot).code(), StatusCode::kInvalidArgument);
  iceberg::TableMetadata main_elsewhere = commit.next;
  main_elsewhere.refs.clear();
  EXPECT_EQ(CommitStatus(base_, main_elsewhere, commit.snapshot).code(),
            StatusCode::kInvalidArgument);
  iceberg::Snapshot other_snapshot = commit.snapshot;
  other_snapshot.snapshot_id = 2;
  EXPECT_EQ(CommitStatus(base_, commit.next, other_snapshot).code(), StatusCode::kInvalidArgument);
  // Nothing was written, nothing created.
  EXPECT_TRUE(writer_.versions().empty());
  EXPECT_EQ(catalog_.LoadTable(base_.ident).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(CommitStatus(base_, commit.next, commit.snapshot).ok());
}

TEST_F(MemoryCatalogStrictnessTest, RefusesABaseWhoseMetadataIsNotTheOneHeld) {
  const ContractCommit create = Next(base_, 1);
  Result<TableState> created =
      catalog_.CommitSnapshot(base_, create.next, create.snapshot, writer_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  // The right location, but the metadata of before the create.
  TableState wrong = base_;
  wrong.metadata_location = created->metadata_location;
  const ContractCommit commit = Next(wrong, 2);
  EXPECT_EQ(CommitStatus(wrong, commit.next, commit.snapshot).code(), StatusCode::kInvalidArgument);
}

TEST_F(MemoryCatalogStrictnessTest, RefusesNamesTheSqlCatalogCannotStore) {
  EXPECT_EQ(catalog_.EnsureNamespace({}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.EnsureNamespace({"a.b"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.EnsureNamespace({"a", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.EnsureNamespace({std::string(256, 'n')}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.LoadTable({{"ns"}, ""}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(catalog_.LoadTable({{"ns"}, std::string(256, 't')}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(MemoryCatalogStrictnessTest, NestedNamespacesCreateNoParents) {
  ASSERT_TRUE(catalog_.EnsureNamespace({"a", "b"}).ok());
  EXPECT_EQ(*catalog_.ListNamespaces(), (std::vector<iceberg::Namespace>{{"a", "b"}, {"ns"}}));
}

TEST_F(MemoryCatalogStrictnessTest, ServesMetadataOnlyWhenAsked) {
  const ContractCommit commit = Next(base_, 1);
  ASSERT_TRUE(CommitStatus(base_, commit.next, commit.snapshot).ok());
  EXPECT_FALSE(catalog_.LoadTable(base_.ident)->metadata.has_value());
  MemoryCatalog serving(state_, MemoryCatalogOptions{.serve_metadata = true});
  Result<iceberg::LoadedTable> loaded = serving.LoadTable(base_.ident);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->metadata.has_value());
  EXPECT_EQ(*loaded->metadata, commit.next);
}

}  // namespace
}  // namespace pg2iceberg::sim
