// The ObjectStore contract (env/object_store_contract.h) against the stores of this library:
// LocalObjectStore on a temp directory, MemoryObjectStore, and FaultyObjectStore with no faults
// over MemoryObjectStore (transparent). The S3 store runs the same suite on moto in
// s3/s3_object_store_contract_test.cc.
#include "env/object_store_contract.h"

#include <filesystem>

#include "env/faulty_object_store.h"
#include "env/local_object_store_test_util.h"
#include "env/memory_object_store.h"
#include "env/system_random.h"

namespace pg2iceberg {
namespace {

class LocalHarness {
 public:
  static constexpr ObjectStoreQuirks kQuirks = kLocalQuirks;

  ~LocalHarness() {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void Open() {
    Result<std::unique_ptr<LocalObjectStore>> store =
        OpenStoreInTempDir("pg2i-contract", random_, &dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  ObjectStore& store() { return *store_; }

 private:
  SystemRandom random_;
  std::string dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

class MemoryHarness {
 public:
  static constexpr ObjectStoreQuirks kQuirks = kStrictestQuirks;

  void Open() {}
  ObjectStore& store() { return store_; }

 private:
  MemoryObjectStore store_{"contract"};
};

// Probabilities 0: every call goes to the inner store unchanged.
class TransparentFaultyHarness {
 public:
  static constexpr ObjectStoreQuirks kQuirks = kStrictestQuirks;

  void Open() {}
  ObjectStore& store() { return store_; }

 private:
  MemoryObjectStore inner_{"contract"};
  SeededRandom random_{13};
  FaultyObjectStore store_{inner_, random_, ObjectStoreFaultPlan{}};
};

using Stores = ::testing::Types<LocalHarness, MemoryHarness, TransparentFaultyHarness>;
INSTANTIATE_TYPED_TEST_SUITE_P(EnvObjectStoreContract, ObjectStoreContractTest, Stores);

}  // namespace
}  // namespace pg2iceberg
