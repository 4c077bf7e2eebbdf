#include "s3/s3_endpoint.h"

#include <gtest/gtest.h>

namespace pg2iceberg::s3 {
namespace {

TEST(S3EndpointTest, ParsesEndpoints) {
  Result<S3Endpoint> aws = ParseS3Endpoint("https://s3.us-east-1.amazonaws.com");
  ASSERT_TRUE(aws.ok());
  EXPECT_EQ(aws->scheme, "https");
  EXPECT_EQ(aws->authority, "s3.us-east-1.amazonaws.com");
  EXPECT_EQ(aws->base_path, "");
  Result<S3Endpoint> local = ParseS3Endpoint("http://127.0.0.1:9000/");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->authority, "127.0.0.1:9000");
  EXPECT_EQ(local->base_path, "");
  Result<S3Endpoint> under_path = ParseS3Endpoint("http://[::1]:9000/storage/s3//");
  ASSERT_TRUE(under_path.ok());
  EXPECT_EQ(under_path->authority, "[::1]:9000");
  EXPECT_EQ(under_path->base_path, "/storage/s3");
}

TEST(S3EndpointTest, RejectsBadEndpoints) {
  for (const char* endpoint : {"", "s3.amazonaws.com", "ftp://host", "http://", "http:///path",
                               "http://user:pw@host", "http://host?x=1", "http://host#f"}) {
    Result<S3Endpoint> parsed = ParseS3Endpoint(endpoint);
    ASSERT_FALSE(parsed.ok()) << endpoint;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(S3EndpointTest, PathStyleAndVirtualHostedTargets) {
  const S3Endpoint endpoint{"http", "127.0.0.1:9000", ""};
  S3Target path = TargetFor(endpoint, true, "bucket", "wh/a b+c.parquet");
  EXPECT_EQ(path.host, "127.0.0.1:9000");
  EXPECT_EQ(path.path, "/bucket/wh/a%20b%2Bc.parquet");
  EXPECT_EQ(TargetFor(endpoint, true, "bucket", "").path, "/bucket");
  const S3Endpoint aws{"https", "s3.eu-west-1.amazonaws.com", ""};
  S3Target hosted = TargetFor(aws, false, "bucket", "k");
  EXPECT_EQ(hosted.host, "bucket.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(hosted.path, "/k");
  EXPECT_EQ(TargetFor(aws, false, "bucket", "").path, "/");
  EXPECT_EQ(TargetFor({"http", "h", "/base"}, true, "b", "k").path, "/base/b/k");
}

TEST(S3UriTest, ParsesBucketAndPrefix) {
  Result<S3Uri> bare = ParseS3Uri("s3://my-bucket");
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->bucket, "my-bucket");
  EXPECT_EQ(bare->prefix, "");
  EXPECT_EQ(ParseS3Uri("s3://my-bucket/")->prefix, "");
  EXPECT_EQ(ParseS3Uri("s3://my-bucket/wh/prod/")->prefix, "wh/prod");
  Result<S3Uri> hadoop = ParseS3Uri("s3a://my.bucket/wh");
  ASSERT_TRUE(hadoop.ok());
  EXPECT_EQ(hadoop->bucket, "my.bucket");
  EXPECT_EQ(hadoop->prefix, "wh");
}

TEST(S3UriTest, RejectsBadUris) {
  for (const char* uri : {"file:///tmp/wh", "s3://", "s3:///prefix", "s3://ab/x", "s3://-bucket",
                          "s3://bucket-/x", "s3://bu cket", "s3://bucket//x", "s3://bucket/a//b",
                          "s3://bucket/a/../b", "s3://bucket/./b"}) {
    Result<S3Uri> parsed = ParseS3Uri(uri);
    ASSERT_FALSE(parsed.ok()) << uri;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << uri;
  }
  EXPECT_NE(ParseS3Uri("s3://bad_/x").status().message().find("bad_"), std::string::npos);
}

}  // namespace
}  // namespace pg2iceberg::s3
