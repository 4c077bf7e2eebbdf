#include "s3/s3_object_store.h"

#include <algorithm>

#include "env/object_key.h"
#include "s3/s3_endpoint.h"

namespace pg2iceberg {

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(std::string_view uri, S3Options options,
                                                           HttpTransport& http, Clock& clock,
                                                           Random& random) {
  ASSIGN_OR_RETURN(std::unique_ptr<S3ObjectStore> store,
                   OpenUnchecked(uri, std::move(options), http, clock, random));
  RETURN_IF_ERROR(store->client_->HeadBucket(store->bucket_));
  return store;
}

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::OpenUnchecked(std::string_view uri,
                                                                    S3Options options,
                                                                    HttpTransport& http,
                                                                    Clock& clock, Random& random) {
  ASSIGN_OR_RETURN(s3::S3Uri parsed, s3::ParseS3Uri(uri));
  ASSIGN_OR_RETURN(std::unique_ptr<S3Client> client,
                   S3Client::Create(std::move(options), http, clock, random));
  return std::unique_ptr<S3ObjectStore>(
      new S3ObjectStore(std::move(client), std::move(parsed.bucket), std::move(parsed.prefix)));
}

Result<std::string> S3ObjectStore::LocationIn(std::string_view uri, std::string_view key) {
  ASSIGN_OR_RETURN(const s3::S3Uri parsed, s3::ParseS3Uri(uri));
  return "s3://" + parsed.bucket + "/" + (parsed.prefix.empty() ? "" : parsed.prefix + "/") +
         std::string(key);
}

S3ObjectStore::S3ObjectStore(std::unique_ptr<S3Client> client, std::string bucket,
                             std::string prefix)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      prefix_(std::move(prefix)),
      key_prefix_(prefix_.empty() ? "" : prefix_ + "/") {}

Result<std::string> S3ObjectStore::S3Key(std::string_view key) const {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return key_prefix_ + std::string(key);
}

Status S3ObjectStore::Put(std::string_view key, ByteSpan data, const PutOptions& options) {
  ASSIGN_OR_RETURN(const std::string s3_key, S3Key(key));
  const S3PutObjectOptions put{.if_none_match = options.if_none_match};
  if (data.size() > client_->options().multipart_threshold_bytes) {
    return client_->PutObjectMultipart(bucket_, s3_key, data, put);
  }
  return client_->PutObject(bucket_, s3_key, data, put);
}

Result<Bytes> S3ObjectStore::Get(std::string_view key) {
  ASSIGN_OR_RETURN(const std::string s3_key, S3Key(key));
  return client_->GetObject(bucket_, s3_key);
}

Result<Bytes> S3ObjectStore::GetRange(std::string_view key, uint64_t offset, uint64_t length) {
  ASSIGN_OR_RETURN(const std::string s3_key, S3Key(key));
  return client_->GetObjectRange(bucket_, s3_key, offset, length);
}

Result<ObjectInfo> S3ObjectStore::Head(std::string_view key) {
  ASSIGN_OR_RETURN(const std::string s3_key, S3Key(key));
  ASSIGN_OR_RETURN(const S3ObjectMeta meta, client_->HeadObject(bucket_, s3_key));
  return ObjectInfo{std::string(key), meta.size_bytes};
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(std::string_view prefix) {
  RETURN_IF_ERROR(ValidateListPrefix(prefix));
  ASSIGN_OR_RETURN(const std::vector<S3ObjectMeta> listed,
                   client_->ListAllObjects(bucket_, key_prefix_ + std::string(prefix)));
  std::vector<ObjectInfo> objects;
  objects.reserve(listed.size());
  for (const S3ObjectMeta& meta : listed) {
    // S3 returns only keys under the requested prefix; anything else is not ours to show.
    if (!meta.key.starts_with(key_prefix_)) continue;
    objects.push_back(ObjectInfo{meta.key.substr(key_prefix_.size()), meta.size_bytes});
  }
  // S3 already sorts by UTF-8 bytes; S3-compatible servers are not all as careful.
  std::sort(objects.begin(), objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

Status S3ObjectStore::Delete(const std::vector<std::string>& keys) {
  std::vector<std::string> s3_keys;
  s3_keys.reserve(keys.size());
  for (const std::string& key : keys) {
    ASSIGN_OR_RETURN(std::string s3_key, S3Key(key));
    s3_keys.push_back(std::move(s3_key));
  }
  return client_->DeleteObjects(bucket_, s3_keys);
}

std::string S3ObjectStore::Location(std::string_view key) const {
  return "s3://" + bucket_ + "/" + key_prefix_ + std::string(key);
}

Result<std::string> S3ObjectStore::KeyForLocation(std::string_view location) const {
  const std::string_view rest = s3::StripS3Scheme(location);
  const std::string inside = bucket_ + "/" + key_prefix_;
  if (!rest.starts_with(inside)) {
    return Status::InvalidArgument("location \"" + std::string(location) +
                                   "\" is outside the warehouse s3://" + inside);
  }
  std::string key(rest.substr(inside.size()));
  RETURN_IF_ERROR(ValidateObjectKey(key));
  return key;
}

}  // namespace pg2iceberg
