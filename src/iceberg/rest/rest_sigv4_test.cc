// Golden signatures for REST catalog requests. The expected canonical requests and signatures
// were computed independently with botocore's SigV4Auth (botocore 1.44.8) for the same
// requests, credentials and time (2024-01-02T03:04:05Z); the canonical requests are also
// spelled out here so a mismatch shows where it is.
#include "iceberg/rest/rest_sigv4.h"

#include <gtest/gtest.h>

#include "iceberg/rest/rest_auth.h"
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_test_util.h"
#include "s3/crypto.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr int64_t kTime = 1704164645LL * 1000000;  // 2024-01-02T03:04:05Z
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

RestSigV4Options Options(std::string region = "us-east-1", std::string service = "glue",
                         std::string token = "") {
  RestSigV4Options options;
  options.credentials = {"AKIDEXAMPLE", kSecret, std::move(token)};
  options.region = std::move(region);
  options.service = std::move(service);
  return options;
}

std::string HeaderOf(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "(none)";
}

HttpRequest Request(std::string method, std::string url, std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.body.assign(AsBytes(body).begin(), AsBytes(body).end());
  return request;
}

TEST(RestSigV4Test, PathsAreEncodedASecondTime) {
  EXPECT_EQ(RestSigV4CanonicalUri(""), "/");
  EXPECT_EQ(RestSigV4CanonicalUri("/v1/namespaces/a%1Fb/tables"), "/v1/namespaces/a%251Fb/tables");
  EXPECT_EQ(RestSigV4CanonicalUri("/iceberg/v1/123%3As3tablescatalog%2Fb/config"),
            "/iceberg/v1/123%253As3tablescatalog%252Fb/config");
}

TEST(RestSigV4Test, PostWithJsonBodyMatchesBotocore) {
  HttpRequest request =
      Request("POST", "http://127.0.0.1:8181/v1/namespaces/a%1Fb/tables", R"({"name":"t"})");
  request.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
  ASSERT_TRUE(SignRestRequest(Options(), kTime, request).ok());
  // What botocore builds for the same request.
  s3::SigV4Request canonical;
  canonical.method = "POST";
  canonical.canonical_uri = RestSigV4CanonicalUri("/v1/namespaces/a%1Fb/tables");
  canonical.headers = {
      {"content-type", "application/json"},
      {"host", "127.0.0.1:8181"},
      {"x-amz-content-sha256", "3647a67649228b62fe3d139c47f7a3c673c31ce57da824082b6654fc0b15751f"},
      {"x-amz-date", "20240102T030405Z"}};
  canonical.payload_sha256_hex = "3647a67649228b62fe3d139c47f7a3c673c31ce57da824082b6654fc0b15751f";
  EXPECT_EQ(s3::CanonicalRequest(canonical),
            "POST\n/v1/namespaces/a%251Fb/tables\n\ncontent-type:application/json\n"
            "host:127.0.0.1:8181\nx-amz-content-sha256:"
            "3647a67649228b62fe3d139c47f7a3c673c31ce57da824082b6654fc0b15751f\n"
            "x-amz-date:20240102T030405Z\n\ncontent-type;host;x-amz-content-sha256;x-amz-date\n"
            "3647a67649228b62fe3d139c47f7a3c673c31ce57da824082b6654fc0b15751f");
  EXPECT_EQ(HeaderOf(request, "Host"), "127.0.0.1:8181");
  EXPECT_EQ(HeaderOf(request, "x-amz-date"), "20240102T030405Z");
  EXPECT_EQ(HeaderOf(request, "x-amz-content-sha256"),
            "3647a67649228b62fe3d139c47f7a3c673c31ce57da824082b6654fc0b15751f");
  EXPECT_EQ(HeaderOf(request, "x-amz-security-token"), "(none)");
  EXPECT_EQ(HeaderOf(request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/glue/aws4_request,"
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,"
            "Signature=bc7fec34ee1f6793831bf2569015adf6d2eac60d53343e1ecfb7467eaf99335b");
}

TEST(RestSigV4Test, QueryAndSessionTokenMatchBotocore) {
  HttpRequest request = Request(
      "GET", "https://glue.eu-west-1.amazonaws.com/iceberg/v1/config?warehouse=s3%3A%2F%2Fb%2Fw");
  ASSERT_TRUE(
      SignRestRequest(Options("eu-west-1", "glue", "FQoGZXIvYXdzEXAMPLETOKEN"), kTime, request)
          .ok());
  EXPECT_EQ(HeaderOf(request, "Host"), "glue.eu-west-1.amazonaws.com");
  EXPECT_EQ(HeaderOf(request, "x-amz-content-sha256"), s3::kEmptyPayloadSha256);
  EXPECT_EQ(HeaderOf(request, "x-amz-security-token"), "FQoGZXIvYXdzEXAMPLETOKEN");
  EXPECT_EQ(HeaderOf(request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/eu-west-1/glue/aws4_request,"
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
            "Signature=f9dcba759632fa9ef766f15ca83d2ea375cde16ed19167916486967964632027");
}

TEST(RestSigV4Test, S3TablesSigningNameMatchesBotocore) {
  HttpRequest request = Request(
      "DELETE", "https://s3tables.us-east-1.amazonaws.com/iceberg/v1/x%3Ay/namespaces/n/tables/t");
  ASSERT_TRUE(SignRestRequest(Options("us-east-1", "s3tables"), kTime, request).ok());
  EXPECT_EQ(HeaderOf(request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3tables/aws4_request,"
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
            "Signature=0d927ffa41bd09646098af366097876e4ed3fab6a9d40d3d35f35ea14566a5f6");
}

TEST(RestSigV4Test, BadInputIsRefused) {
  HttpRequest request = Request("GET", "ftp://example.com/v1/config");
  EXPECT_EQ(SignRestRequest(Options(), kTime, request).code(), StatusCode::kInvalidArgument);
  request = Request("GET", "https://example.com/v1/config");
  request.headers = {{"Authorization", "Bearer x"}};
  EXPECT_FALSE(SignRestRequest(Options(), kTime, request).ok());
  RestSigV4Options no_keys = Options();
  no_keys.credentials.secret_access_key.clear();
  const Status status = CheckRestSigV4Options(no_keys);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  RestSigV4Options no_region = Options("");
  EXPECT_EQ(CheckRestSigV4Options(no_region).code(), StatusCode::kInvalidArgument);
}

// Every request of a catalog session is signed at the clock's time, the config call included,
// and the secret is never sent.
TEST(RestSigV4Test, CatalogSignsEveryRequest) {
  ScriptedHttpTransport http;
  ManualClock clock(kTime);
  RestCatalogOptions options;
  options.uri = "http://127.0.0.1:8181";
  options.auth.type = RestAuthType::kSigV4;
  options.auth.sigv4 = Options();
  http.Answer(200, R"({"defaults":{},"overrides":{}})");
  http.Answer(200, "{}");
  Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options, http, clock);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_TRUE((*catalog)->EnsureNamespace({"n"}).ok());
  ASSERT_EQ(http.requests.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(http.Header(i, "Host"), "127.0.0.1:8181");
    EXPECT_EQ(http.Header(i, "x-amz-date"), "20240102T030405Z");
    EXPECT_TRUE(
        http.Header(i, "authorization")
            .starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/glue/aws4_request,"));
    for (const auto& [name, value] : http.requests[i].headers) {
      EXPECT_EQ(value.find(kSecret), std::string::npos) << name;
    }
  }
  EXPECT_EQ(http.Header(1, "x-amz-content-sha256"), s3::Sha256Hex(http.requests[1].body));
  EXPECT_NE(http.Header(1, "authorization").find("SignedHeaders=content-type;host;"),
            std::string::npos);
}

TEST(RestSigV4Test, AuthWithoutCredentialsIsRefusedAtOpen) {
  ScriptedHttpTransport http;
  ManualClock clock;
  RestCatalogOptions options;
  options.uri = "http://127.0.0.1:8181";
  options.auth.type = RestAuthType::kSigV4;
  options.auth.sigv4.region = "us-east-1";
  EXPECT_EQ(RestCatalog::Open(options, http, clock).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace pg2iceberg::iceberg
