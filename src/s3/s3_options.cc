#include "s3/s3_options.h"

#include <algorithm>
#include <string>

#include "s3/s3_endpoint.h"

namespace pg2iceberg {
namespace {

constexpr uint64_t kMinPartBytes = uint64_t{5} << 20;
constexpr uint64_t kMaxPartBytes = uint64_t{5} << 30;

Status Bad(std::string_view field, std::string_view reason) {
  return Status::InvalidArgument("S3 option " + std::string(field) + ": " + std::string(reason));
}

bool IsRegionChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Visible ASCII only: these values go into HTTP headers.
bool IsHeaderSafe(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

Status ValidateRetry(const S3RetryOptions& retry) {
  if (retry.max_attempts < 1) return Bad("retry.max_attempts", "must be at least 1");
  if (retry.deadline_ms <= 0) return Bad("retry.deadline_ms", "must be positive");
  if (retry.initial_backoff_ms < 0 || retry.max_backoff_ms < retry.initial_backoff_ms) {
    return Bad("retry backoff", "need 0 <= initial_backoff_ms <= max_backoff_ms");
  }
  return Status::Ok();
}

Status ValidateLimits(const S3Options& options) {
  if (options.request_timeout_ms <= 0) return Bad("request_timeout_ms", "must be positive");
  if (options.multipart_part_size_bytes < kMinPartBytes ||
      options.multipart_part_size_bytes > kMaxPartBytes) {
    return Bad("multipart_part_size_bytes", "must be between 5 MiB and 5 GiB (S3's limits)");
  }
  if (options.multipart_threshold_bytes < options.multipart_part_size_bytes) {
    return Bad("multipart_threshold_bytes", "must be at least multipart_part_size_bytes");
  }
  if (options.list_page_keys_max < 1 || options.list_page_keys_max > 1000) {
    return Bad("list_page_keys_max", "must be between 1 and 1000");
  }
  if (options.multipart_concurrency < 1 || options.multipart_concurrency > 64) {
    return Bad("multipart_concurrency", "must be between 1 and 64");
  }
  if (options.delete_batch_keys_max < 1 || options.delete_batch_keys_max > 1000) {
    return Bad("delete_batch_keys_max", "must be between 1 and 1000");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateS3Options(const S3Options& options) {
  RETURN_IF_ERROR(s3::ParseS3Endpoint(options.endpoint).status());
  if (options.region.empty() ||
      !std::all_of(options.region.begin(), options.region.end(), IsRegionChar)) {
    return Bad("region", "\"" + options.region + "\" is not a region name such as us-east-1");
  }
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    return Bad("credentials", "access key id and secret access key are required");
  }
  if (!IsHeaderSafe(options.access_key_id) || !IsHeaderSafe(options.session_token)) {
    return Bad("credentials", "access key id and session token must be printable ASCII");
  }
  RETURN_IF_ERROR(ValidateRetry(options.retry));
  return ValidateLimits(options);
}

}  // namespace pg2iceberg
