// The ObjectStore contract (env/object_store_contract.h) against S3ObjectStore on a real
// S3-compatible server (scripts/with_moto.py; see FindLiveS3Server in env/live_test_util.h).
// Without the server every test fails: a live test never skips.
#include "env/curl_http_transport.h"
#include "env/live_test_util.h"
#include "env/object_store_contract.h"
#include "env/real_clock.h"
#include "env/system_random.h"
#include "s3/s3_object_store.h"

namespace pg2iceberg {
namespace {

// A fresh bucket per test, the store under the prefix "wh/".
class S3Harness {
 public:
  // S3 accepts the keys a file system refuses. AWS refuses keys over 1024 bytes
  // (KeyTooLongError); moto, the server under test, accepts them. moto alters keys that are
  // not UTF-8 (see ObjectStoreQuirks).
  static constexpr ObjectStoreQuirks kQuirks = {.alters_non_utf8_keys = true};

  void Open() {
    LiveS3Server server;
    ASSERT_NO_FATAL_FAILURE(FindLiveS3Server(&server));
    S3Options options;
    options.endpoint = server.endpoint;
    options.access_key_id = server.access_key_id;
    options.secret_access_key = server.secret_access_key;
    options.path_style = true;
    options.retry.deadline_ms = 30000;
    // Multipart for the contract's 12 MiB object.
    options.multipart_part_size_bytes = uint64_t{5} << 20;
    options.multipart_threshold_bytes = uint64_t{8} << 20;
    const std::string bucket = "pg2i-contract-" + random_.UuidV4String().substr(0, 8);
    Result<std::unique_ptr<S3Client>> client = S3Client::Create(options, http_, clock_, random_);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    const Status created = (*client)->CreateBucket(bucket);
    ASSERT_TRUE(created.ok()) << created.ToString();
    Result<std::unique_ptr<S3ObjectStore>> store =
        S3ObjectStore::Open("s3://" + bucket + "/wh/", options, http_, clock_, random_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  ObjectStore& store() { return *store_; }

 private:
  CurlHttpTransport http_;
  RealClock clock_;
  SystemRandom random_;
  std::unique_ptr<S3ObjectStore> store_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(S3ObjectStoreContract, ObjectStoreContractTest,
                               ::testing::Types<S3Harness>);

}  // namespace
}  // namespace pg2iceberg
