// Values that S3Client returns and takes, shared with the XML code that reads and writes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pg2iceberg {

struct S3ObjectMeta {
  std::string key;
  uint64_t size_bytes = 0;
  std::string etag;  // with its quotes, as S3 sends it; "" when not known
};

// One page of ListObjectsV2.
struct S3ListPage {
  std::vector<S3ObjectMeta> objects;
  bool is_truncated = false;
  std::string next_continuation_token;  // set when is_truncated
};

// One uploaded part of a multipart upload.
struct S3CompletedPart {
  int part_number = 0;
  std::string etag;  // as UploadPart returned it, quotes included
};

struct S3PutObjectOptions {
  // Send "If-None-Match: *": fail with kConflict (HTTP 412) when the key exists.
  bool if_none_match = false;
};

}  // namespace pg2iceberg
