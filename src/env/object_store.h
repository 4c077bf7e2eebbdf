// ObjectStore: a flat key → bytes store (a local directory, an S3 bucket prefix, or a fake).
// Keys are relative paths with '/' separators, never starting with '/'.
// Every write is all-or-nothing: a reader sees the whole object or none of it.
// Implementations are thread-safe.
//
// Errors: kNotFound for a missing key; kConflict when a conditional write loses
// (if_none_match on an existing key); kUnavailable for transient failures worth a retry;
// kInvalidArgument for a bad key; kInternal for anything else (e.g. disk full), with the
// original text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg {

struct PutOptions {
  // Fail with kConflict instead of replacing an existing object.
  bool if_none_match = false;
};

struct ObjectInfo {
  std::string key;
  uint64_t size_bytes = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  virtual Status Put(std::string_view key, ByteSpan data, const PutOptions& options) = 0;
  virtual Result<Bytes> Get(std::string_view key) = 0;
  // Reads [offset, offset + length) of the object; shorter at the end of the object.
  virtual Result<Bytes> GetRange(std::string_view key, uint64_t offset, uint64_t length) = 0;
  virtual Result<ObjectInfo> Head(std::string_view key) = 0;
  // All objects whose key starts with `prefix`, sorted by key.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) = 0;
  // Deletes the keys; a key that does not exist is not an error.
  virtual Status Delete(const std::vector<std::string>& keys) = 0;

  // The absolute location of `key` as other engines name it, e.g. "file:///wh/t/data/a.parquet"
  // or "s3://bucket/prefix/t/data/a.parquet".
  virtual std::string Location(std::string_view key) const = 0;
  // The inverse of Location: the key for an absolute location inside this store.
  virtual Result<std::string> KeyForLocation(std::string_view location) const = 0;
};

// Opens object stores by URI ("file:///abs/path"; "s3://…" once the S3 client exists).
class ObjectStoreOpener {
 public:
  virtual ~ObjectStoreOpener() = default;
  virtual Result<std::unique_ptr<ObjectStore>> Open(std::string_view uri) = 0;
};

}  // namespace pg2iceberg
