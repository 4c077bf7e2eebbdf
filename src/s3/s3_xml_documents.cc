// The S3 XML documents we read and write, over the scanner in s3_xml.cc.
#include <charconv>

#include "s3/s3_xml.h"

namespace pg2iceberg::s3 {
namespace {

constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

Status Malformed(std::string_view what) {
  return Status::Internal("malformed S3 XML: " + std::string(what));
}

Status ExpectRoot(std::string_view xml, std::string_view root) {
  const std::string_view found = XmlRootName(xml);
  if (found == root) return Status::Ok();
  return Malformed("expected a <" + std::string(root) + "> document, got <" + std::string(found) +
                   ">");
}

Result<std::string> RequiredText(std::string_view xml, std::string_view name,
                                 std::string_view where) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, XmlFirstText(xml, name));
  if (!text.has_value()) {
    return Malformed("<" + std::string(where) + "> without <" + std::string(name) + ">");
  }
  return std::move(*text);
}

std::string TextOrEmpty(std::string_view xml, std::string_view name) {
  Result<std::optional<std::string>> text = XmlFirstText(xml, name);
  return text.ok() && text->has_value() ? std::move(**text) : std::string();
}

Result<S3ObjectMeta> ParseContents(std::string_view contents) {
  S3ObjectMeta meta;
  ASSIGN_OR_RETURN(meta.key, RequiredText(contents, "Key", "Contents"));
  ASSIGN_OR_RETURN(const std::string size, RequiredText(contents, "Size", "Contents"));
  const auto [end, error] =
      std::from_chars(size.data(), size.data() + size.size(), meta.size_bytes);
  if (size.empty() || error != std::errc() || end != size.data() + size.size()) {
    return Malformed("bad <Size> \"" + size + "\" for key \"" + meta.key + "\"");
  }
  meta.etag = TextOrEmpty(contents, "ETag");
  return meta;
}

}  // namespace

Result<S3ListPage> ParseListObjectsV2(std::string_view xml) {
  RETURN_IF_ERROR(ExpectRoot(xml, "ListBucketResult"));
  S3ListPage page;
  XmlElements contents(xml, "Contents");
  while (true) {
    ASSIGN_OR_RETURN(const std::optional<std::string_view> entry, contents.Next());
    if (!entry.has_value()) break;
    ASSIGN_OR_RETURN(S3ObjectMeta meta, ParseContents(*entry));
    page.objects.push_back(std::move(meta));
  }
  ASSIGN_OR_RETURN(const std::optional<std::string> truncated, XmlFirstText(xml, "IsTruncated"));
  page.is_truncated = truncated.has_value() && *truncated == "true";
  if (page.is_truncated) {
    ASSIGN_OR_RETURN(page.next_continuation_token,
                     RequiredText(xml, "NextContinuationToken", "ListBucketResult"));
    if (page.next_continuation_token.empty()) return Malformed("empty <NextContinuationToken>");
  }
  return page;
}

Result<std::vector<S3DeleteError>> ParseDeleteErrors(std::string_view xml) {
  RETURN_IF_ERROR(ExpectRoot(xml, "DeleteResult"));
  std::vector<S3DeleteError> errors;
  XmlElements entries(xml, "Error");
  while (true) {
    ASSIGN_OR_RETURN(const std::optional<std::string_view> entry, entries.Next());
    if (!entry.has_value()) break;
    S3DeleteError error;
    ASSIGN_OR_RETURN(error.key, RequiredText(*entry, "Key", "Error"));
    ASSIGN_OR_RETURN(error.code, RequiredText(*entry, "Code", "Error"));
    error.message = TextOrEmpty(*entry, "Message");
    errors.push_back(std::move(error));
  }
  return errors;
}

S3ErrorBody ParseS3Error(std::string_view xml) {
  S3ErrorBody error;
  if (XmlRootName(xml) != "Error") return error;
  error.code = TextOrEmpty(xml, "Code");
  error.message = TextOrEmpty(xml, "Message");
  error.request_id = TextOrEmpty(xml, "RequestId");
  return error;
}

Result<std::string> ParseUploadId(std::string_view xml) {
  RETURN_IF_ERROR(ExpectRoot(xml, "InitiateMultipartUploadResult"));
  ASSIGN_OR_RETURN(std::string upload_id,
                   RequiredText(xml, "UploadId", "InitiateMultipartUploadResult"));
  if (upload_id.empty()) return Malformed("empty <UploadId>");
  return upload_id;
}

std::string CreateBucketXml(std::string_view region) {
  return "<CreateBucketConfiguration xmlns=\"" + std::string(kS3Namespace) +
         "\"><LocationConstraint>" + XmlEscape(region) +
         "</LocationConstraint></CreateBucketConfiguration>";
}

std::string DeleteObjectsXml(const std::vector<std::string>& keys) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete xmlns=\"" +
                    std::string(kS3Namespace) + "\"><Quiet>true</Quiet>";
  for (const std::string& key : keys) xml += "<Object><Key>" + XmlEscape(key) + "</Key></Object>";
  xml += "</Delete>";
  return xml;
}

std::string CompleteMultipartUploadXml(const std::vector<S3CompletedPart>& parts) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload xmlns=\"" +
      std::string(kS3Namespace) + "\">";
  for (const S3CompletedPart& part : parts) {
    xml += "<Part><PartNumber>" + std::to_string(part.part_number) + "</PartNumber><ETag>" +
           XmlEscape(part.etag) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

}  // namespace pg2iceberg::s3
