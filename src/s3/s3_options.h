// S3Options: everything an S3Client needs to know, filled by the caller (the command line
// reads credentials from its configuration or the standard AWS environment variables; this
// library never reads the environment). Every limit carries its unit in its name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/log.h"
#include "base/status.h"
#include "env/http_transport.h"

namespace pg2iceberg {

struct S3RetryOptions {
  // Attempts per request, the first included. Generous, so the deadline is what normally ends
  // the retries (a 30-second outage of the store is ridden out). Default: 30.
  int max_attempts = 30;
  // Total time one request may take across attempts and backoff sleeps. Default: 2 minutes.
  int64_t deadline_ms = 120000;
  // Backoff before retry n (n ≥ 1) is uniform in [0, min(max_backoff_ms,
  // initial_backoff_ms · 2^(n-1))] ("full jitter"). Defaults: 100 ms and 10 s.
  int64_t initial_backoff_ms = 100;
  int64_t max_backoff_ms = 10000;
  // Where each retry is reported (warn level: the request, the cause, the wait); not owned,
  // must outlive the client. Null: retries are silent.
  Logger* log = nullptr;
};

struct S3Options {
  // "https://s3.us-east-1.amazonaws.com", "http://127.0.0.1:9000", …; a path after the
  // host is kept as a prefix of every request path.
  std::string endpoint;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  // Set for temporary credentials (STS); sent as x-amz-security-token.
  std::string session_token;
  // true: http://endpoint/bucket/key (MinIO, moto, most S3-compatible servers).
  // false: http://bucket.endpoint/key (AWS's preferred "virtual-hosted" style).
  bool path_style = false;
  // PEM bundle of the certificate authorities trusted for an https endpoint; empty: the
  // system's store.
  TlsFiles tls;  // https: trusted authorities, client certificate

  S3RetryOptions retry;
  // Limit for one HTTP exchange (capped by what is left of retry.deadline_ms). Default: 60 s.
  int64_t request_timeout_ms = 60000;

  // S3ObjectStore::Put switches to a multipart upload for bodies larger than this.
  // Default: 64 MiB.
  uint64_t multipart_threshold_bytes = uint64_t{64} << 20;
  // Part size of multipart uploads: 5 MiB (S3's minimum) to 5 GiB; grown when a body would
  // need more than 10,000 parts. Default: 16 MiB.
  uint64_t multipart_part_size_bytes = uint64_t{16} << 20;
  // Parts uploaded at once (1 to 64); memory for a wave's request bodies is
  // multipart_concurrency × part size. Default: 4.
  int multipart_concurrency = 4;
  // Keys per ListObjectsV2 page (S3 returns at most 1000). Default: 1000.
  int list_page_keys_max = 1000;
  // Keys per DeleteObjects request, 1 to 1000. Default: 1000.
  size_t delete_batch_keys_max = 1000;
};

// kInvalidArgument naming the first bad field: endpoint, region, empty credentials, limits
// out of range. Never echoes the secret key or session token.
Status ValidateS3Options(const S3Options& options);

}  // namespace pg2iceberg
