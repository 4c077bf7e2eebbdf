#include "env/faulty_object_store.h"

#include "base/check.h"
#include "env/object_key.h"

namespace pg2iceberg {
namespace {

using Op = ObjectStoreOperation;

void CheckProbability(double probability) { CHECK(probability >= 0 && probability <= 1); }

// A fault is injected only where a real store would do I/O; a bad key fails before that.
bool AllValid(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    if (!ValidateObjectKey(key).ok()) return false;
  }
  return true;
}

}  // namespace

std::string_view ObjectStoreOperationName(ObjectStoreOperation operation) {
  switch (operation) {
    case Op::kPut:
      return "Put";
    case Op::kGet:
      return "Get";
    case Op::kGetRange:
      return "GetRange";
    case Op::kHead:
      return "Head";
    case Op::kList:
      return "List";
    case Op::kDelete:
      return "Delete";
  }
  return "?";
}

std::string_view ObjectStoreFaultName(ObjectStoreFault fault) {
  return fault == ObjectStoreFault::kFailedBefore ? "failed before" : "reply lost";
}

FaultyObjectStore::FaultyObjectStore(ObjectStore& inner, Random& random, ObjectStoreFaultPlan plan)
    : inner_(inner), random_(random), plan_(std::move(plan)) {
  for (const WriteFaults& write : {plan_.put, plan_.delete_objects}) {
    CheckProbability(write.fail_before);
    CheckProbability(write.lose_reply);
  }
  for (const ReadFaults& read : {plan_.get, plan_.get_range, plan_.head, plan_.list}) {
    CheckProbability(read.fail_before);
  }
}

Status FaultyObjectStore::Put(std::string_view key, ByteSpan data, const PutOptions& options) {
  if (!ValidateObjectKey(key).ok()) return inner_.Put(key, data, options);
  RETURN_IF_ERROR(MaybeFailBefore(Op::kPut, plan_.put.fail_before, key));
  RETURN_IF_ERROR(inner_.Put(key, data, options));
  return MaybeLoseReply(Op::kPut, plan_.put.lose_reply, key);
}

Result<Bytes> FaultyObjectStore::Get(std::string_view key) {
  if (ValidateObjectKey(key).ok()) {
    RETURN_IF_ERROR(MaybeFailBefore(Op::kGet, plan_.get.fail_before, key));
  }
  return inner_.Get(key);
}

Result<Bytes> FaultyObjectStore::GetRange(std::string_view key, uint64_t offset, uint64_t length) {
  if (ValidateObjectKey(key).ok()) {
    RETURN_IF_ERROR(MaybeFailBefore(Op::kGetRange, plan_.get_range.fail_before, key));
  }
  return inner_.GetRange(key, offset, length);
}

Result<ObjectInfo> FaultyObjectStore::Head(std::string_view key) {
  if (ValidateObjectKey(key).ok()) {
    RETURN_IF_ERROR(MaybeFailBefore(Op::kHead, plan_.head.fail_before, key));
  }
  return inner_.Head(key);
}

Result<std::vector<ObjectInfo>> FaultyObjectStore::List(std::string_view prefix) {
  if (ValidateListPrefix(prefix).ok()) {
    RETURN_IF_ERROR(MaybeFailBefore(Op::kList, plan_.list.fail_before, prefix));
  }
  return inner_.List(prefix);
}

Status FaultyObjectStore::Delete(const std::vector<std::string>& keys) {
  if (!AllValid(keys)) return inner_.Delete(keys);
  const std::string_view first = keys.empty() ? std::string_view() : keys.front();
  RETURN_IF_ERROR(MaybeFailBefore(Op::kDelete, plan_.delete_objects.fail_before, first));
  RETURN_IF_ERROR(inner_.Delete(keys));
  return MaybeLoseReply(Op::kDelete, plan_.delete_objects.lose_reply, first);
}

uint64_t FaultyObjectStore::InjectedCount(ObjectStoreOperation operation,
                                          ObjectStoreFault fault) const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_[static_cast<size_t>(operation)][static_cast<size_t>(fault)];
}

uint64_t FaultyObjectStore::InjectedCount(ObjectStoreFault fault) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& per_fault : counts_) total += per_fault[static_cast<size_t>(fault)];
  return total;
}

Status FaultyObjectStore::MaybeFailBefore(ObjectStoreOperation operation, double probability,
                                          std::string_view key) {
  if (!Draw(probability)) return Status::Ok();
  return Record(operation, ObjectStoreFault::kFailedBefore, key);
}

Status FaultyObjectStore::MaybeLoseReply(ObjectStoreOperation operation, double probability,
                                         std::string_view key) {
  if (!Draw(probability)) return Status::Ok();
  return Record(operation, ObjectStoreFault::kReplyLost, key);
}

bool FaultyObjectStore::Draw(double probability) {
  std::lock_guard<std::mutex> lock(mu_);
  return DrawWithProbability(random_, probability);
}

Status FaultyObjectStore::Record(ObjectStoreOperation operation, ObjectStoreFault fault,
                                 std::string_view key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[static_cast<size_t>(operation)][static_cast<size_t>(fault)];
  }
  InjectedObjectStoreFault injected{operation, fault, std::string(key)};
  if (plan_.on_fault) plan_.on_fault(injected);
  return Status::Unavailable("injected fault: " + std::string(ObjectStoreOperationName(operation)) +
                             " of \"" + injected.key + "\" " +
                             std::string(ObjectStoreFaultName(fault)));
}

}  // namespace pg2iceberg
