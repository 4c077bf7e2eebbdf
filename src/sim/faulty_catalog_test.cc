// FaultyCatalog: the same seed gives the same faults, a failed-before call never reaches the
// inner catalog, a lost reply is kOutcomeUnknown whether or not the commit applied, counts and
// reports, and no draws without faults. Its transparency (no faults) is checked by the Catalog
// contract in memory_catalog_test.cc.
#include "sim/faulty_catalog.h"

#include <gtest/gtest.h>

#include "iceberg/catalog_contract.h"
#include "sim/memory_catalog.h"

// Only the suite's helpers are used here; the suite runs in memory_catalog_test.cc.
namespace pg2iceberg::iceberg {
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CatalogContractTest);
}  // namespace pg2iceberg::iceberg

namespace pg2iceberg::sim {
namespace {

using iceberg::ContractCommit;
using iceberg::TableIdentifier;
using iceberg::TableState;

const TableIdentifier kTable{{"ns"}, "t"};

TableState NewTable() {
  return iceberg::NewContractTable(kTable, "mem://wh/ns/t", "6a1f3c1e-0b7d-4f53-9a43-000000000001");
}

class FaultyCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(inner_.EnsureNamespace({"ns"}).ok()); }

  // A FaultyCatalog over inner_ with `plan`, recording what it reports.
  std::unique_ptr<FaultyCatalog> Faulty(CatalogFaultPlan plan, uint64_t seed = 1) {
    plan.on_fault = [this](const InjectedCatalogFault& fault) { reported_.push_back(fault); };
    random_ = std::make_unique<SeededRandom>(seed);
    return std::make_unique<FaultyCatalog>(inner_, *random_, std::move(plan));
  }
  Status Create(iceberg::Catalog& catalog, int64_t id) {
    const ContractCommit commit = iceberg::NextContractCommit(NewTable(), id);
    return catalog.CommitSnapshot(commit.base, commit.next, commit.snapshot, writer_).status();
  }

  MemoryCatalogState state_;
  MemoryCatalog inner_{state_};
  iceberg::ContractMetadataWriter writer_;
  std::unique_ptr<SeededRandom> random_;
  std::vector<InjectedCatalogFault> reported_;
};

// Which of 200 LoadTable calls fail, as a string of '.' and 'x'.
std::string LoadPattern(FaultyCatalog& catalog) {
  std::string pattern;
  for (int i = 0; i < 200; ++i) {
    const StatusCode code = catalog.LoadTable(kTable).status().code();
    EXPECT_TRUE(code == StatusCode::kNotFound || code == StatusCode::kUnavailable);
    pattern += code == StatusCode::kUnavailable ? 'x' : '.';
  }
  return pattern;
}

TEST_F(FaultyCatalogTest, TheSameSeedGivesTheSameFaults) {
  const CatalogFaultPlan plan{.load_table = {.fail_before = 0.3}};
  const std::string first = LoadPattern(*Faulty(plan, 42));
  EXPECT_EQ(LoadPattern(*Faulty(plan, 42)), first);
  EXPECT_NE(LoadPattern(*Faulty(plan, 43)), first);
  const auto failures = std::count(first.begin(), first.end(), 'x');
  EXPECT_GT(failures, 30);
  EXPECT_LT(failures, 90);
}

TEST_F(FaultyCatalogTest, FailedBeforeReachesNothingOnEveryMethod) {
  const CallFaults always{.fail_before = 1};
  const CommitFaults commit_always{.fail_before = 1};
  auto faulty =
      Faulty({always, always, always, always, commit_always, commit_always, always, always});
  EXPECT_EQ(faulty->EnsureNamespace({"other"}).code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty->ListNamespaces().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty->ListTables({"ns"}).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty->LoadTable(kTable).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(Create(*faulty, 1).code(), StatusCode::kUnavailable);
  const ContractCommit commit = iceberg::NextContractCommit(NewTable(), 1);
  EXPECT_EQ(faulty->CommitSnapshots({{commit.base, commit.next, commit.snapshot, &writer_}})
                .status()
                .code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(faulty->DropTable(kTable).code(), StatusCode::kUnavailable);
  EXPECT_EQ(faulty->NewTableStorageConfig(NewTable()).status().code(), StatusCode::kUnavailable);
  // Nothing reached the inner catalog: no namespace, no table, no metadata file.
  EXPECT_EQ(*inner_.ListNamespaces(), (std::vector<iceberg::Namespace>{{"ns"}}));
  EXPECT_EQ(inner_.LoadTable(kTable).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(writer_.versions().empty());
  EXPECT_EQ(faulty->InjectedCount(CatalogFault::kFailedBefore), 8u);
  EXPECT_EQ(faulty->InjectedCount(CatalogFault::kReplyLost), 0u);
  for (size_t m = 0; m < kCatalogMethodCount; ++m) {
    EXPECT_EQ(faulty->InjectedCount(static_cast<CatalogMethod>(m), CatalogFault::kFailedBefore), 1u)
        << CatalogMethodName(static_cast<CatalogMethod>(m));
  }
  ASSERT_EQ(reported_.size(), 8u);
  EXPECT_EQ(reported_[3].method, CatalogMethod::kLoadTable);
  EXPECT_EQ(reported_[3].target, "ns.t");
}

TEST_F(FaultyCatalogTest, ALostReplyThatReachedTheCatalogIsAppliedButUnknown) {
  auto faulty = Faulty({.commit_snapshot = {.lose_reply = 1, .lost_request_reaches_inner = 1}});
  const Status lost = Create(*faulty, 1);
  EXPECT_EQ(lost.code(), StatusCode::kOutcomeUnknown) << lost.ToString();
  EXPECT_TRUE(iceberg::CommitMayHaveApplied(lost));
  // The commit is in the inner catalog: reconciling through LoadTable finds it.
  Result<iceberg::LoadedTable> loaded = faulty->LoadTable(kTable);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(writer_.ReadMetadataFile(loaded->metadata_location)->current_snapshot_id, 1);
  // A resend is refused (the table exists), and its reply is lost too.
  EXPECT_EQ(Create(*faulty, 1).code(), StatusCode::kOutcomeUnknown);
  EXPECT_EQ(faulty->InjectedCount(CatalogMethod::kCommitSnapshot, CatalogFault::kReplyLost), 2u);
  ASSERT_EQ(reported_.size(), 2u);
  EXPECT_TRUE(reported_[0].reached_inner);
  EXPECT_EQ(reported_[0].fault, CatalogFault::kReplyLost);
}

TEST_F(FaultyCatalogTest, ALostReplyThatNeverReachedTheCatalogAppliesNothing) {
  auto faulty = Faulty({.commit_snapshot = {.lose_reply = 1, .lost_request_reaches_inner = 0}});
  EXPECT_EQ(Create(*faulty, 1).code(), StatusCode::kOutcomeUnknown);
  EXPECT_EQ(inner_.LoadTable(kTable).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(writer_.versions().empty());
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_FALSE(reported_[0].reached_inner);
}

TEST_F(FaultyCatalogTest, ALostMultiTableReplyMovesEveryTableOrNone) {
  auto faulty = Faulty({.commit_snapshots = {.lose_reply = 1, .lost_request_reaches_inner = 1}});
  const ContractCommit t = iceberg::NextContractCommit(NewTable(), 1);
  TableState u_base = iceberg::NewContractTable({{"ns"}, "u"}, "mem://wh/ns/u",
                                                "6a1f3c1e-0b7d-4f53-9a43-000000000002");
  const ContractCommit u = iceberg::NextContractCommit(u_base, 2);
  const Status lost = faulty
                          ->CommitSnapshots({{t.base, t.next, t.snapshot, &writer_},
                                             {u.base, u.next, u.snapshot, &writer_}})
                          .status();
  EXPECT_EQ(lost.code(), StatusCode::kOutcomeUnknown) << lost.ToString();
  EXPECT_TRUE(inner_.LoadTable(kTable).ok());
  EXPECT_TRUE(inner_.LoadTable(u_base.ident).ok());
  EXPECT_EQ(faulty->InjectedCount(CatalogMethod::kCommitSnapshots, CatalogFault::kReplyLost), 1u);
}

TEST_F(FaultyCatalogTest, InnerErrorsPassThroughAndNoFaultsDrawNothing) {
  auto faulty = Faulty({});
  ASSERT_TRUE(Create(*faulty, 1).ok());
  EXPECT_EQ(Create(*faulty, 2).code(), StatusCode::kConflict);
  EXPECT_EQ(faulty->LoadTable({{"ns"}, "none"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(faulty->InjectedCount(CatalogFault::kFailedBefore) +
                faulty->InjectedCount(CatalogFault::kReplyLost),
            0u);
  // Probabilities 0 and 1 draw nothing: the sequence is where a fresh one starts.
  auto certain = Faulty({.load_table = {.fail_before = 1}}, 5);
  EXPECT_EQ(certain->LoadTable(kTable).status().code(), StatusCode::kUnavailable);
  SeededRandom fresh(5);
  EXPECT_EQ(random_->Next64(), fresh.Next64());
}

TEST_F(FaultyCatalogTest, LostRepliesFollowTheirProbability) {
  auto faulty =
      Faulty({.commit_snapshot = {.lose_reply = 0.25, .lost_request_reaches_inner = 0}}, 9);
  int lost = 0;
  for (int i = 0; i < 400; ++i) {
    const Status status = Create(*faulty, 1);  // never reaches: always a fresh create
    if (status.code() == StatusCode::kOutcomeUnknown) {
      ++lost;
    } else {
      ASSERT_TRUE(status.ok()) << status.ToString();
      ASSERT_TRUE(inner_.DropTable(kTable).ok());
    }
  }
  EXPECT_EQ(static_cast<uint64_t>(lost), faulty->InjectedCount(CatalogFault::kReplyLost));
  EXPECT_GT(lost, 60);
  EXPECT_LT(lost, 140);
}

}  // namespace
}  // namespace pg2iceberg::sim
