// S3Client against a scripted transport and a manual clock: addressing, signing, retries and
// error mapping. Operation-specific behaviour is in s3_client_ops_test.cc.
#include "s3/s3_client.h"

#include <gtest/gtest.h>

#include "s3/crypto.h"
#include "s3/s3_test_util.h"

namespace pg2iceberg {
namespace {

using testing::ErrorXml;
using testing::FakeHttpTransport;
using testing::HeaderOf;
using testing::kS3TestStartUnixMicros;
using testing::MakeResponse;
using testing::RouteOf;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

S3Options TestOptions() {
  S3Options options;
  options.endpoint = "http://127.0.0.1:9000";
  options.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  options.secret_access_key = std::string(kSecret);
  options.path_style = true;
  options.retry.max_attempts = 4;
  return options;
}

class S3ClientTest : public testing::S3ClientFixture {
 protected:
  S3ClientTest() : S3ClientFixture(42) {}
  std::unique_ptr<S3Client> MakeClient(FakeHttpTransport::Handler handler,
                                       S3Options options = TestOptions()) {
    return MakeClientWith(std::move(handler), std::move(options));
  }
};

TEST_F(S3ClientTest, SignsPathStyleRequests) {
  auto client = MakeClient([](const HttpRequest&) { return MakeResponse(200); });
  ASSERT_TRUE(client->PutObject("bucket", "wh/a b.txt", AsBytes("hello")).ok());
  ASSERT_EQ(http_->requests.size(), 1u);
  const HttpRequest& sent = http_->requests[0];
  EXPECT_EQ(sent.method, "PUT");
  EXPECT_EQ(sent.url, "http://127.0.0.1:9000/bucket/wh/a%20b.txt");
  EXPECT_EQ(std::string(AsStringView(sent.body)), "hello");
  EXPECT_EQ(HeaderOf(sent, "host"), "127.0.0.1:9000");
  EXPECT_EQ(HeaderOf(sent, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(HeaderOf(sent, "x-amz-content-sha256"), s3::Sha256Hex(AsBytes("hello")));
  EXPECT_EQ(HeaderOf(sent, "x-amz-security-token"), "");
  EXPECT_TRUE(HeaderOf(sent, "authorization")
                  .starts_with("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/"
                               "us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;"
                               "x-amz-date,Signature="));
  for (const auto& [name, value] : sent.headers) EXPECT_EQ(value.find(kSecret), std::string::npos);
}

TEST_F(S3ClientTest, VirtualHostedAddressingAndSessionTokens) {
  S3Options options = TestOptions();
  options.endpoint = "https://s3.eu-west-1.amazonaws.com";
  options.region = "eu-west-1";
  options.path_style = false;
  options.session_token = "TOKEN/+=";
  auto client = MakeClient([](const HttpRequest&) { return MakeResponse(200, "abc"); }, options);
  ASSERT_TRUE(client->GetObject("bucket", "k").ok());
  const HttpRequest& sent = http_->requests[0];
  EXPECT_EQ(sent.url, "https://bucket.s3.eu-west-1.amazonaws.com/k");
  EXPECT_EQ(HeaderOf(sent, "host"), "bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(HeaderOf(sent, "x-amz-security-token"), "TOKEN/+=");
  EXPECT_NE(HeaderOf(sent, "authorization")
                .find("/eu-west-1/s3/aws4_request,SignedHeaders=host;"
                      "x-amz-content-sha256;x-amz-date;"
                      "x-amz-security-token,"),
            std::string::npos);
}

TEST_F(S3ClientTest, ServerErrorsAreRetriedWithJitteredBackoff) {
  int calls = 0;
  auto client = MakeClient([&calls](const HttpRequest&) {
    return ++calls <= 2 ? MakeResponse(503, ErrorXml("SlowDown")) : MakeResponse(200, "data");
  });
  Result<Bytes> got = client->GetObject("bucket", "k");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(std::string(AsStringView(*got)), "data");
  EXPECT_EQ(http_->requests.size(), 3u);
  ASSERT_EQ(clock_.sleeps().size(), 2u);
  EXPECT_LE(clock_.sleeps()[0], 100'000);  // full jitter in [0, 100 ms]
  EXPECT_LE(clock_.sleeps()[1], 200'000);  // then [0, 200 ms]
}

TEST_F(S3ClientTest, TransportFailuresAreRetried) {
  int calls = 0;
  auto client = MakeClient([&calls](const HttpRequest&) -> Result<HttpResponse> {
    if (++calls == 1) return Status::Unavailable("HTTP GET http://127.0.0.1:9000/b/k: reset");
    return MakeResponse(200, "x");
  });
  EXPECT_TRUE(client->GetObject("bucket", "k").ok());
  EXPECT_EQ(http_->requests.size(), 2u);
}

TEST_F(S3ClientTest, PersistentServerErrorsBecomeUnavailableAfterTheBudget) {
  auto client = MakeClient([](const HttpRequest&) {
    return MakeResponse(500, ErrorXml("InternalError", "We encountered an internal error."));
  });
  const Status status = client->PutObject("bucket", "k", AsBytes("v"));
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(http_->requests.size(), 4u);
  EXPECT_EQ(clock_.sleeps().size(), 3u);
  EXPECT_NE(status.message().find("S3 PutObject s3://bucket/k: HTTP 500 InternalError: We "
                                  "encountered an internal error. (request id REQ1)"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("gave up after 4 attempts"), std::string::npos);
}

TEST_F(S3ClientTest, RetriesStopAtTheDeadline) {
  S3Options options = TestOptions();
  options.retry.max_attempts = 100;
  options.retry.deadline_ms = 1000;
  ManualClock* clock = &clock_;
  auto client = MakeClient(
      [clock](const HttpRequest&) {
        clock->Advance(400'000);  // each attempt takes 400 ms
        return MakeResponse(500);
      },
      options);
  const Status status = client->GetObject("bucket", "k").status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_GE(http_->requests.size(), 2u);
  EXPECT_LE(http_->requests.size(), 3u);
  EXPECT_LE(clock_.MonotonicMicros(), 1'500'000);
  EXPECT_EQ(http_->requests[0].timeout_ms, 1000);
  EXPECT_LE(http_->requests[1].timeout_ms, 600);  // only what is left of the deadline
}

TEST_F(S3ClientTest, AuthenticationErrorsAreNotRetried) {
  auto client = MakeClient([](const HttpRequest&) {
    return MakeResponse(403, ErrorXml("SignatureDoesNotMatch",
                                      "The request signature we "
                                      "calculated does not match the signature you provided."));
  });
  const Status status = client->GetObject("bucket", "k").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      status.message().starts_with("S3 authentication failed: S3 GetObject s3://bucket/k: "
                                   "HTTP 403 SignatureDoesNotMatch"))
      << status.message();
  EXPECT_EQ(status.message().find(kSecret), std::string::npos);
  EXPECT_EQ(http_->requests.size(), 1u);
  EXPECT_TRUE(clock_.sleeps().empty());
}

TEST_F(S3ClientTest, MissingKeysAndBucketsAreTellingApart) {
  std::string code = "NoSuchKey";
  auto client = MakeClient([&code](const HttpRequest& request) {
    return request.method == "HEAD" ? MakeResponse(404) : MakeResponse(404, ErrorXml(code));
  });
  EXPECT_EQ(client->GetObject("bucket", "k").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(client->HeadObject("bucket", "k").status().code(), StatusCode::kNotFound);
  code = "NoSuchBucket";
  const Status missing = client->GetObject("bucket", "k").status();
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(missing.message().starts_with("S3 bucket \"bucket\" does not exist"))
      << missing.message();
  const Status head_bucket = client->HeadBucket("bucket");
  EXPECT_EQ(head_bucket.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(head_bucket.message().starts_with("S3 bucket \"bucket\" does not exist"));
  EXPECT_EQ(http_->requests.size(), 4u);  // none retried
}

TEST_F(S3ClientTest, OtherErrorsKeepTheirMeaning) {
  struct Case {
    int status;
    std::string code;
    StatusCode expected;
  };
  const std::vector<Case> cases = {
      {409, "ConditionalRequestConflict", StatusCode::kConflict},
      {400, "InvalidArgument", StatusCode::kInvalidArgument},
      {400, "MalformedXML", StatusCode::kInternal},
      {501, "NotImplemented", StatusCode::kInvalidArgument},
      {403, "AccessDenied", StatusCode::kInvalidArgument},
      {301, "PermanentRedirect", StatusCode::kInvalidArgument},
      {302, "", StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    auto client = MakeClient([&c](const HttpRequest&) {
      return MakeResponse(c.status, c.code.empty() ? "" : ErrorXml(c.code),
                          {{"x-amz-bucket-region", "eu-west-1"}});
    });
    const Status status = client->GetObject("bucket", "k").status();
    EXPECT_EQ(status.code(), c.expected) << c.status << " " << c.code << ": " << status.ToString();
    EXPECT_EQ(http_->requests.size(), 1u) << c.code;
  }
}

TEST_F(S3ClientTest, RedirectNamesTheBucketsRegion) {
  auto client = MakeClient([](const HttpRequest&) {
    return MakeResponse(301, "", {{"x-amz-bucket-region", "eu-west-1"}});
  });
  const Status status = client->HeadBucket("bucket");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("(it is in region eu-west-1)"), std::string::npos)
      << status.message();
}

TEST_F(S3ClientTest, ConditionalPutSendsIfNoneMatchAndMaps412ToConflict) {
  auto client = MakeClient([](const HttpRequest&) {
    return MakeResponse(412, ErrorXml("PreconditionFailed",
                                      "At least one of the pre-conditions "
                                      "you specified did not hold"));
  });
  const Status status = client->PutObject("bucket", "k", AsBytes("v"), {.if_none_match = true});
  EXPECT_EQ(status.code(), StatusCode::kConflict) << status.ToString();
  ASSERT_EQ(http_->requests.size(), 1u);
  EXPECT_EQ(HeaderOf(http_->requests[0], "if-none-match"), "*");
  EXPECT_NE(HeaderOf(http_->requests[0], "authorization").find("if-none-match"), std::string::npos);
}

// A conditional PUT whose first attempt landed but whose reply was lost meets its own object.
TEST_F(S3ClientTest, RetriedConditionalPutRecognisesItsOwnObject) {
  std::string stored_etag = "\"" + s3::Md5Hex(AsBytes("payload")) + "\"";
  int puts = 0;
  auto client = MakeClient([&](const HttpRequest& request) {
    if (request.method == "HEAD") {
      return MakeResponse(200, "", {{"content-length", "7"}, {"etag", stored_etag}});
    }
    return ++puts == 1 ? MakeResponse(500, ErrorXml("InternalError"))
                       : MakeResponse(412, ErrorXml("PreconditionFailed"));
  });
  EXPECT_TRUE(client->PutObject("bucket", "k", AsBytes("payload"), {.if_none_match = true}).ok());
  stored_etag = "\"0123456789abcdef0123456789abcdef\"";
  puts = 0;
  const Status other =
      client->PutObject("bucket", "k", AsBytes("payload"), {.if_none_match = true});
  EXPECT_EQ(other.code(), StatusCode::kOutcomeUnknown) << other.ToString();
}

TEST_F(S3ClientTest, CreateRejectsBadOptionsWithoutEchoingSecrets) {
  FakeHttpTransport http([](const HttpRequest&) { return MakeResponse(200); });
  const auto create = [&](S3Options options) {
    return S3Client::Create(std::move(options), http, clock_, random_).status();
  };
  S3Options no_endpoint = TestOptions();
  no_endpoint.endpoint = "";
  EXPECT_EQ(create(no_endpoint).code(), StatusCode::kInvalidArgument);
  S3Options bad_region = TestOptions();
  bad_region.region = "US East";
  EXPECT_EQ(create(bad_region).code(), StatusCode::kInvalidArgument);
  S3Options no_key = TestOptions();
  no_key.access_key_id = "";
  const Status missing_key = create(no_key);
  EXPECT_EQ(missing_key.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing_key.message().find(kSecret), std::string::npos);
  S3Options injected = TestOptions();
  injected.session_token = "a\r\nx-evil: 1";
  EXPECT_EQ(create(injected).code(), StatusCode::kInvalidArgument);
  S3Options small_parts = TestOptions();
  small_parts.multipart_part_size_bytes = 1 << 20;
  EXPECT_EQ(create(small_parts).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace pg2iceberg
