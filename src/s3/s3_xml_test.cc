#include "s3/s3_xml.h"

#include <gtest/gtest.h>

namespace pg2iceberg::s3 {
namespace {

constexpr std::string_view kTruncatedPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>wh/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>wh/a&amp;b &lt;1&gt;.parquet</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
    <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>wh/caf&#233;&#x2F;x</Key><ETag>"abc"</ETag><Size>18446744073709551615</Size></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";

TEST(S3XmlTest, ParsesATruncatedListPageAndDecodesKeys) {
  Result<S3ListPage> page = ParseListObjectsV2(kTruncatedPage);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "wh/a&b <1>.parquet");
  EXPECT_EQ(page->objects[0].size_bytes, 0u);
  EXPECT_EQ(page->objects[0].etag, "\"d41d8cd98f00b204e9800998ecf8427e\"");
  EXPECT_EQ(page->objects[1].key, "wh/caf\xC3\xA9/x");
  EXPECT_EQ(page->objects[1].size_bytes, UINT64_MAX);
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3XmlTest, ParsesTheLastAndAnEmptyPage) {
  Result<S3ListPage> last = ParseListObjectsV2(
      "<ListBucketResult><KeyCount>1</KeyCount><Contents><Key>k</Key><Size>5</Size></Contents>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(last.ok()) << last.status().ToString();
  ASSERT_EQ(last->objects.size(), 1u);
  EXPECT_EQ(last->objects[0].key, "k");
  EXPECT_FALSE(last->is_truncated);
  Result<S3ListPage> empty = ParseListObjectsV2(
      "<ListBucketResult><Prefix/><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->objects.empty());
}

TEST(S3XmlTest, RejectsBrokenListPages) {
  const std::vector<std::string> broken = {
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",    // no token
      "<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>",  // no size
      "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>99999999999999999999</Size></Contents>"
      "</ListBucketResult>",
      "<ListBucketResult><Contents><Key>a&bogus;</Key><Size>1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>1</Size>",  // cut off
      "<Error><Code>InternalError</Code></Error>",
      "not xml at all",
  };
  for (const std::string& xml : broken) {
    Result<S3ListPage> page = ParseListObjectsV2(xml);
    ASSERT_FALSE(page.ok()) << xml;
    EXPECT_EQ(page.status().code(), StatusCode::kInternal) << xml;
  }
}

TEST(S3XmlTest, ElementScanDoesNotMatchLongerNames) {
  XmlElements keys("<R><KeyCount>9</KeyCount><Key>a</Key><Keys>x</Keys><Key/><Key>b</Key></R>",
                   "Key");
  std::vector<std::string> found;
  while (true) {
    Result<std::optional<std::string_view>> next = keys.Next();
    ASSERT_TRUE(next.ok());
    if (!next->has_value()) break;
    found.emplace_back(**next);
  }
  EXPECT_EQ(found, (std::vector<std::string>{"a", "", "b"}));
}

TEST(S3XmlTest, UnescapeHandlesEntitiesAndRejectsNonsense) {
  EXPECT_EQ(*XmlUnescape("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;"),
            "<>&\"'AB\xF0\x9F\x98\x80");
  EXPECT_FALSE(XmlUnescape("a & b").ok());
  EXPECT_FALSE(XmlUnescape("&#xD800;").ok());
  EXPECT_FALSE(XmlUnescape("&#0;").ok());
  EXPECT_FALSE(XmlUnescape("&#x110000;").ok());
  EXPECT_FALSE(XmlUnescape("&#12a;").ok());
  EXPECT_EQ(*XmlUnescape(XmlEscape("a<b>&\"c'")), "a<b>&\"c'");
}

TEST(S3XmlTest, ParsesPerKeyDeleteErrors) {
  Result<std::vector<S3DeleteError>> errors = ParseDeleteErrors(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted><Key>ok</Key></Deleted>
  <Error><Key>a&amp;b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
  <Error><Key>c</Key><Code>InternalError</Code></Error>
</DeleteResult>)");
  ASSERT_TRUE(errors.ok()) << errors.status().ToString();
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0].key, "a&b");
  EXPECT_EQ((*errors)[0].code, "AccessDenied");
  EXPECT_EQ((*errors)[0].message, "Access Denied");
  EXPECT_EQ((*errors)[1].code, "InternalError");
  EXPECT_TRUE(ParseDeleteErrors("<DeleteResult/>")->empty());
  EXPECT_FALSE(ParseDeleteErrors("<Error><Code>SlowDown</Code></Error>").ok());
}

TEST(S3XmlTest, ParsesErrorDocuments) {
  const S3ErrorBody error = ParseS3Error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
      "<Message>The specified key does not exist.</Message><Key>a/b</Key>"
      "<RequestId>4442587FB7D0A2F9</RequestId></Error>");
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.message, "The specified key does not exist.");
  EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");
  const S3ErrorBody none = ParseS3Error("");
  EXPECT_TRUE(none.code.empty() && none.message.empty() && none.request_id.empty());
  EXPECT_TRUE(ParseS3Error("<html><body>Bad Gateway</body></html>").code.empty());
}

TEST(S3XmlTest, ParsesUploadId) {
  EXPECT_EQ(
      *ParseUploadId("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                     "<UploadId>VXBsb2FkIElE&amp;x</UploadId></InitiateMultipartUploadResult>"),
      "VXBsb2FkIElE&x");
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult/>").ok());
  EXPECT_FALSE(ParseUploadId("<InitiateMultipartUploadResult><UploadId></UploadId>"
                             "</InitiateMultipartUploadResult>")
                   .ok());
}

TEST(S3XmlTest, BuildsRequestDocumentsWithEscapedText) {
  EXPECT_EQ(DeleteObjectsXml({"a&b", "c<d"}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            "<Object><Key>a&amp;b</Key></Object><Object><Key>c&lt;d</Key></Object></Delete>");
  EXPECT_EQ(CompleteMultipartUploadXml({{1, "\"e1\""}, {2, "\"e2\""}}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
}

TEST(S3XmlTest, RootNameSkipsDeclarationsAndComments) {
  EXPECT_EQ(XmlRootName("<?xml version=\"1.0\"?>\n<!-- c --><Error><Code/></Error>"), "Error");
  EXPECT_EQ(XmlRootName("<ListBucketResult xmlns=\"x\">"), "ListBucketResult");
  EXPECT_EQ(XmlRootName("plain text"), "");
}

}  // namespace
}  // namespace pg2iceberg::s3
