// The Coordinator contract (stage/coordinator_contract.h) against sim::MemoryCoordinator, with
// MemoryCoordinatorState's edits as the outside changes.
#include "sim/memory_coordinator.h"

#include <gtest/gtest.h>

#include "stage/coordinator_contract.h"

// The suite must be instantiated in its own namespace.
namespace pg2iceberg::stage {
namespace {

using sim::MemoryCoordinator;
using sim::MemoryCoordinatorState;

class MemoryHarness {
 public:
  void Start() {}
  std::unique_ptr<Coordinator> Open(const std::string& group) {
    return std::make_unique<MemoryCoordinator>(state_, group);
  }

  void EditFlushedLsn(const std::string& group, change::Lsn lsn) {
    ASSERT_TRUE(state_.EditCapture(group, [&](CaptureState& row) { row.flushed_lsn = lsn; }));
  }
  void EditNextOffset(int64_t table_id, int64_t next_offset) {
    ASSERT_TRUE(
        state_.EditTable(table_id, [&](TableState& row) { row.next_offset = next_offset; }));
  }
  void EditChangeCount(int64_t table_id, int64_t first_offset, int64_t change_count) {
    ASSERT_TRUE(state_.EditBlock(table_id, first_offset,
                                 [&](BlockToIndex& row) { row.change_count = change_count; }));
  }
  void EditCursor(int64_t table_id, const std::string& consumer, int64_t next_offset) {
    ASSERT_TRUE(state_.EditCursor(table_id, consumer, next_offset));
  }

 private:
  MemoryCoordinatorState state_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(MemoryCoordinator, CoordinatorContractTest,
                               ::testing::Types<MemoryHarness>);

}  // namespace
}  // namespace pg2iceberg::stage
