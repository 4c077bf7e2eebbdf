#include "s3/s3_errors.h"

#include <algorithm>
#include <array>

namespace pg2iceberg::s3 {
namespace {

template <size_t N>
bool OneOf(std::string_view code, const std::array<std::string_view, N>& codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

constexpr std::array<std::string_view, 13> kRetryableCodes = {"SlowDown",
                                                              "RequestTimeout",
                                                              "InternalError",
                                                              "ServiceUnavailable",
                                                              "Throttling",
                                                              "ThrottlingException",
                                                              "RequestThrottled",
                                                              "RequestLimitExceeded",
                                                              "OperationAborted",
                                                              "BadDigest",
                                                              "IncompleteBody",
                                                              "XAmzContentSHA256Mismatch",
                                                              "TooManyRequestsException"};

constexpr std::array<std::string_view, 9> kAuthCodes = {
    "InvalidAccessKeyId",   "SignatureDoesNotMatch", "ExpiredToken",
    "InvalidToken",         "TokenRefreshRequired",  "AuthorizationHeaderMalformed",
    "RequestTimeTooSkewed", "InvalidSecurity",       "AccessDenied"};

constexpr std::array<std::string_view, 4> kOurBugCodes = {"MalformedXML", "InvalidDigest",
                                                          "InvalidPart", "InvalidPartOrder"};

// "S3 GET s3://b/k: HTTP 404 NoSuchKey: The specified key does not exist. (request id R)".
std::string Describe(int http_status, const S3ErrorBody& error, std::string_view what) {
  std::string text = std::string(what) + ": HTTP " + std::to_string(http_status);
  if (!error.code.empty()) text += " " + error.code;
  if (!error.message.empty()) text += ": " + error.message;
  if (!error.request_id.empty()) text += " (request id " + error.request_id + ")";
  return text;
}

Status RedirectStatus(std::string_view bucket, std::string_view bucket_region,
                      const std::string& detail) {
  std::string text = "S3 bucket \"" + std::string(bucket) +
                     "\" must be reached through another endpoint or region";
  if (!bucket_region.empty()) text += " (it is in region " + std::string(bucket_region) + ")";
  return Status::InvalidArgument(text + ": " + detail);
}

}  // namespace

bool IsRetryableS3Error(int http_status, std::string_view code) {
  if (http_status >= 500 && http_status != 501) return true;
  return http_status == 429 || OneOf(code, kRetryableCodes);
}

Status ClassifyS3Error(int http_status, const S3ErrorBody& error, std::string_view bucket,
                       std::string_view what, std::string_view bucket_region) {
  const std::string detail = Describe(http_status, error, what);
  const std::string_view code = error.code;
  if (IsRetryableS3Error(http_status, code)) return Status::Unavailable(detail);
  if (code == "NoSuchBucket") {
    return Status::InvalidArgument("S3 bucket \"" + std::string(bucket) + "\" does not exist (" +
                                   detail + ")");
  }
  if (http_status == 404 || code == "NoSuchKey" || code == "NoSuchUpload") {
    return Status::NotFound(detail);
  }
  if (code == "AccessDenied") {
    return Status::InvalidArgument(
        "S3 access denied (check the credentials' permissions on "
        "bucket \"" +
        std::string(bucket) + "\"): " + detail);
  }
  if (http_status == 403 || OneOf(code, kAuthCodes)) {
    return Status::InvalidArgument("S3 authentication failed: " + detail);
  }
  if (http_status == 409 || http_status == 412) return Status::Conflict(detail);
  if (http_status == 301 || http_status == 307 || code == "PermanentRedirect") {
    return RedirectStatus(bucket, bucket_region, detail);
  }
  if (OneOf(code, kOurBugCodes)) return Status::Internal(detail);
  if ((http_status >= 400 && http_status < 500) || http_status == 501) {
    return Status::InvalidArgument(detail);
  }
  return Status::Internal(detail);
}

Status S3ResponseStatus(const HttpResponse& response, std::string_view bucket,
                        std::string_view what) {
  return ClassifyS3Error(response.status, ParseS3Error(AsStringView(response.body)), bucket, what,
                         response.Header("x-amz-bucket-region"));
}

}  // namespace pg2iceberg::s3
