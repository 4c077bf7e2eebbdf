// Where S3 requests go: the endpoint URL, path-style vs virtual-hosted addressing, and
// "s3://bucket/prefix" URIs. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace pg2iceberg::s3 {

// A parsed endpoint such as "https://s3.us-east-1.amazonaws.com" or "http://127.0.0.1:9000".
struct S3Endpoint {
  std::string scheme;     // "http" or "https"
  std::string authority;  // host[:port] exactly as given, sent as the Host header
  std::string base_path;  // "" or "/path" without a trailing '/', for servers under a path
};

// http(s)://host[:port][/path]; user info, query strings and fragments → kInvalidArgument.
Result<S3Endpoint> ParseS3Endpoint(std::string_view endpoint);

// Bucket names: 3 to 63 characters of a-z 0-9 . - (upper case and '_' too, which old
// us-east-1 buckets may have), starting and ending with a letter or digit.
Status ValidateBucketName(std::string_view bucket);

// The host and encoded path of one request.
struct S3Target {
  std::string host;  // the Host header
  std::string path;  // URI-encoded once, starts with '/'; also the SigV4 canonical URI
};

// Path style: host = authority, path = base/bucket[/key]. Virtual-hosted: host =
// bucket.authority, path = base/[key]. `key` may be empty for bucket-level requests; each
// '/'-separated segment is URI-encoded.
S3Target TargetFor(const S3Endpoint& endpoint, bool path_style, std::string_view bucket,
                   std::string_view key);

// "s3://bucket", "s3://bucket/", "s3://bucket/a/b/" → bucket and prefix ("" or "a/b", no
// leading or trailing '/'). "s3a://" and "s3n://" are accepted as "s3://". A bad bucket name,
// an empty or "."/".." prefix component, or another scheme → kInvalidArgument.
struct S3Uri {
  std::string bucket;
  std::string prefix;
};
Result<S3Uri> ParseS3Uri(std::string_view uri);

// True for s3://, s3a:// and s3n:// locations.
bool HasS3Scheme(std::string_view location);
// The remainder of such a location after its scheme ("bucket/key"); "" for other schemes.
std::string_view StripS3Scheme(std::string_view location);

}  // namespace pg2iceberg::s3
