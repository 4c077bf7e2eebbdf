// S3ObjectStore: key mapping against a scripted transport, then what is particular to S3
// (key layout in the bucket, paging, multipart, bucket and credential errors) against a real
// S3-compatible server; the ObjectStore contract it shares with the other stores runs in
// s3_object_store_contract_test.cc. The server is PG2ICEBERG_TEST_S3_ENDPOINT (see
// scripts/with_moto.py; credentials from PG2ICEBERG_TEST_S3_ACCESS_KEY_ID and
// PG2ICEBERG_TEST_S3_SECRET_ACCESS_KEY, else "test"/"test").
#include "s3/s3_object_store.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "env/curl_http_transport.h"
#include "env/real_clock.h"
#include "env/system_random.h"
#include "s3/s3_object_store_opener.h"
#include "s3/s3_test_util.h"

namespace pg2iceberg {
namespace {

using testing::FakeHttpTransport;
using testing::kS3TestStartUnixMicros;
using testing::MakeResponse;
using testing::RouteOf;

S3Options FakeOptions() {
  S3Options options;
  options.endpoint = "http://127.0.0.1:9000";
  options.access_key_id = "test";
  options.secret_access_key = "test";
  options.path_style = true;
  options.multipart_part_size_bytes = uint64_t{5} << 20;
  options.multipart_threshold_bytes = uint64_t{6} << 20;
  return options;
}

class S3ObjectStoreFakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = S3ObjectStore::Open("s3://bucket/wh/", FakeOptions(), http_, clock_, random_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  FakeHttpTransport http_{[](const HttpRequest& request) -> HttpResponse {
    if (RouteOf(request).ends_with("?uploads")) {
      return MakeResponse(200,
                          "<InitiateMultipartUploadResult><UploadId>u</UploadId>"
                          "</InitiateMultipartUploadResult>");
    }
    if (request.url.find("list-type=2") != std::string::npos) {
      return MakeResponse(200,
                          "<ListBucketResult><Contents><Key>wh/t/b</Key><Size>2</Size>"
                          "</Contents><Contents><Key>wh/t/a</Key><Size>1</Size></Contents>"
                          "<IsTruncated>false</IsTruncated></ListBucketResult>");
    }
    return MakeResponse(200, "", {{"etag", "\"e\""}});
  }};
  ManualClock clock_{kS3TestStartUnixMicros};
  SeededRandom random_{1};
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(S3ObjectStoreFakeTest, OpenChecksTheBucket) {
  EXPECT_EQ(RouteOf(http_.requests.at(0)), "HEAD /bucket");
  EXPECT_EQ(store_->bucket(), "bucket");
  EXPECT_EQ(store_->prefix(), "wh");
}

TEST_F(S3ObjectStoreFakeTest, LocationsRoundTrip) {
  EXPECT_EQ(store_->Location("t/data/a.parquet"), "s3://bucket/wh/t/data/a.parquet");
  EXPECT_EQ(*S3ObjectStore::LocationIn("s3a://bucket/wh/", "t/data/a.parquet"),
            "s3://bucket/wh/t/data/a.parquet");
  EXPECT_EQ(*S3ObjectStore::LocationIn("s3://bucket", "t"), "s3://bucket/t");
  EXPECT_EQ(*store_->KeyForLocation("s3://bucket/wh/t/data/a.parquet"), "t/data/a.parquet");
  EXPECT_EQ(*store_->KeyForLocation("s3a://bucket/wh/t/a"), "t/a");
  for (const char* outside : {"s3://other/wh/t/a", "s3://bucket/whx/t/a", "s3://bucket/t/a",
                              "file:///bucket/wh/t/a", "s3://bucket/wh/", "s3://bucket/wh/a//b"}) {
    EXPECT_EQ(store_->KeyForLocation(outside).status().code(), StatusCode::kInvalidArgument)
        << outside;
  }
}

TEST_F(S3ObjectStoreFakeTest, KeysGetThePrefixAndListStripsIt) {
  ASSERT_TRUE(store_->Put("t/a", AsBytes("x"), {}).ok());
  EXPECT_EQ(RouteOf(http_.requests.back()), "PUT /bucket/wh/t/a");
  Result<std::vector<ObjectInfo>> listed = store_->List("t/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "t/a");  // sorted, prefix removed
  EXPECT_EQ((*listed)[1].key, "t/b");
  EXPECT_EQ(RouteOf(http_.requests.back()),
            "GET /bucket?list-type=2&max-keys=1000&prefix=wh%2Ft%2F");
}

TEST_F(S3ObjectStoreFakeTest, LargeBodiesGoMultipart) {
  const Bytes body(uint64_t{7} << 20, std::byte{1});
  ASSERT_TRUE(store_->Put("t/big", body, {}).ok());
  EXPECT_EQ(RouteOf(http_.requests[1]), "POST /bucket/wh/t/big?uploads");
  EXPECT_EQ(RouteOf(http_.requests.back()), "POST /bucket/wh/t/big?uploadId=u");
}

TEST_F(S3ObjectStoreFakeTest, BadKeysNeverReachTheServer) {
  const size_t before = http_.requests.size();
  EXPECT_EQ(store_->Put("/abs", AsBytes("x"), {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Get("a/../b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete({"ok", ""}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->List("a//").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(http_.requests.size(), before);
}

TEST(S3ObjectStoreOpenTest, RejectsBadUrisAndMissingBuckets) {
  FakeHttpTransport http([](const HttpRequest&) { return MakeResponse(404); });
  ManualClock clock{kS3TestStartUnixMicros};
  SeededRandom random(1);
  EXPECT_EQ(S3ObjectStore::Open("file:///tmp", FakeOptions(), http, clock, random).status().code(),
            StatusCode::kInvalidArgument);
  const Status missing =
      S3ObjectStore::Open("s3://no-such-bucket/wh", FakeOptions(), http, clock, random).status();
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("\"no-such-bucket\" does not exist"), std::string::npos);
}

class RecordingOpener final : public ObjectStoreOpener {
 public:
  Result<std::unique_ptr<ObjectStore>> Open(std::string_view uri) override {
    uris.emplace_back(uri);
    return Status::NotFound("fallback opener: " + std::string(uri));
  }
  std::vector<std::string> uris;
};

TEST(S3ObjectStoreOpenerTest, OpensS3UrisAndPassesOthersOn) {
  FakeHttpTransport http([](const HttpRequest&) { return MakeResponse(200); });
  ManualClock clock{kS3TestStartUnixMicros};
  SeededRandom random(1);
  RecordingOpener fallback;
  S3ObjectStoreOpener opener(FakeOptions(), http, clock, random, fallback);
  Result<std::unique_ptr<ObjectStore>> store = opener.Open("s3a://bucket/wh");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Location("t/a"), "s3://bucket/wh/t/a");
  EXPECT_EQ(RouteOf(http.requests.at(0)), "HEAD /bucket");
  EXPECT_EQ(opener.Open("file:///tmp/wh").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fallback.uris, std::vector<std::string>{"file:///tmp/wh"});
  EXPECT_EQ(opener.Open("s3://").status().code(), StatusCode::kInvalidArgument);
}

// ---- Against a real S3-compatible server ----

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

std::string Text(const Bytes& bytes) { return std::string(AsStringView(bytes)); }

class S3ObjectStoreLiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("PG2ICEBERG_TEST_S3_ENDPOINT");
    if (endpoint == nullptr || *endpoint == '\0') {
      FAIL() << "PG2ICEBERG_TEST_S3_ENDPOINT not set (run under scripts/with_moto.py)";
    }
    options_.endpoint = endpoint;
    options_.access_key_id = EnvOr("PG2ICEBERG_TEST_S3_ACCESS_KEY_ID", "test");
    options_.secret_access_key = EnvOr("PG2ICEBERG_TEST_S3_SECRET_ACCESS_KEY", "test");
    options_.path_style = true;
    options_.retry.deadline_ms = 30000;
    options_.multipart_part_size_bytes = uint64_t{5} << 20;
    options_.multipart_threshold_bytes = uint64_t{8} << 20;
    bucket_ = "pg2i-test-" + random_.UuidV4String().substr(0, 8);
    auto client = S3Client::Create(options_, http_, clock_, random_);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    ASSERT_TRUE((*client)->CreateBucket(bucket_).ok());
    auto store = S3ObjectStore::Open("s3://" + bucket_ + "/wh/", options_, http_, clock_, random_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  Status Put(std::string_view key, std::string_view data, bool if_none_match = false) {
    return store_->Put(key, AsBytes(data), PutOptions{.if_none_match = if_none_match});
  }

  CurlHttpTransport http_;
  RealClock clock_;
  SystemRandom random_;
  S3Options options_;
  std::string bucket_;
  std::unique_ptr<S3ObjectStore> store_;
};

TEST_F(S3ObjectStoreLiveTest, PutGetRangeAndHead) {
  ASSERT_TRUE(Put("t/a.txt", "hello world").ok());
  EXPECT_EQ(Text(*store_->Get("t/a.txt")), "hello world");
  EXPECT_EQ(Text(*store_->GetRange("t/a.txt", 6, 5)), "world");
  EXPECT_EQ(Text(*store_->GetRange("t/a.txt", 6, 100)), "world");
  EXPECT_EQ(Text(*store_->GetRange("t/a.txt", 11, 5)), "");
  EXPECT_EQ(Text(*store_->GetRange("t/a.txt", 500, 5)), "");
  EXPECT_EQ(Text(*store_->GetRange("t/a.txt", 0, 0)), "");
  Result<ObjectInfo> info = store_->Head("t/a.txt");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->key, "t/a.txt");
  EXPECT_EQ(info->size_bytes, 11u);
  ASSERT_TRUE(Put("t/empty", "").ok());
  EXPECT_EQ(store_->Head("t/empty")->size_bytes, 0u);
  EXPECT_EQ(Text(*store_->Get("t/empty")), "");
  EXPECT_EQ(Text(*store_->GetRange("t/empty", 0, 10)), "");
  EXPECT_EQ(store_->Get("t/missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetRange("t/missing", 0, 4).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetRange("t/missing", 0, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Head("t/missing").status().code(), StatusCode::kNotFound);
  // The object lives under the store's prefix in the bucket.
  EXPECT_EQ(Text(*store_->client().GetObject(bucket_, "wh/t/a.txt")), "hello world");
}

std::string NumberedKey(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "many/k%04d", i);
  return name;
}

TEST_F(S3ObjectStoreLiveTest, ListPagesPastAThousandKeysThenBatchDelete) {
  constexpr int kCount = 1100;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(Put(NumberedKey(i), std::to_string(i)).ok()) << i;
  ASSERT_TRUE(Put("other/x", "x").ok());
  Result<std::vector<ObjectInfo>> listed = store_->List("many/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ((*listed)[i].key, NumberedKey(i));
    ASSERT_EQ((*listed)[i].size_bytes, std::to_string(i).size());
  }
  EXPECT_EQ(store_->List("many/k10")->size(), 100u);
  EXPECT_EQ(store_->List("")->size(), static_cast<size_t>(kCount) + 1);
  EXPECT_TRUE(store_->List("nothing/")->empty());

  std::vector<std::string> keys;
  for (const ObjectInfo& info : *listed) keys.push_back(info.key);
  keys.push_back("many/never-existed");
  ASSERT_TRUE(store_->Delete(keys).ok());
  EXPECT_TRUE(store_->List("many/")->empty());
  EXPECT_EQ(store_->List("")->size(), 1u);
}

Bytes Pattern(uint64_t size) {
  Bytes data(size);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (uint64_t i = 0; i < size; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    data[i] = static_cast<std::byte>(state >> 56);
  }
  return data;
}

TEST_F(S3ObjectStoreLiveTest, MultipartPutOf40MiBReadsBack) {
  const Bytes data = Pattern(uint64_t{40} << 20);
  ASSERT_TRUE(store_->Put("t/big.bin", data, {.if_none_match = true}).ok());
  Result<ObjectInfo> info = store_->Head("t/big.bin");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size_bytes, data.size());
  Result<Bytes> back = store_->Get("t/big.bin");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == data);
  const uint64_t boundary = uint64_t{5} << 20;  // across the first part boundary
  Result<Bytes> slice = store_->GetRange("t/big.bin", boundary - 10, 20);
  ASSERT_TRUE(slice.ok());
  EXPECT_TRUE(std::equal(slice->begin(), slice->end(), data.begin() + (boundary - 10)));
  // A multipart S3 ETag: "<md5 of part md5s>-<parts>".
  EXPECT_TRUE(store_->client().HeadObject(bucket_, "wh/t/big.bin")->etag.ends_with("-8\""));
  const Status again = store_->Put("t/big.bin", data, {.if_none_match = true});
  EXPECT_EQ(again.code(), StatusCode::kConflict) << again.ToString();
}

TEST_F(S3ObjectStoreLiveTest, MissingBucketIsAConfigurationError) {
  const std::string missing = bucket_ + "-missing";
  const Status open =
      S3ObjectStore::Open("s3://" + missing + "/wh", options_, http_, clock_, random_).status();
  EXPECT_EQ(open.code(), StatusCode::kInvalidArgument) << open.ToString();
  EXPECT_NE(open.message().find("\"" + missing + "\" does not exist"), std::string::npos)
      << open.message();
  const Status get = store_->client().GetObject(missing, "k").status();
  EXPECT_EQ(get.code(), StatusCode::kInvalidArgument) << get.ToString();
  EXPECT_NE(get.message().find("\"" + missing + "\" does not exist"), std::string::npos);
  EXPECT_NE(get.message().find("NoSuchBucket"), std::string::npos);
}

TEST_F(S3ObjectStoreLiveTest, BadCredentialsAreRejected) {
  S3Options wrong = options_;
  wrong.secret_access_key = "not-the-secret";
  auto store = S3ObjectStore::Open("s3://" + bucket_ + "/wh", wrong, http_, clock_, random_);
  if (store.ok()) GTEST_SKIP() << "this server accepts any credentials (moto without IAM auth)";
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
  EXPECT_NE(store.status().message().find("S3 authentication failed"), std::string::npos);
  EXPECT_EQ(store.status().message().find("not-the-secret"), std::string::npos);
  S3Options unknown = options_;
  unknown.access_key_id = "AKIAUNKNOWNKEY000000";
  auto client = S3Client::Create(unknown, http_, clock_, random_);
  ASSERT_TRUE(client.ok());
  const Status get = (*client)->GetObject(bucket_, "wh/k").status();
  EXPECT_EQ(get.code(), StatusCode::kInvalidArgument) << get.ToString();
  EXPECT_NE(get.message().find("S3 authentication failed"), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg
