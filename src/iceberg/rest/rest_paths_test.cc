#include "iceberg/rest/rest_paths.h"

#include <gtest/gtest.h>

namespace pg2iceberg::iceberg {
namespace {

TEST(PercentEncodeTest, KeepsOnlyUnreservedBytes) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/c?d&e=f+g%h"), "a%20b%2Fc%3Fd%26e%3Df%2Bg%25h");
  EXPECT_EQ(PercentEncode("file:///wh"), "file%3A%2F%2F%2Fwh");
  EXPECT_EQ(PercentEncode("日"), "%E6%97%A5");
  EXPECT_EQ(PercentEncode(std::string("\x1f\x00", 2)), "%1F%00");
}

TEST(EncodeNamespaceTest, JoinsLevelsWithTheUnitSeparator) {
  EXPECT_EQ(EncodeNamespace({"analytics"}), "analytics");
  EXPECT_EQ(EncodeNamespace({"analytics", "pg"}), "analytics%1Fpg");
  EXPECT_EQ(EncodeNamespace({"a.b", "c d"}), "a.b%1Fc%20d");
}

TEST(RestPathsTest, WithoutPrefix) {
  const RestPaths paths("http://cat:8181/", "");
  EXPECT_EQ(paths.uri(), "http://cat:8181");
  EXPECT_EQ(paths.Config(""), "http://cat:8181/v1/config");
  EXPECT_EQ(paths.Namespaces(), "http://cat:8181/v1/namespaces");
  EXPECT_EQ(paths.NamespacePath({"a", "b"}), "http://cat:8181/v1/namespaces/a%1Fb");
  EXPECT_EQ(paths.Tables({"a"}, ""), "http://cat:8181/v1/namespaces/a/tables");
  EXPECT_EQ(paths.Table({{"a", "b"}, "orders"}),
            "http://cat:8181/v1/namespaces/a%1Fb/tables/orders");
}

TEST(RestPathsTest, WithPrefixAndBasePath) {
  const RestPaths paths("https://host/api/catalog", "ws-1");
  EXPECT_EQ(paths.Namespaces(), "https://host/api/catalog/v1/ws-1/namespaces");
  EXPECT_EQ(paths.Table({{"public"}, "my table"}),
            "https://host/api/catalog/v1/ws-1/namespaces/public/tables/my%20table");
  // The config endpoint and the token endpoint never carry the prefix.
  EXPECT_EQ(paths.Config("s3://bucket/wh"),
            "https://host/api/catalog/v1/config?warehouse=s3%3A%2F%2Fbucket%2Fwh");
  EXPECT_EQ(OAuthTokensUrl("https://host/api/catalog/"),
            "https://host/api/catalog/v1/oauth/tokens");
}

TEST(RestPathsTest, QueryParameters) {
  const RestPaths paths("http://cat", "p");
  EXPECT_EQ(paths.Namespaces({}, ""), "http://cat/v1/p/namespaces");
  EXPECT_EQ(paths.Namespaces({"a", "b"}, ""), "http://cat/v1/p/namespaces?parent=a%1Fb");
  EXPECT_EQ(paths.Namespaces({"a"}, "tok/2"),
            "http://cat/v1/p/namespaces?parent=a&pageToken=tok%2F2");
  EXPECT_EQ(paths.Namespaces({}, "t"), "http://cat/v1/p/namespaces?pageToken=t");
  EXPECT_EQ(paths.Tables({"a"}, "next"), "http://cat/v1/p/namespaces/a/tables?pageToken=next");
}

TEST(ValidateRestIdentifierTest, NeedsNonEmptyLevelsAndName) {
  EXPECT_TRUE(ValidateRestIdentifier({{"a", "b.c"}, "t"}).ok());
  EXPECT_EQ(ValidateRestIdentifier({{}, "t"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRestIdentifier({{"a", ""}, "t"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateRestIdentifier({{"a"}, ""}).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pg2iceberg::iceberg
