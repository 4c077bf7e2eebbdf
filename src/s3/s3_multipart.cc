// S3Client: multipart uploads. Parts go up in waves of multipart_concurrency requests handed to
// HttpTransport::SendAll, which runs them concurrently without threads of ours.
#include <algorithm>

#include "s3/crypto.h"
#include "s3/s3_client.h"
#include "s3/s3_errors.h"
#include "s3/s3_xml.h"

namespace pg2iceberg {
namespace {

constexpr uint64_t kMaxParts = 10000;

uint64_t PartSizeFor(uint64_t body_bytes, uint64_t preferred_bytes) {
  const uint64_t needed = (body_bytes + kMaxParts - 1) / kMaxParts;
  return std::max(preferred_bytes, needed);
}

// S3 can answer CompleteMultipartUpload with 200 and an <Error> document.
Status CompleteResponseStatus(const HttpResponse& response, std::string_view bucket,
                              std::string_view what) {
  const std::string_view body = AsStringView(response.body);
  if (s3::XmlRootName(body) != "Error") return Status::Ok();
  return s3::ClassifyS3Error(response.status, s3::ParseS3Error(body), bucket, what, "");
}

// The ETag S3 gives a completed multipart object: MD5 of the parts' binary MD5s, "-" count.
// Empty when a part's ETag is not a quoted MD5 (a server that computes them otherwise).
std::string MultipartEtag(const std::vector<S3CompletedPart>& parts) {
  std::string digests;
  for (const S3CompletedPart& part : parts) {
    std::string_view hex = part.etag;
    if (hex.size() == 34 && hex.front() == '"' && hex.back() == '"') hex = hex.substr(1, 32);
    std::string raw;
    if (hex.size() != 32 || !s3::HexDecode(hex, &raw)) return "";
    digests += raw;
  }
  return "\"" + s3::Md5Hex(AsBytes(digests)) + "-" + std::to_string(parts.size()) + "\"";
}

}  // namespace

Status S3Client::PutObjectMultipart(std::string_view bucket, std::string_view key, ByteSpan body,
                                    const S3PutObjectOptions& options) {
  ASSIGN_OR_RETURN(const std::string upload_id, CreateMultipartUpload(bucket, key));
  const Status status = UploadPartsAndComplete(bucket, key, upload_id, body, options);
  if (!status.ok()) {
    // Best effort: a failed abort leaves parts that a bucket lifecycle rule can remove.
    AbortMultipartUpload(bucket, key, upload_id).IgnoreError();
  }
  return status;
}

Status S3Client::UploadPartsAndComplete(std::string_view bucket, std::string_view key,
                                        std::string_view upload_id, ByteSpan body,
                                        const S3PutObjectOptions& options) {
  const uint64_t part_bytes = PartSizeFor(body.size(), options_.multipart_part_size_bytes);
  const uint64_t part_count = std::max<uint64_t>(1, (body.size() + part_bytes - 1) / part_bytes);
  const uint64_t wave = static_cast<uint64_t>(options_.multipart_concurrency);
  std::vector<S3CompletedPart> parts;
  for (uint64_t first = 0; first < part_count; first += wave) {
    const uint64_t end = std::min(part_count, first + wave);
    std::vector<Call> calls;
    std::vector<HttpRequest> requests;
    for (uint64_t index = first; index < end; ++index) {
      const uint64_t offset = index * part_bytes;
      const uint64_t size = std::min<uint64_t>(part_bytes, body.size() - offset);
      calls.push_back(UploadPartCall(bucket, key, upload_id, static_cast<int>(index) + 1,
                                     body.subspan(offset, size)));
      HttpRequest& request = requests.emplace_back();
      request.method = calls.back().method;
      request.body.assign(calls.back().body.begin(), calls.back().body.end());
      request.timeout_ms = options_.request_timeout_ms;
      Sign(calls.back(), s3::Sha256Hex(calls.back().body), request);
    }
    std::vector<Result<HttpResponse>> sent = http_.SendAll(requests, static_cast<int>(wave));
    requests.clear();  // frees this wave's copies of the parts before any retry
    for (size_t i = 0; i < calls.size(); ++i) {
      Result<HttpResponse> response = Interpret(calls[i], std::move(sent[i]));
      if (!response.ok() && response.status().code() == StatusCode::kUnavailable) {
        response = Execute(calls[i]);  // retried with backoff within the deadline
      }
      if (!response.ok()) return response.status();
      std::string etag = response->Header("etag");
      if (etag.empty()) return Status::Internal(calls[i].what + ": the response has no ETag");
      parts.push_back({static_cast<int>(first + i) + 1, std::move(etag)});
    }
  }
  return CompleteMultipartUpload(bucket, key, upload_id, parts, options);
}

Result<std::string> S3Client::CreateMultipartUpload(std::string_view bucket, std::string_view key) {
  Call call = MakeCall("POST", bucket, key, "CreateMultipartUpload");
  call.query = {{"uploads", ""}};
  ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  Result<std::string> upload_id = s3::ParseUploadId(AsStringView(response.body));
  if (!upload_id.ok()) return upload_id.status().WithContext(call.what);
  return upload_id;
}

S3Client::Call S3Client::UploadPartCall(std::string_view bucket, std::string_view key,
                                        std::string_view upload_id, int part_number,
                                        ByteSpan data) const {
  Call call = MakeCall("PUT", bucket, key, "UploadPart " + std::to_string(part_number) + " of");
  call.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  call.body = data;
  return call;
}

Result<std::string> S3Client::UploadPart(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id, int part_number,
                                         ByteSpan data) {
  const Call call = UploadPartCall(bucket, key, upload_id, part_number, data);
  ASSIGN_OR_RETURN(const HttpResponse response, Execute(call));
  std::string etag = response.Header("etag");
  if (etag.empty()) return Status::Internal(call.what + ": the response has no ETag");
  return etag;
}

Status S3Client::CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id,
                                         const std::vector<S3CompletedPart>& parts,
                                         const S3PutObjectOptions& options) {
  const std::string body = s3::CompleteMultipartUploadXml(parts);
  Call call = MakeCall("POST", bucket, key, "CompleteMultipartUpload");
  call.query = {{"uploadId", std::string(upload_id)}};
  call.headers = {{"content-type", "application/xml"}};
  if (options.if_none_match) call.headers.emplace_back("if-none-match", "*");
  call.body = AsBytes(body);
  call.check = [&bucket, &call](const HttpResponse& response) {
    return CompleteResponseStatus(response, bucket, call.what);
  };
  int attempts = 0;
  const Result<HttpResponse> response = Execute(call, &attempts);
  if (response.status().code() == StatusCode::kConflict && options.if_none_match && attempts > 1) {
    return ReconcileConditionalWrite(bucket, key, MultipartEtag(parts), response.status());
  }
  return response.status();
}

Status S3Client::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  Call call = MakeCall("DELETE", bucket, key, "AbortMultipartUpload");
  call.query = {{"uploadId", std::string(upload_id)}};
  const Status status = Execute(call).status();
  return status.code() == StatusCode::kNotFound ? Status::Ok() : status;
}

}  // namespace pg2iceberg
