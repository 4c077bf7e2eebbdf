// S3ObjectStore: an ObjectStore over one S3 bucket and key prefix ("s3://bucket/prefix"),
// through S3Client (SigV4, retries; see s3/s3_client.h). Store key "t/a.parquet" is the S3
// key "prefix/t/a.parquet".
//
// Put sends one PutObject, or a multipart upload for bodies over
// S3Options::multipart_threshold_bytes; either way the object appears whole or not at all.
// if_none_match sends "If-None-Match: *" (a 412 → kConflict). List pages through
// ListObjectsV2 and returns keys relative to the prefix, sorted; Delete batches
// DeleteObjects. Keys follow env/object_key.h (kInvalidArgument otherwise).
//
// Errors follow env/object_store.h via s3/s3_errors.h: a missing key → kNotFound; a missing
// bucket → kInvalidArgument naming it; bad credentials → kInvalidArgument "S3 authentication
// failed: …"; transient failures after the retry budget → kUnavailable.
// Thread-safe when the transport and clock are (see S3Client).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "env/object_store.h"
#include "s3/s3_client.h"

namespace pg2iceberg {

class S3ObjectStore final : public ObjectStore {
 public:
  // Parses `uri` (s3://, s3a:// or s3n://bucket[/prefix][/]), creates the client and checks
  // with HeadBucket that the bucket exists and the credentials work (it needs s3:ListBucket,
  // which List needs anyway), so a misconfiguration fails here (kInvalidArgument) rather
  // than at the first write. Borrows `http`, `clock` and
  // `random`, which must outlive the store.
  static Result<std::unique_ptr<S3ObjectStore>> Open(std::string_view uri, S3Options options,
                                                     HttpTransport& http, Clock& clock,
                                                     Random& random);
  // The same without the HeadBucket check, for credentials scoped to part of a bucket
  // (catalog-vended credentials often allow listing only under the table's prefix): bad
  // credentials show at the first request.
  static Result<std::unique_ptr<S3ObjectStore>> OpenUnchecked(std::string_view uri,
                                                              S3Options options,
                                                              HttpTransport& http, Clock& clock,
                                                              Random& random);
  // What Location(key) answers for a store opened at `uri`, without opening it.
  static Result<std::string> LocationIn(std::string_view uri, std::string_view key);

  Status Put(std::string_view key, ByteSpan data, const PutOptions& options) override;
  Result<Bytes> Get(std::string_view key) override;
  Result<Bytes> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(const std::vector<std::string>& keys) override;

  // "s3://bucket/prefix/key" ("s3://bucket/key" without a prefix).
  std::string Location(std::string_view key) const override;
  // Accepts s3://, s3a:// and s3n:// locations inside this bucket and prefix; anything else
  // → kInvalidArgument.
  Result<std::string> KeyForLocation(std::string_view location) const override;

  const std::string& bucket() const { return bucket_; }
  // "" or "a/b" (no trailing '/').
  const std::string& prefix() const { return prefix_; }
  S3Client& client() { return *client_; }

 private:
  S3ObjectStore(std::unique_ptr<S3Client> client, std::string bucket, std::string prefix);

  // The S3 key for a store key ("prefix/key"), after validating it.
  Result<std::string> S3Key(std::string_view key) const;

  const std::unique_ptr<S3Client> client_;
  const std::string bucket_;
  const std::string prefix_;
  const std::string key_prefix_;  // prefix_ + "/", or "" without a prefix
};

}  // namespace pg2iceberg
