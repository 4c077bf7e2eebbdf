// S3Client: bucket and single-object operations, listing and batch deletes.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "s3/crypto.h"
#include "s3/s3_client.h"
#include "s3/s3_errors.h"
#include "s3/s3_xml.h"

namespace pg2iceberg {
namespace {

std::string ToLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Result<uint64_t> ContentLength(const HttpResponse& response, std::string_view what) {
  const std::string text = response.Header("content-length");
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return Status::Internal(std::string(what) + ": bad or missing Content-Length \"" + text + "\"");
  }
  return value;
}

// "bytes=first-last" for [offset, offset + length); open-ended when the end overflows.
std::string RangeHeader(uint64_t offset, uint64_t length) {
  const uint64_t last = offset + length - 1;
  if (last < offset) return "bytes=" + std::to_string(offset) + "-";
  return "bytes=" + std::to_string(offset) + "-" + std::to_string(last);
}

Bytes Slice(const Bytes& body, uint64_t offset, uint64_t length) {
  if (offset >= body.size()) return Bytes();
  const uint64_t end = offset + std::min<uint64_t>(length, body.size() - offset);
  return Bytes(body.begin() + static_cast<ptrdiff_t>(offset),
               body.begin() + static_cast<ptrdiff_t>(end));
}

// A DeleteResult's per-key errors as a Status: retryable ones as kUnavailable (the batch is
// sent again), others mapped like request errors. Keys that were already gone are fine.
Status DeleteResultStatus(const HttpResponse& response, std::string_view bucket,
                          std::string_view what) {
  const Result<std::vector<s3::S3DeleteError>> errors =
      s3::ParseDeleteErrors(AsStringView(response.body));
  if (!errors.ok()) return errors.status().WithContext(what);
  for (const s3::S3DeleteError& error : *errors) {
    if (error.code == "NoSuchKey") continue;
    return s3::ClassifyS3Error(response.status, {error.code, error.message, ""}, bucket,
                               std::string(what) + " (key \"" + error.key + "\")", "");
  }
  return Status::Ok();
}

}  // namespace

Status S3Client::CreateBucket(std::string_view bucket) {
  RETURN_IF_ERROR(s3::ValidateBucketName(bucket));
  Call call = MakeCall("PUT", bucket, "", "CreateBucket");
  // us-east-1 is the default location and S3 rejects it as an explicit LocationConstraint.
  const std::string body =
      options_.region == "us-east-1" ? std::string() : s3::CreateBucketXml(options_.region);
  call.body = AsBytes(body);
  return Execute(call).status();
}

Status S3Client::HeadBucket(std::string_view bucket) {
  RETURN_IF_ERROR(s3::ValidateBucketName(bucket));
  const Result<HttpResponse> response = Execute(MakeCall("HEAD", bucket, "", "HeadBucket"));
  if (response.status().code() == StatusCode::kNotFound) {
    // HEAD responses carry no error document, so a 404 cannot say NoSuchBucket itself.
    return Status::InvalidArgument("S3 bucket \"" + std::string(bucket) + "\" does not exist (" +
                                   response.status().message() + ")");
  }
  return response.status();
}

Status S3Client::PutObject(std::string_view bucket, std::string_view key, ByteSpan body,
                           const S3PutObjectOptions& options) {
  Call call = MakeCall("PUT", bucket, key, "PutObject");
  call.body = body;
  if (options.if_none_match) call.headers.emplace_back("if-none-match", "*");
  int attempts = 0;
  const Result<HttpResponse> response = Execute(call, &attempts);
  if (response.status().code() == StatusCode::kConflict && options.if_none_match && attempts > 1) {
    return ReconcileConditionalWrite(bucket, key, "\"" + s3::Md5Hex(body) + "\"",
                                     response.status());
  }
  return response.status();
}

Status S3Client::ReconcileConditionalWrite(std::string_view bucket, std::string_view key,
                                           const std::string& expected_etag,
                                           const Status& conflict) {
  const std::string context =
      conflict.message() + "; the write had been retried, so the object may be our own";
  const Result<S3ObjectMeta> meta = HeadObject(bucket, key);
  if (!meta.ok()) {
    return Status::OutcomeUnknown(context + ", and checking it failed: " + meta.status().message());
  }
  if (ToLower(meta->etag) == ToLower(expected_etag)) return Status::Ok();
  return Status::OutcomeUnknown(context + ": its ETag " + meta->etag + " is not " + expected_etag +
                                " (another writer's object, or an ETag that is not an MD5)");
}

Result<Bytes> S3Client::GetObject(std::string_view bucket, std::string_view key) {
  ASSIGN_OR_RETURN(HttpResponse response, Execute(MakeCall("GET", bucket, key, "GetObject")));
  return std::move(response.body);
}

Result<Bytes> S3Client::GetObjectRange(std::string_view bucket, std::string_view key,
                                       uint64_t offset, uint64_t length) {
  if (length == 0) {
    RETURN_IF_ERROR(HeadObject(bucket, key).status());
    return Bytes();
  }
  Call call = MakeCall("GET", bucket, key, "GetObject");
  call.headers.emplace_back("range", RangeHeader(offset, length));
  call.pass_status = 416;  // InvalidRange: the range starts at or past the end
  ASSIGN_OR_RETURN(HttpResponse response, Execute(call));
  if (response.status == 416) return Bytes();
  // 200: a server that ignores Range sends the whole object.
  if (response.status != 206) return Slice(response.body, offset, length);
  if (response.body.size() > length) {
    return Status::Internal(call.what + ": asked for " + std::to_string(length) + " bytes, got " +
                            std::to_string(response.body.size()));
  }
  return std::move(response.body);
}

Result<S3ObjectMeta> S3Client::HeadObject(std::string_view bucket, std::string_view key) {
  const Call call = MakeCall("HEAD", bucket, key, "HeadObject");
  ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  S3ObjectMeta meta;
  meta.key = std::string(key);
  ASSIGN_OR_RETURN(meta.size_bytes, ContentLength(response, call.what));
  meta.etag = response.Header("etag");
  return meta;
}

Result<S3ListPage> S3Client::ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                           std::string_view continuation_token) {
  Call call = MakeCall("GET", bucket, "", "ListObjectsV2");
  call.what += " prefix \"" + std::string(prefix) + "\"";
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(options_.list_page_keys_max)}};
  if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
  if (!continuation_token.empty()) {
    call.query.emplace_back("continuation-token", std::string(continuation_token));
  }
  ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  Result<S3ListPage> page = s3::ParseListObjectsV2(AsStringView(response.body));
  if (!page.ok()) return page.status().WithContext(call.what);
  return page;
}

Result<std::vector<S3ObjectMeta>> S3Client::ListAllObjects(std::string_view bucket,
                                                           std::string_view prefix) {
  std::vector<S3ObjectMeta> objects;
  std::string token;
  while (true) {
    ASSIGN_OR_RETURN(S3ListPage page, ListObjectsV2(bucket, prefix, token));
    for (S3ObjectMeta& meta : page.objects) objects.push_back(std::move(meta));
    if (!page.is_truncated) return objects;
    if (page.next_continuation_token == token) {
      return Status::Internal("S3 ListObjectsV2 s3://" + std::string(bucket) +
                              ": the server repeated continuation token \"" + token + "\"");
    }
    token = std::move(page.next_continuation_token);
  }
}

Status S3Client::DeleteObjects(std::string_view bucket, const std::vector<std::string>& keys) {
  const size_t batch_max = options_.delete_batch_keys_max;
  for (size_t begin = 0; begin < keys.size(); begin += batch_max) {
    const std::vector<std::string> batch(
        keys.begin() + static_cast<ptrdiff_t>(begin),
        keys.begin() + static_cast<ptrdiff_t>(std::min(keys.size(), begin + batch_max)));
    const std::string body = s3::DeleteObjectsXml(batch);
    Call call = MakeCall("POST", bucket, "", "DeleteObjects");
    call.what += " (" + std::to_string(batch.size()) + " keys from \"" + batch.front() + "\")";
    call.query = {{"delete", ""}};
    call.headers = {{"content-md5", s3::Md5Base64(AsBytes(body))},
                    {"content-type", "application/xml"}};
    call.body = AsBytes(body);
    call.check = [&bucket, &call](const HttpResponse& response) {
      return DeleteResultStatus(response, bucket, call.what);
    };
    RETURN_IF_ERROR(Execute(call).status());
  }
  return Status::Ok();
}

}  // namespace pg2iceberg
