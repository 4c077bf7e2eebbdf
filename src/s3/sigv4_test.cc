#include "s3/sigv4.h"

#include <gtest/gtest.h>

#include "s3/crypto.h"

namespace pg2iceberg::s3 {
namespace {

// The example credentials and time of the AWS "Signature Version 4 — header-based auth"
// S3 examples.
const SigV4Credentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE",
                                           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t kExampleTimeMicros = int64_t{1369353600} * 1000000;  // 2013-05-24 00:00:00Z
constexpr std::string_view kExampleDate = "20130524T000000Z";

std::string SignatureOf(const std::string& authorization) {
  const size_t at = authorization.find("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

std::string HeaderValue(const SigV4Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header == name) return value;
  }
  return "";
}

SigV4Request ExampleGetObject() {
  SigV4Request request;
  request.method = "GET";
  request.canonical_uri = "/test.txt";
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  request.payload_sha256_hex = std::string(kEmptyPayloadSha256);
  return request;
}

TEST(SigV4Test, EmptyPayloadHashIsTheSha256OfNothing) {
  EXPECT_EQ(Sha256Hex(ByteSpan()), kEmptyPayloadSha256);
}

TEST(SigV4Test, FormatsAmzDateInUtc) {
  EXPECT_EQ(FormatAmzDate(kExampleTimeMicros), kExampleDate);
  EXPECT_EQ(FormatAmzDate(0), "19700101T000000Z");
  // 2024-02-29 23:59:59.999999 (a leap day) stays on that day.
  EXPECT_EQ(FormatAmzDate(int64_t{1709251199} * 1000000 + 999999), "20240229T235959Z");
}

TEST(SigV4Test, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("aZ09-._~", false), "aZ09-._~");
  EXPECT_EQ(UriEncode("a b/c+d=e$", false), "a%20b%2Fc%2Bd%3De%24");
  EXPECT_EQ(UriEncode("/dir/a b", true), "/dir/a%20b");
  EXPECT_EQ(UriEncode("\xC3\xA9", true), "%C3%A9");
}

// AWS S3 SigV4 documentation, example "GET Object" (Range: bytes=0-9).
TEST(SigV4Test, AwsExampleGetObject) {
  SigV4Request request = ExampleGetObject();
  request.headers.emplace_back("x-amz-content-sha256", std::string(kEmptyPayloadSha256));
  request.headers.emplace_back("x-amz-date", std::string(kExampleDate));
  EXPECT_EQ(
      CanonicalRequest(request),
      "GET\n/test.txt\n\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string expected =
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
  EXPECT_EQ(AuthorizationHeader(kExampleCredentials, "us-east-1", "s3", kExampleDate, request),
            expected);
  // SignV4 adds the same two headers itself and gets the same signature.
  SigV4Request signed_request = ExampleGetObject();
  SignV4(kExampleCredentials, "us-east-1", "s3", kExampleTimeMicros, signed_request);
  EXPECT_EQ(HeaderValue(signed_request, "authorization"), expected);
  EXPECT_EQ(HeaderValue(signed_request, "x-amz-date"), kExampleDate);
  EXPECT_EQ(HeaderValue(signed_request, "x-amz-content-sha256"), kEmptyPayloadSha256);
}

// AWS S3 SigV4 documentation, example "PUT Object" of "Welcome to Amazon S3.".
TEST(SigV4Test, AwsExamplePutObject) {
  const std::string body = "Welcome to Amazon S3.";
  SigV4Request request;
  request.method = "PUT";
  request.canonical_uri = "/" + UriEncode("test$file.text", true);
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  request.payload_sha256_hex = Sha256Hex(AsBytes(body));
  EXPECT_EQ(request.payload_sha256_hex,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SignV4(kExampleCredentials, "us-east-1", "s3", kExampleTimeMicros, request);
  EXPECT_EQ(SignatureOf(HeaderValue(request, "authorization")),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

// AWS S3 SigV4 documentation, example "GET Bucket Lifecycle" (a value-less subresource).
TEST(SigV4Test, AwsExampleGetBucketLifecycle) {
  SigV4Request request;
  request.method = "GET";
  request.canonical_uri = "/";
  request.query = {{"lifecycle", ""}};
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  request.payload_sha256_hex = std::string(kEmptyPayloadSha256);
  SignV4(kExampleCredentials, "us-east-1", "s3", kExampleTimeMicros, request);
  EXPECT_EQ(SignatureOf(HeaderValue(request, "authorization")),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

// AWS S3 SigV4 documentation, example "Get Bucket (List Objects)": max-keys=2, prefix=J.
TEST(SigV4Test, AwsExampleListObjectsSortsQueryParameters) {
  SigV4Request request;
  request.method = "GET";
  request.canonical_uri = "/";
  request.query = {{"prefix", "J"}, {"max-keys", "2"}};
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"}};
  request.payload_sha256_hex = std::string(kEmptyPayloadSha256);
  EXPECT_EQ(CanonicalQueryString(request.query), "max-keys=2&prefix=J");
  SignV4(kExampleCredentials, "us-east-1", "s3", kExampleTimeMicros, request);
  EXPECT_EQ(SignatureOf(HeaderValue(request, "authorization")),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

// Golden value computed with botocore 1.44.5's S3SigV4Auth (an independent implementation):
// a session token, a port in the host, and query values that need encoding.
TEST(SigV4Test, SessionTokenAndEncodedQueryMatchBotocore) {
  SigV4Credentials credentials = kExampleCredentials;
  credentials.session_token = "FQoGZXIvYXdzEXAMPLETOKEN+/=";
  SigV4Request request;
  request.method = "GET";
  request.canonical_uri = "/my-bucket";
  request.query = {{"list-type", "2"}, {"prefix", "wh/a b"}, {"continuation-token", "a/b+c=="}};
  request.headers = {{"host", "127.0.0.1:9000"}};
  request.payload_sha256_hex = std::string(kEmptyPayloadSha256);
  SignV4(credentials, "us-east-1", "s3", kExampleTimeMicros, request);
  EXPECT_EQ(HeaderValue(request, "x-amz-security-token"), credentials.session_token);
  EXPECT_EQ(CanonicalQueryString(request.query),
            "continuation-token=a%2Fb%2Bc%3D%3D&list-type=2&prefix=wh%2Fa%20b");
  EXPECT_EQ(SignatureOf(HeaderValue(request, "authorization")),
            "da0c37e836e5016d269404627a34123e5cfca9af7bc17f884f35b735a424a72c");
}

// Golden value from botocore 1.44.5: an encoded non-ASCII key and a header value whose
// spaces are trimmed and collapsed.
TEST(SigV4Test, EncodedKeyAndSpacedHeaderMatchBotocore) {
  const std::string body = "hello";
  SigV4Request request;
  request.method = "PUT";
  request.canonical_uri = "/my-bucket/" + UriEncode("wh/a b/\xC3\xA9t\xC3\xA9+x~y.parquet", true);
  EXPECT_EQ(request.canonical_uri, "/my-bucket/wh/a%20b/%C3%A9t%C3%A9%2Bx~y.parquet");
  request.headers = {
      {"Host", "127.0.0.1:9000"}, {"If-None-Match", "*"}, {"Content-MD5", "  spaced   value  "}};
  request.payload_sha256_hex = Sha256Hex(AsBytes(body));
  SignV4(kExampleCredentials, "us-east-1", "s3", kExampleTimeMicros, request);
  EXPECT_NE(CanonicalRequest(request).find("\ncontent-md5:spaced value\n"), std::string::npos);
  EXPECT_EQ(SignatureOf(HeaderValue(request, "authorization")),
            "38cdeadab725de9e74de1c44d32d48d943f02d5be0a12c731d5bae678e3fa1bf");
}

TEST(SigV4Test, RepeatedHeadersAreJoinedWithCommas) {
  SigV4Request request;
  request.method = "GET";
  request.canonical_uri = "/";
  request.headers = {{"X-Multi", "b"}, {"host", "h"}, {"x-multi", "a"}};
  request.payload_sha256_hex = std::string(kEmptyPayloadSha256);
  EXPECT_EQ(SignedHeaders(request.headers), "host;x-multi");
  EXPECT_NE(CanonicalRequest(request).find("x-multi:b,a\n"), std::string::npos);
}

TEST(SigV4Test, SigningKeyDependsOnEveryScopePart) {
  const std::string key = SigningKey("secret", "20130524", "us-east-1", "s3");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_NE(key, SigningKey("secret", "20130525", "us-east-1", "s3"));
  EXPECT_NE(key, SigningKey("secret", "20130524", "eu-west-1", "s3"));
  EXPECT_NE(key, SigningKey("secret", "20130524", "us-east-1", "glue"));
  EXPECT_NE(key, SigningKey("secret2", "20130524", "us-east-1", "s3"));
}

TEST(SigV4Test, AuthorizationNeverContainsTheSecret) {
  SigV4Request request = ExampleGetObject();
  SignV4(kExampleCredentials, "us-east-1", "s3", kExampleTimeMicros, request);
  for (const auto& [name, value] : request.headers) {
    EXPECT_EQ(value.find(kExampleCredentials.secret_access_key), std::string::npos) << name;
  }
}

TEST(CryptoTest, KnownDigestsAndEncodings) {
  // RFC 1321 and RFC 4648 test vectors.
  EXPECT_EQ(Md5Hex(AsBytes("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex(AsBytes("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  std::string raw;
  ASSERT_TRUE(HexDecode("00ffA0", &raw));
  EXPECT_EQ(raw, std::string("\x00\xff\xa0", 3));
  EXPECT_FALSE(HexDecode("abc", &raw));
  EXPECT_FALSE(HexDecode("zz", &raw));
}

}  // namespace
}  // namespace pg2iceberg::s3
