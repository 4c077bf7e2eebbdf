// RestAuth alone and inside RestCatalog: bearer tokens, the OAuth2 client-credentials flow,
// token caching and refresh (on expiry and after a 401), and refused credentials.
#include "iceberg/rest/rest_auth.h"

#include <gtest/gtest.h>

#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_test_util.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr char kConfig[] = R"({"defaults":{},"overrides":{}})";
constexpr char kTokenUrl[] = "http://cat/v1/oauth/tokens";

RestAuthOptions OAuth2() {
  RestAuthOptions options;
  options.type = RestAuthType::kOAuth2;
  options.client_id = "mirror id";
  options.client_secret = "s3cr&t";
  options.token_url = kTokenUrl;
  return options;
}

TEST(RestAuthTest, NoneAndBearer) {
  ScriptedHttpTransport http;
  ManualClock clock;
  Result<RestAuth> none = RestAuth::Create({}, http, clock);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none->AuthorizationHeader(), "");
  EXPECT_FALSE(none->ForgetToken());
  RestAuthOptions bearer;
  bearer.type = RestAuthType::kBearer;
  bearer.token = "t0k";
  Result<RestAuth> auth = RestAuth::Create(bearer, http, clock);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(*auth->AuthorizationHeader(), "Bearer t0k");
  EXPECT_FALSE(auth->ForgetToken());  // a fixed token cannot be renewed
  EXPECT_TRUE(http.requests.empty());
}

TEST(RestAuthTest, OptionsMustCarryTheirCredentials) {
  ScriptedHttpTransport http;
  ManualClock clock;
  RestAuthOptions bearer;
  bearer.type = RestAuthType::kBearer;
  EXPECT_EQ(RestAuth::Create(bearer, http, clock).status().code(), StatusCode::kInvalidArgument);
  RestAuthOptions oauth = OAuth2();
  oauth.client_secret.clear();
  EXPECT_EQ(RestAuth::Create(oauth, http, clock).status().code(), StatusCode::kInvalidArgument);
  oauth = OAuth2();
  oauth.token_url.clear();
  EXPECT_EQ(RestAuth::Create(oauth, http, clock).status().code(), StatusCode::kInvalidArgument);
}

TEST(RestAuthTest, OAuth2FetchesCachesAndRefreshesBeforeExpiry) {
  ScriptedHttpTransport http;
  ManualClock clock;
  Result<RestAuth> auth = RestAuth::Create(OAuth2(), http, clock);
  ASSERT_TRUE(auth.ok());
  http.Answer(200, R"({"access_token":"first","token_type":"bearer","expires_in":3600})");
  EXPECT_EQ(*auth->AuthorizationHeader(), "Bearer first");
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.Line(0), std::string("POST ") + kTokenUrl);
  EXPECT_EQ(http.Header(0, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(http.Body(0),
            "grant_type=client_credentials&client_id=mirror%20id&client_secret=s3cr%26t"
            "&scope=PRINCIPAL_ROLE%3AALL");

  clock.Advance(int64_t{3600 - 61} * 1000000);  // still more than the 60 s margin left
  EXPECT_EQ(*auth->AuthorizationHeader(), "Bearer first");
  EXPECT_EQ(http.requests.size(), 1u);
  clock.Advance(2 * 1000000);  // inside the margin: fetch again
  http.Answer(200, R"({"access_token":"second","token_type":"bearer"})");
  EXPECT_EQ(*auth->AuthorizationHeader(), "Bearer second");
  // Without expires_in the token is kept until the catalog refuses it.
  clock.Advance(int64_t{86400} * 1000000);
  EXPECT_EQ(*auth->AuthorizationHeader(), "Bearer second");
  EXPECT_TRUE(auth->ForgetToken());
  http.Answer(200, R"({"access_token":"third"})");
  EXPECT_EQ(*auth->AuthorizationHeader(), "Bearer third");
  EXPECT_EQ(http.requests.size(), 3u);
}

TEST(RestAuthTest, RefusedClientCredentialsKeepTheEndpointsWordsNotTheSecret) {
  ScriptedHttpTransport http;
  ManualClock clock;
  Result<RestAuth> auth = RestAuth::Create(OAuth2(), http, clock);
  ASSERT_TRUE(auth.ok());
  http.Answer(401,
              R"({"error":"invalid_client","error_description":"The client is not authorized"})");
  const Status refused = auth->AuthorizationHeader().status();
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("invalid_client: The client is not authorized"),
            std::string::npos)
      << refused.message();
  EXPECT_EQ(refused.message().find("s3cr"), std::string::npos) << refused.message();
  http.Answer(503, "");
  EXPECT_EQ(auth->AuthorizationHeader().status().code(), StatusCode::kUnavailable);
  http.Fail(Status::Unavailable("Connection refused"));
  EXPECT_EQ(auth->AuthorizationHeader().status().code(), StatusCode::kUnavailable);
  http.Answer(200, R"({"token_type":"bearer"})");
  EXPECT_EQ(auth->AuthorizationHeader().status().code(), StatusCode::kInternal);
}

TEST(RestAuthTest, CatalogRetriesOnceWithAFreshTokenAfter401) {
  ScriptedHttpTransport http;
  ManualClock clock;
  RestCatalogOptions options;
  options.uri = "http://cat";
  options.auth = OAuth2();
  options.auth.token_url.clear();  // defaults to {uri}/v1/oauth/tokens
  http.Answer(200, R"({"access_token":"a1"})");
  http.Answer(200, kConfig);
  Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options, http, clock);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(http.Line(0), std::string("POST ") + kTokenUrl);
  EXPECT_EQ(http.Header(1, "Authorization"), "Bearer a1");

  http.Answer(
      401, R"({"error":{"message":"token expired","type":"NotAuthorizedException","code":401}})");
  http.Answer(200, R"({"access_token":"a2"})");
  http.Answer(200, "{}");
  ASSERT_TRUE((*catalog)->EnsureNamespace({"n"}).ok());
  EXPECT_EQ(http.Line(3), std::string("POST ") + kTokenUrl);
  EXPECT_EQ(http.Header(4, "Authorization"), "Bearer a2");
  EXPECT_EQ(http.Body(4), R"({"namespace":["n"],"properties":{}})");

  // A second 401 in a row is the answer.
  http.Answer(401, R"({"error":{"message":"no","type":"NotAuthorizedException","code":401}})");
  http.Answer(200, R"({"access_token":"a3"})");
  http.Answer(401,
              R"({"error":{"message":"still no","type":"NotAuthorizedException","code":401}})");
  const Status refused = (*catalog)->EnsureNamespace({"n"});
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("NotAuthorizedException: still no"), std::string::npos)
      << refused.message();
  EXPECT_TRUE(http.Exhausted());
}

TEST(RestAuthTest, BearerTokenIsSentAndA401IsFinal) {
  ScriptedHttpTransport http;
  ManualClock clock;
  RestCatalogOptions options;
  options.uri = "http://cat";
  options.auth.type = RestAuthType::kBearer;
  options.auth.token = "wrong";
  http.Answer(
      401, R"({"error":{"message":"Not authorized","type":"NotAuthorizedException","code":401}})");
  const Status refused = RestCatalog::Open(options, http, clock).status();
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(http.Header(0, "Authorization"), "Bearer wrong");
  EXPECT_EQ(refused.message().find("wrong"), std::string::npos) << refused.message();
  EXPECT_TRUE(http.Exhausted());
}

}  // namespace
}  // namespace pg2iceberg::iceberg
