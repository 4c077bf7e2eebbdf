#include "s3/s3_endpoint.h"

#include <algorithm>

#include "s3/sigv4.h"

namespace pg2iceberg::s3 {
namespace {

bool IsBucketEdgeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

bool IsBucketChar(char c) { return IsBucketEdgeChar(c) || c == '.' || c == '-' || c == '_'; }

Status BadEndpoint(std::string_view endpoint, std::string_view reason) {
  return Status::InvalidArgument("bad S3 endpoint \"" + std::string(endpoint) +
                                 "\": " + std::string(reason) +
                                 " (expected e.g. https://s3.us-east-1.amazonaws.com or "
                                 "http://127.0.0.1:9000)");
}

// Checks the '/'-separated components of a prefix: none empty, "." or "..".
Status ValidatePrefix(std::string_view uri, std::string_view prefix) {
  size_t start = 0;
  while (start < prefix.size()) {
    size_t end = prefix.find('/', start);
    if (end == std::string_view::npos) end = prefix.size();
    const std::string_view component = prefix.substr(start, end - start);
    if (component.empty() || component == "." || component == ".." ||
        component.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("bad S3 URI \"" + std::string(uri) +
                                     "\": the key prefix has an empty, \".\" or \"..\" component");
    }
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<S3Endpoint> ParseS3Endpoint(std::string_view endpoint) {
  S3Endpoint parsed;
  std::string_view rest = endpoint;
  if (rest.starts_with("https://")) {
    parsed.scheme = "https";
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    parsed.scheme = "http";
    rest.remove_prefix(7);
  } else {
    return BadEndpoint(endpoint, "needs http:// or https://");
  }
  if (rest.find_first_of("?#@ ") != std::string_view::npos) {
    return BadEndpoint(endpoint, "no user info, query, fragment or spaces allowed");
  }
  const size_t slash = rest.find('/');
  parsed.authority = std::string(rest.substr(0, slash));
  if (parsed.authority.empty()) return BadEndpoint(endpoint, "no host");
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (path.ends_with('/')) path.remove_suffix(1);
    parsed.base_path = std::string(path);
  }
  return parsed;
}

Status ValidateBucketName(std::string_view bucket) {
  const bool valid_chars =
      bucket.size() >= 3 && bucket.size() <= 63 && IsBucketEdgeChar(bucket.front()) &&
      IsBucketEdgeChar(bucket.back()) &&
      std::all_of(bucket.begin(), bucket.end(), [](char c) { return IsBucketChar(c); });
  if (valid_chars) return Status::Ok();
  return Status::InvalidArgument("bad S3 bucket name \"" + std::string(bucket) +
                                 "\": 3 to 63 characters of a-z, 0-9, '.' and '-', starting "
                                 "and ending with a letter or digit");
}

S3Target TargetFor(const S3Endpoint& endpoint, bool path_style, std::string_view bucket,
                   std::string_view key) {
  S3Target target;
  const std::string encoded_key = UriEncode(key, /*keep_slash=*/true);
  if (path_style) {
    target.host = endpoint.authority;
    target.path = endpoint.base_path + "/" + UriEncode(bucket, false);
    if (!key.empty()) target.path += "/" + encoded_key;
  } else {
    target.host = std::string(bucket) + "." + endpoint.authority;
    target.path = endpoint.base_path + "/" + encoded_key;
  }
  return target;
}

bool HasS3Scheme(std::string_view location) {
  return location.starts_with("s3://") || location.starts_with("s3a://") ||
         location.starts_with("s3n://");
}

std::string_view StripS3Scheme(std::string_view location) {
  for (const std::string_view scheme : {"s3://", "s3a://", "s3n://"}) {
    if (location.starts_with(scheme)) return location.substr(scheme.size());
  }
  return {};
}

Result<S3Uri> ParseS3Uri(std::string_view uri) {
  const std::string_view rest = StripS3Scheme(uri);
  if (rest.empty()) {
    return Status::InvalidArgument("bad S3 URI \"" + std::string(uri) +
                                   "\": expected s3://bucket or s3://bucket/prefix");
  }
  const size_t slash = rest.find('/');
  S3Uri parsed;
  parsed.bucket = std::string(rest.substr(0, slash));
  RETURN_IF_ERROR(
      ValidateBucketName(parsed.bucket).WithContext("S3 URI \"" + std::string(uri) + "\""));
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    if (prefix.ends_with('/')) prefix.remove_suffix(1);
    RETURN_IF_ERROR(ValidatePrefix(uri, prefix));
    parsed.prefix = std::string(prefix);
  }
  return parsed;
}

}  // namespace pg2iceberg::s3
