#include "sim/faulty_catalog.h"

#include "base/check.h"

namespace pg2iceberg::sim {
namespace {

using iceberg::LoadedTable;
using iceberg::Namespace;
using iceberg::SnapshotCommit;
using iceberg::StorageConfig;
using iceberg::TableIdentifier;
using iceberg::TableState;
using Method = CatalogMethod;

void CheckProbability(double probability) { CHECK(probability >= 0 && probability <= 1); }

std::string FirstTable(const std::vector<SnapshotCommit>& commits) {
  return commits.empty() ? "" : commits.front().base.ident.ToString();
}

}  // namespace

std::string_view CatalogMethodName(CatalogMethod method) {
  switch (method) {
    case Method::kEnsureNamespace:
      return "EnsureNamespace";
    case Method::kListNamespaces:
      return "ListNamespaces";
    case Method::kListTables:
      return "ListTables";
    case Method::kLoadTable:
      return "LoadTable";
    case Method::kCommitSnapshot:
      return "CommitSnapshot";
    case Method::kCommitSnapshots:
      return "CommitSnapshots";
    case Method::kDropTable:
      return "DropTable";
    case Method::kNewTableStorageConfig:
      return "NewTableStorageConfig";
  }
  return "?";
}

std::string_view CatalogFaultName(CatalogFault fault) {
  return fault == CatalogFault::kFailedBefore ? "failed before" : "reply lost";
}

FaultyCatalog::FaultyCatalog(iceberg::Catalog& inner, Random& random, CatalogFaultPlan plan)
    : inner_(inner), random_(random), plan_(std::move(plan)) {
  for (const CallFaults& call :
       {plan_.ensure_namespace, plan_.list_namespaces, plan_.list_tables, plan_.load_table,
        plan_.drop_table, plan_.new_table_storage_config}) {
    CheckProbability(call.fail_before);
  }
  for (const CommitFaults& commit : {plan_.commit_snapshot, plan_.commit_snapshots}) {
    CheckProbability(commit.fail_before);
    CheckProbability(commit.lose_reply);
    CheckProbability(commit.lost_request_reaches_inner);
  }
}

Status FaultyCatalog::EnsureNamespace(const Namespace& ns) {
  RETURN_IF_ERROR(MaybeFailBefore(Method::kEnsureNamespace, plan_.ensure_namespace.fail_before,
                                  iceberg::NamespaceToString(ns)));
  return inner_.EnsureNamespace(ns);
}

Result<std::vector<Namespace>> FaultyCatalog::ListNamespaces() {
  RETURN_IF_ERROR(MaybeFailBefore(Method::kListNamespaces, plan_.list_namespaces.fail_before, ""));
  return inner_.ListNamespaces();
}

Result<std::vector<TableIdentifier>> FaultyCatalog::ListTables(const Namespace& ns) {
  RETURN_IF_ERROR(MaybeFailBefore(Method::kListTables, plan_.list_tables.fail_before,
                                  iceberg::NamespaceToString(ns)));
  return inner_.ListTables(ns);
}

Result<LoadedTable> FaultyCatalog::LoadTable(const TableIdentifier& ident) {
  RETURN_IF_ERROR(
      MaybeFailBefore(Method::kLoadTable, plan_.load_table.fail_before, ident.ToString()));
  return inner_.LoadTable(ident);
}

Result<TableState> FaultyCatalog::CommitSnapshot(const TableState& base,
                                                 const iceberg::TableMetadata& new_metadata,
                                                 const iceberg::Snapshot& snapshot,
                                                 iceberg::MetadataWriter& writer) {
  const CommitFaults& faults = plan_.commit_snapshot;
  const std::string target = base.ident.ToString();
  RETURN_IF_ERROR(MaybeFailBefore(Method::kCommitSnapshot, faults.fail_before, target));
  RETURN_IF_ERROR(MaybeLoseReply(Method::kCommitSnapshot, faults, target, [&] {
    inner_.CommitSnapshot(base, new_metadata, snapshot, writer).status().IgnoreError();
  }));
  return inner_.CommitSnapshot(base, new_metadata, snapshot, writer);
}

Result<std::vector<TableState>> FaultyCatalog::CommitSnapshots(
    const std::vector<SnapshotCommit>& commits) {
  const CommitFaults& faults = plan_.commit_snapshots;
  const std::string target = FirstTable(commits);
  RETURN_IF_ERROR(MaybeFailBefore(Method::kCommitSnapshots, faults.fail_before, target));
  RETURN_IF_ERROR(MaybeLoseReply(Method::kCommitSnapshots, faults, target,
                                 [&] { inner_.CommitSnapshots(commits).status().IgnoreError(); }));
  return inner_.CommitSnapshots(commits);
}

Status FaultyCatalog::DropTable(const TableIdentifier& ident) {
  RETURN_IF_ERROR(
      MaybeFailBefore(Method::kDropTable, plan_.drop_table.fail_before, ident.ToString()));
  return inner_.DropTable(ident);
}

Result<StorageConfig> FaultyCatalog::NewTableStorageConfig(const TableState& new_table) {
  RETURN_IF_ERROR(MaybeFailBefore(Method::kNewTableStorageConfig,
                                  plan_.new_table_storage_config.fail_before,
                                  new_table.ident.ToString()));
  return inner_.NewTableStorageConfig(new_table);
}

uint64_t FaultyCatalog::InjectedCount(CatalogMethod method, CatalogFault fault) const {
  return counts_[static_cast<size_t>(method)][static_cast<size_t>(fault)];
}

uint64_t FaultyCatalog::InjectedCount(CatalogFault fault) const {
  uint64_t total = 0;
  for (const auto& per_fault : counts_) total += per_fault[static_cast<size_t>(fault)];
  return total;
}

Status FaultyCatalog::MaybeFailBefore(CatalogMethod method, double probability,
                                      const std::string& target) {
  if (!DrawWithProbability(random_, probability)) return Status::Ok();
  return Record({method, CatalogFault::kFailedBefore, target});
}

Status FaultyCatalog::MaybeLoseReply(CatalogMethod method, const CommitFaults& faults,
                                     const std::string& target,
                                     const std::function<void()>& apply) {
  if (!DrawWithProbability(random_, faults.lose_reply)) return Status::Ok();
  const bool reaches_inner = DrawWithProbability(random_, faults.lost_request_reaches_inner);
  if (reaches_inner) apply();
  return Record({method, CatalogFault::kReplyLost, target, reaches_inner});
}

Status FaultyCatalog::Record(const InjectedCatalogFault& fault) {
  ++counts_[static_cast<size_t>(fault.method)][static_cast<size_t>(fault.fault)];
  if (plan_.on_fault) plan_.on_fault(fault);
  std::string message = "injected fault: " + std::string(CatalogMethodName(fault.method)) +
                        " of \"" + fault.target + "\" " +
                        std::string(CatalogFaultName(fault.fault));
  if (fault.fault == CatalogFault::kFailedBefore) return Status::Unavailable(std::move(message));
  // What the real catalogs say when the reply is lost and the reconciling reload failed too.
  return Status::OutcomeUnknown(std::move(message) +
                                " and the reload to reconcile failed; the commit's files are kept");
}

}  // namespace pg2iceberg::sim
