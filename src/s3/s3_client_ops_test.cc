// S3Client operations against a scripted transport: ranges, listing, batch deletes and
// multipart uploads.
#include <gtest/gtest.h>

#include "s3/crypto.h"
#include "s3/s3_client.h"
#include "s3/s3_test_util.h"

namespace pg2iceberg {
namespace {

using testing::ErrorXml;
using testing::FakeHttpTransport;
using testing::HeaderOf;
using testing::kS3TestStartUnixMicros;
using testing::MakeResponse;
using testing::RouteOf;

S3Options TestOptions() {
  S3Options options;
  options.endpoint = "http://127.0.0.1:9000";
  options.access_key_id = "test";
  options.secret_access_key = "test";
  options.path_style = true;
  options.retry.max_attempts = 3;
  options.multipart_part_size_bytes = uint64_t{5} << 20;
  return options;
}

size_t Count(std::string_view text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class S3ClientOpsTest : public testing::S3ClientFixture {
 protected:
  S3ClientOpsTest() : S3ClientFixture(7) {}
  std::unique_ptr<S3Client> MakeClient(FakeHttpTransport::Handler handler,
                                       S3Options options = TestOptions()) {
    return MakeClientWith(std::move(handler), std::move(options));
  }
  std::vector<std::string> Routes() const {
    std::vector<std::string> routes;
    for (const HttpRequest& request : http_->requests) routes.push_back(RouteOf(request));
    return routes;
  }
};

TEST_F(S3ClientOpsTest, RangeReadsSendARangeAndHandleTheEnd) {
  int status = 206;
  auto client = MakeClient([&status](const HttpRequest& request) {
    if (request.method == "HEAD") return MakeResponse(200, "", {{"content-length", "20"}});
    if (status == 416) return MakeResponse(416, ErrorXml("InvalidRange"));
    return MakeResponse(status, status == 206 ? "56789" : "0123456789");
  });
  Result<Bytes> part = client->GetObjectRange("bucket", "k", 5, 5);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(std::string(AsStringView(*part)), "56789");
  EXPECT_EQ(HeaderOf(http_->requests.back(), "range"), "bytes=5-9");
  status = 200;  // a server that ignores Range
  EXPECT_EQ(std::string(AsStringView(*client->GetObjectRange("bucket", "k", 8, 5))), "89");
  status = 416;
  Result<Bytes> past_end = client->GetObjectRange("bucket", "k", 100, 5);
  ASSERT_TRUE(past_end.ok()) << past_end.status().ToString();
  EXPECT_TRUE(past_end->empty());
  Result<Bytes> nothing = client->GetObjectRange("bucket", "k", 0, 0);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(http_->requests.back().method, "HEAD");
  client->GetObjectRange("bucket", "k", 2, UINT64_MAX).status().IgnoreError();
  EXPECT_EQ(HeaderOf(http_->requests.back(), "range"), "bytes=2-");  // the end would overflow
}

TEST_F(S3ClientOpsTest, HeadReadsSizeAndEtag) {
  auto client = MakeClient([](const HttpRequest&) {
    return MakeResponse(200, "", {{"content-length", "1234"}, {"etag", "\"abc\""}});
  });
  Result<S3ObjectMeta> meta = client->HeadObject("bucket", "dir/k");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->key, "dir/k");
  EXPECT_EQ(meta->size_bytes, 1234u);
  EXPECT_EQ(meta->etag, "\"abc\"");
}

TEST_F(S3ClientOpsTest, ListFollowsContinuationTokens) {
  auto client = MakeClient([](const HttpRequest& request) {
    if (request.url.find("continuation-token") == std::string::npos) {
      return MakeResponse(200,
                          "<ListBucketResult><Contents><Key>p/a</Key><Size>1</Size></Contents>"
                          "<IsTruncated>true</IsTruncated>"
                          "<NextContinuationToken>t/1+=</NextContinuationToken>"
                          "</ListBucketResult>");
    }
    return MakeResponse(200,
                        "<ListBucketResult><Contents><Key>p/b</Key><Size>2</Size></Contents>"
                        "<IsTruncated>false</IsTruncated></ListBucketResult>");
  });
  Result<std::vector<S3ObjectMeta>> all = client->ListAllObjects("bucket", "p/");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].key, "p/a");
  EXPECT_EQ((*all)[1].size_bytes, 2u);
  EXPECT_EQ(
      Routes(),
      (std::vector<std::string>{
          "GET /bucket?list-type=2&max-keys=1000&prefix=p%2F",
          "GET /bucket?continuation-token=t%2F1%2B%3D&list-type=2&max-keys=1000&prefix=p%2F"}));
}

TEST_F(S3ClientOpsTest, ListRefusesARepeatedToken) {
  auto client = MakeClient([](const HttpRequest&) {
    return MakeResponse(200,
                        "<ListBucketResult><IsTruncated>true</IsTruncated>"
                        "<NextContinuationToken>same</NextContinuationToken></ListBucketResult>");
  });
  EXPECT_EQ(client->ListAllObjects("bucket", "").status().code(), StatusCode::kInternal);
  EXPECT_EQ(Routes(), (std::vector<std::string>{
                          "GET /bucket?list-type=2&max-keys=1000",  // no prefix parameter
                          "GET /bucket?continuation-token=same&list-type=2&max-keys=1000"}));
}

TEST_F(S3ClientOpsTest, DeletesInBatchesWithContentMd5) {
  auto client = MakeClient([](const HttpRequest&) { return MakeResponse(200, "<DeleteResult/>"); });
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) keys.push_back("k" + std::to_string(i));
  ASSERT_TRUE(client->DeleteObjects("bucket", keys).ok());
  ASSERT_EQ(http_->requests.size(), 3u);
  const std::vector<size_t> expected_sizes = {1000, 1000, 500};
  for (size_t i = 0; i < 3; ++i) {
    const HttpRequest& request = http_->requests[i];
    EXPECT_EQ(RouteOf(request), "POST /bucket?delete");
    const std::string_view body = AsStringView(request.body);
    EXPECT_EQ(Count(body, "<Object>"), expected_sizes[i]);
    EXPECT_EQ(HeaderOf(request, "content-md5"), s3::Md5Base64(request.body));
  }
  EXPECT_NE(AsStringView(http_->requests[2].body).find("<Key>k2499</Key>"), std::string::npos);
}

TEST_F(S3ClientOpsTest, DeletePerKeyErrorsAreMappedAndRetried) {
  int calls = 0;
  std::string failure = "InternalError";
  auto client = MakeClient([&](const HttpRequest&) {
    if (++calls == 1 || failure != "InternalError") {
      return MakeResponse(200, "<DeleteResult><Error><Key>a</Key><Code>" + failure +
                                   "</Code><Message>m</Message></Error></DeleteResult>");
    }
    return MakeResponse(200, "<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>");
  });
  EXPECT_TRUE(client->DeleteObjects("bucket", {"a", "b"}).ok());
  EXPECT_EQ(calls, 2);
  failure = "AccessDenied";
  const Status denied = client->DeleteObjects("bucket", {"a"});
  EXPECT_EQ(denied.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(denied.message().find("key \"a\""), std::string::npos) << denied.message();
  failure = "NoSuchKey";
  EXPECT_TRUE(client->DeleteObjects("bucket", {"a"}).ok());
}

// Answers a multipart upload; `fail_route` (if any) gets a 403.
FakeHttpTransport::Handler MultipartServer(std::string fail_route, int* complete_failures) {
  return [fail_route, complete_failures](const HttpRequest& request) {
    const std::string route = RouteOf(request);
    if (route == fail_route) return MakeResponse(403, ErrorXml("AccessDenied"));
    if (route.ends_with("?uploads")) {
      return MakeResponse(200,
                          "<InitiateMultipartUploadResult><UploadId>up-1</UploadId>"
                          "</InitiateMultipartUploadResult>");
    }
    if (route.find("partNumber=") != std::string::npos) {
      return MakeResponse(200, "", {{"etag", "\"" + s3::Md5Hex(request.body) + "\""}});
    }
    if (request.method == "POST" && *complete_failures > 0) {
      --*complete_failures;  // S3 may report a failed completion with 200 and an <Error>
      return MakeResponse(200, ErrorXml("InternalError"));
    }
    return MakeResponse(200, "<CompleteMultipartUploadResult/>");
  };
}

TEST_F(S3ClientOpsTest, MultipartUploadsPartsInOrderAndCompletes) {
  int complete_failures = 1;
  auto client = MakeClient(MultipartServer("", &complete_failures));
  const Bytes body((uint64_t{11} << 20) + 3, std::byte{'x'});
  ASSERT_TRUE(client->PutObjectMultipart("bucket", "big", body, {.if_none_match = true}).ok());
  EXPECT_EQ(Routes(), (std::vector<std::string>{
                          "POST /bucket/big?uploads", "PUT /bucket/big?partNumber=1&uploadId=up-1",
                          "PUT /bucket/big?partNumber=2&uploadId=up-1",
                          "PUT /bucket/big?partNumber=3&uploadId=up-1",
                          "POST /bucket/big?uploadId=up-1", "POST /bucket/big?uploadId=up-1"}));
  EXPECT_EQ(http_->requests[1].body.size(), uint64_t{5} << 20);
  EXPECT_EQ(http_->requests[3].body.size(), (uint64_t{1} << 20) + 3);
  const HttpRequest& complete = http_->requests.back();
  EXPECT_EQ(HeaderOf(complete, "if-none-match"), "*");
  const std::string_view xml = AsStringView(complete.body);
  EXPECT_EQ(Count(xml, "<Part>"), 3u);
  EXPECT_NE(
      xml.find("<PartNumber>3</PartNumber><ETag>&quot;" + s3::Md5Hex(http_->requests[3].body)),
      std::string::npos);
}

TEST_F(S3ClientOpsTest, MultipartFailureAbortsTheUpload) {
  int complete_failures = 0;
  auto client =
      MakeClient(MultipartServer("PUT /bucket/big?partNumber=2&uploadId=up-1", &complete_failures));
  const Bytes body(uint64_t{11} << 20, std::byte{'y'});
  const Status status = client->PutObjectMultipart("bucket", "big", body);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find("UploadPart 2 of s3://bucket/big"), std::string::npos);
  EXPECT_EQ(Routes().back(), "DELETE /bucket/big?uploadId=up-1");
  EXPECT_EQ(http_->requests.size(), 5u);  // create, parts 1–3 (one wave), abort
}

TEST_F(S3ClientOpsTest, MultipartSendsPartsInWavesOfTheConfiguredConcurrency) {
  int complete_failures = 0;
  S3Options options = TestOptions();
  options.multipart_concurrency = 2;
  auto client = MakeClient(MultipartServer("", &complete_failures), options);
  const Bytes body((uint64_t{21} << 20) + 1, std::byte{'w'});  // 5 parts of ≤ 5 MiB
  ASSERT_TRUE(client->PutObjectMultipart("bucket", "big", body).ok());
  EXPECT_EQ(http_->batches, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(http_->max_in_flight_seen, 2);
  const std::string_view xml = AsStringView(http_->requests.back().body);
  EXPECT_EQ(Count(xml, "<Part>"), 5u);
  for (int part = 1; part <= 5; ++part) {
    EXPECT_NE(xml.find("<PartNumber>" + std::to_string(part) + "</PartNumber>"), std::string::npos);
  }
  EXPECT_LT(xml.find("<PartNumber>4</PartNumber>"), xml.find("<PartNumber>5</PartNumber>"));
}

TEST_F(S3ClientOpsTest, MultipartRetriesAFailedPartOnItsOwn) {
  int complete_failures = 0;
  int part_two_failures = 2;
  FakeHttpTransport::Handler server = MultipartServer("", &complete_failures);
  auto client = MakeClient([&](const HttpRequest& request) {
    if (RouteOf(request) == "PUT /bucket/big?partNumber=2&uploadId=up-1" && part_two_failures > 0) {
      --part_two_failures;
      return Result<HttpResponse>(MakeResponse(503, ErrorXml("SlowDown")));
    }
    return server(request);
  });
  const Bytes body(uint64_t{11} << 20, std::byte{'z'});
  ASSERT_TRUE(client->PutObjectMultipart("bucket", "big", body).ok());
  EXPECT_EQ(Routes(),
            (std::vector<std::string>{
                "POST /bucket/big?uploads", "PUT /bucket/big?partNumber=1&uploadId=up-1",
                "PUT /bucket/big?partNumber=2&uploadId=up-1",
                "PUT /bucket/big?partNumber=3&uploadId=up-1",
                "PUT /bucket/big?partNumber=2&uploadId=up-1",
                "PUT /bucket/big?partNumber=2&uploadId=up-1", "POST /bucket/big?uploadId=up-1"}));
  EXPECT_EQ(clock_.sleeps().size(), 1u);  // the first retry follows the wave at once
  EXPECT_EQ(Count(AsStringView(http_->requests.back().body), "<Part>"), 3u);
}

TEST_F(S3ClientOpsTest, CreateBucketNamesTheRegionOutsideUsEast1) {
  S3Options options = TestOptions();
  options.region = "eu-west-1";
  auto client = MakeClient([](const HttpRequest&) { return MakeResponse(200); }, options);
  ASSERT_TRUE(client->CreateBucket("new-bucket").ok());
  EXPECT_EQ(RouteOf(http_->requests[0]), "PUT /new-bucket");
  EXPECT_NE(AsStringView(http_->requests[0].body)
                .find("<LocationConstraint>eu-west-1</LocationConstraint>"),
            std::string::npos);
  EXPECT_EQ(client->CreateBucket("x").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg
