// FaultyCatalog: a decorator that injects the failures of a real catalog into calls to any
// other Catalog, drawn from a seeded Random so that one seed replays the same faults (the
// simulator's catalog is FaultyCatalog over MemoryCatalog; docs/simulation.md). The pattern is
// env/faulty_object_store.h's.
//
// Two kinds of fault, each with a probability per method:
// - kFailedBefore (every method): the call returns kUnavailable without reaching the inner
//   catalog, as a refused connection would. For a commit that is a promise kept: nothing of it
//   is visible, ever.
// - kReplyLost (CommitSnapshot, CommitSnapshots): the request is sent and its answer lost, and
//   the catalog's reconciling reload failed too: the call returns kOutcomeUnknown, as
//   SqlCatalog and RestCatalog do then (iceberg/commit_reconcile.h, docs/commit.md). A second
//   draw decides whether the request reached the inner catalog (which then applies it, or
//   refuses it as it would anyway) or was lost on the way. Either way the caller learns
//   nothing, and must reconcile through LoadTable before it removes any file.
// An inner error of a call that was not faulted is returned as it is.
//
// Every injected fault is counted per method and kind, and reported to on_fault, so a test can
// check that its probes reach each fault. A probability of 0 or 1 draws nothing from the
// Random (a catalog with no faults leaves the caller's random sequence untouched).
// CanCommitAtomically is pure and never fails by injection.
//
// Not thread-safe, like every Catalog. Borrows `inner` and `random`, which must outlive it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "env/random.h"
#include "iceberg/catalog.h"

namespace pg2iceberg::sim {

enum class CatalogMethod {
  kEnsureNamespace,
  kListNamespaces,
  kListTables,
  kLoadTable,
  kCommitSnapshot,
  kCommitSnapshots,
  kDropTable,
  kNewTableStorageConfig,
};
inline constexpr size_t kCatalogMethodCount = 8;

enum class CatalogFault { kFailedBefore, kReplyLost };
inline constexpr size_t kCatalogFaultCount = 2;

std::string_view CatalogMethodName(CatalogMethod method);
std::string_view CatalogFaultName(CatalogFault fault);

struct InjectedCatalogFault {
  CatalogMethod method;
  CatalogFault fault;
  // The table (the first one of CommitSnapshots; "" for none) or namespace the call named.
  std::string target;
  // kReplyLost: whether the request reached the inner catalog (it then applied, or refused, the
  // commit as it would have anyway).
  bool reached_inner = false;
};

// Probabilities in [0, 1] (CHECKed).
struct CallFaults {
  double fail_before = 0;
};
struct CommitFaults {
  double fail_before = 0;
  // Of the calls that do not fail before.
  double lose_reply = 0;
  // Of the lost replies: the request reached the inner catalog.
  double lost_request_reaches_inner = 0.5;
};

struct CatalogFaultPlan {
  CallFaults ensure_namespace;
  CallFaults list_namespaces;
  CallFaults list_tables;
  CallFaults load_table;
  CommitFaults commit_snapshot;
  CommitFaults commit_snapshots;
  CallFaults drop_table;
  CallFaults new_table_storage_config;
  // Called after each injected fault (it may call the catalog).
  std::function<void(const InjectedCatalogFault&)> on_fault;
};

class FaultyCatalog final : public iceberg::Catalog {
 public:
  FaultyCatalog(iceberg::Catalog& inner, Random& random, CatalogFaultPlan plan);

  Status EnsureNamespace(const iceberg::Namespace& ns) override;
  Result<std::vector<iceberg::Namespace>> ListNamespaces() override;
  Result<std::vector<iceberg::TableIdentifier>> ListTables(const iceberg::Namespace& ns) override;
  Result<iceberg::LoadedTable> LoadTable(const iceberg::TableIdentifier& ident) override;
  Result<iceberg::TableState> CommitSnapshot(const iceberg::TableState& base,
                                             const iceberg::TableMetadata& new_metadata,
                                             const iceberg::Snapshot& snapshot,
                                             iceberg::MetadataWriter& writer) override;
  bool CanCommitAtomically(const std::vector<iceberg::SnapshotCommit>& commits) const override {
    return inner_.CanCommitAtomically(commits);
  }
  Result<std::vector<iceberg::TableState>> CommitSnapshots(
      const std::vector<iceberg::SnapshotCommit>& commits) override;
  Status DropTable(const iceberg::TableIdentifier& ident) override;
  Result<iceberg::StorageConfig> NewTableStorageConfig(
      const iceberg::TableState& new_table) override;

  // How many faults of `fault` were injected into `method` calls so far.
  uint64_t InjectedCount(CatalogMethod method, CatalogFault fault) const;
  // The same summed over methods.
  uint64_t InjectedCount(CatalogFault fault) const;

 private:
  // Draws whether a call fails before the inner catalog; records and returns the fault if so.
  Status MaybeFailBefore(CatalogMethod method, double probability, const std::string& target);
  // Draws whether a commit's reply is lost; if so, whether the request reaches the inner
  // catalog (`apply` runs it, its answer dropped), and returns the fault. OK: not lost, the
  // caller runs the commit itself.
  Status MaybeLoseReply(CatalogMethod method, const CommitFaults& faults, const std::string& target,
                        const std::function<void()>& apply);
  Status Record(const InjectedCatalogFault& fault);

  iceberg::Catalog& inner_;
  Random& random_;
  const CatalogFaultPlan plan_;
  std::array<std::array<uint64_t, kCatalogFaultCount>, kCatalogMethodCount> counts_{};
};

}  // namespace pg2iceberg::sim
