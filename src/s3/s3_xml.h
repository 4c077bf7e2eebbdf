// The little XML S3 speaks: a scanner for the few elements we read from responses
// (ListObjectsV2, DeleteObjects, CreateMultipartUpload, CompleteMultipartUpload, errors) and
// the escaping for the request bodies we build. Not a general XML parser: it finds elements
// by name in S3's flat, namespace-free, CDATA-free responses. Malformed input yields a
// Status (kInternal "malformed S3 XML: …"), never a crash. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "s3/s3_types.h"

namespace pg2iceberg::s3 {

// Escapes & < > " ' for element text.
std::string XmlEscape(std::string_view text);
// Decodes the five predefined entities and numeric references (&#65; &#x41;, as UTF-8).
// Any other '&' sequence → kInternal.
Result<std::string> XmlUnescape(std::string_view text);

// The name of the document's root element ("" when there is none).
std::string_view XmlRootName(std::string_view xml);

// Scans `xml` for successive elements named `name`: each Next() returns the raw (still
// escaped) content of the next one, or nullopt after the last. Elements of other names are
// skipped ("<Key>" never matches "<KeyCount>"); "<Name/>" has empty content. An opening tag
// without its closing tag → kInternal.
class XmlElements {
 public:
  XmlElements(std::string_view xml, std::string_view name) : xml_(xml), name_(name) {}
  Result<std::optional<std::string_view>> Next();

 private:
  std::string_view xml_;
  std::string_view name_;
  size_t pos_ = 0;
};

// The unescaped text of the first element `name` in `xml`, or nullopt when there is none.
Result<std::optional<std::string>> XmlFirstText(std::string_view xml, std::string_view name);

// A ListBucketResult (ListObjectsV2). A truncated page without a NextContinuationToken, a
// missing or non-numeric Size, or another root element → kInternal.
Result<S3ListPage> ParseListObjectsV2(std::string_view xml);

struct S3DeleteError {
  std::string key;
  std::string code;
  std::string message;
};
// The <Error> entries of a DeleteResult (DeleteObjects); another root → kInternal.
Result<std::vector<S3DeleteError>> ParseDeleteErrors(std::string_view xml);

// An S3 <Error> document. Missing fields stay empty; a body that is not an <Error> document
// (HEAD responses have none) gives all-empty fields.
struct S3ErrorBody {
  std::string code;
  std::string message;
  std::string request_id;
};
S3ErrorBody ParseS3Error(std::string_view xml);

// The UploadId of an InitiateMultipartUploadResult; missing → kInternal.
Result<std::string> ParseUploadId(std::string_view xml);

// <CreateBucketConfiguration> naming the bucket's region.
std::string CreateBucketXml(std::string_view region);

// <Delete> with Quiet mode for DeleteObjects.
std::string DeleteObjectsXml(const std::vector<std::string>& keys);

// <CompleteMultipartUpload> listing the parts in order.
std::string CompleteMultipartUploadXml(const std::vector<S3CompletedPart>& parts);

}  // namespace pg2iceberg::s3
