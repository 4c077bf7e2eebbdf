// FaultyObjectStore: a decorator that injects the failures of a real object store into calls to
// any other store, drawn from a seeded Random so that one seed replays the same faults (the
// simulator's object store is FaultyObjectStore over MemoryObjectStore; docs/simulation.md).
//
// Two kinds of fault, each with a probability per operation:
// - kFailedBefore: the call returns kUnavailable without reaching the inner store, as a
//   connection refused or reset before the request was sent would.
// - kReplyLost (Put and Delete): the inner store applies the write, then the call returns
//   kUnavailable anyway, as a timeout after the server acted would. The object is written (or
//   deleted) although the caller was told nothing happened; a retried if_none_match Put then
//   sees kConflict against its own object. Only a call the inner store answered OK loses its
//   reply; an inner error is returned as it is.
// A bad key or prefix (env/object_key.h) is passed to the inner store, never turned into a
// transient failure: the real stores refuse it before any I/O.
//
// Every injected fault is counted per operation and kind, and reported to on_fault, so a test
// can check that its probes reach each fault. A probability of 0 or 1 draws nothing from the
// Random (a store with no faults leaves the caller's random sequence untouched).
// Location and KeyForLocation are pure and never fail by injection.
//
// Thread-safe: draws and counters are serialized. With concurrent callers the faults follow the
// order in which calls take the lock, so a deterministic replay needs one caller at a time (as
// the simulator runs).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "env/object_store.h"
#include "env/random.h"

namespace pg2iceberg {

enum class ObjectStoreOperation { kPut, kGet, kGetRange, kHead, kList, kDelete };
inline constexpr size_t kObjectStoreOperationCount = 6;

enum class ObjectStoreFault { kFailedBefore, kReplyLost };
inline constexpr size_t kObjectStoreFaultCount = 2;

std::string_view ObjectStoreOperationName(ObjectStoreOperation operation);
std::string_view ObjectStoreFaultName(ObjectStoreFault fault);

struct InjectedObjectStoreFault {
  ObjectStoreOperation operation;
  ObjectStoreFault fault;
  // The key (Put, Get, GetRange, Head), the prefix (List) or the first key (Delete; "" for an
  // empty batch).
  std::string key;
};

// Probabilities in [0, 1] (CHECKed).
struct ReadFaults {
  double fail_before = 0;
};
struct WriteFaults {
  double fail_before = 0;
  // Of the calls that reach the inner store and succeed there.
  double lose_reply = 0;
};

struct ObjectStoreFaultPlan {
  WriteFaults put;
  ReadFaults get;
  ReadFaults get_range;
  ReadFaults head;
  ReadFaults list;
  WriteFaults delete_objects;
  // Called after each injected fault, outside the store's lock (it may call the store).
  std::function<void(const InjectedObjectStoreFault&)> on_fault;
};

class FaultyObjectStore final : public ObjectStore {
 public:
  // Borrows `inner` and `random`, which must outlive the store.
  FaultyObjectStore(ObjectStore& inner, Random& random, ObjectStoreFaultPlan plan);

  Status Put(std::string_view key, ByteSpan data, const PutOptions& options) override;
  Result<Bytes> Get(std::string_view key) override;
  Result<Bytes> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(const std::vector<std::string>& keys) override;

  std::string Location(std::string_view key) const override { return inner_.Location(key); }
  Result<std::string> KeyForLocation(std::string_view location) const override {
    return inner_.KeyForLocation(location);
  }

  // How many faults of `fault` were injected into `operation` calls so far.
  uint64_t InjectedCount(ObjectStoreOperation operation, ObjectStoreFault fault) const;
  // The same summed over operations.
  uint64_t InjectedCount(ObjectStoreFault fault) const;

 private:
  // Draws whether a call fails before the inner store; records and returns the fault if so.
  Status MaybeFailBefore(ObjectStoreOperation operation, double probability, std::string_view key);
  // Called after the inner store applied a write: draws whether its reply is lost.
  Status MaybeLoseReply(ObjectStoreOperation operation, double probability, std::string_view key);
  // True with `probability`; draws only for 0 < probability < 1.
  bool Draw(double probability);
  Status Record(ObjectStoreOperation operation, ObjectStoreFault fault, std::string_view key);

  ObjectStore& inner_;
  Random& random_;
  const ObjectStoreFaultPlan plan_;
  mutable std::mutex mu_;
  std::array<std::array<uint64_t, kObjectStoreFaultCount>, kObjectStoreOperationCount> counts_{};
};

}  // namespace pg2iceberg
