// LocalObjectStore: an ObjectStore over a directory of the local file system (file://
// warehouses). Key "a/b.parquet" is the file <root>/a/b.parquet.
//
// Atomicity: Put writes a temp file ".pg2i-tmp-<16 hex>" in the target directory, fsyncs it,
// then publishes it with rename(2) (replace) or, with if_none_match, link(2) (fails with
// EEXIST, so exactly one of several concurrent writers wins; falls back to renameat2
// RENAME_NOREPLACE where hard links are unsupported), and fsyncs the directory. Readers see the
// old object or the whole new one. Temp files are invisible to List and Head; a crash can
// leave one behind (keys may not use that name).
// Directories are created on demand; Delete removes directories it leaves empty.
//
// Errors follow object_store.h: ENOENT → kNotFound; disk full → kInternal "disk full: …";
// permissions → kInvalidArgument; a key that is a directory, or under a path that is a file,
// → kInvalidArgument (S3 allows both "a" and "a/b"; a file system does not).
// Thread-safe; several processes may share one root.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "env/object_store.h"
#include "env/posix_file.h"
#include "env/random.h"

namespace pg2iceberg {

class LocalObjectStore final : public ObjectStore {
 public:
  // `root` is an absolute path without "." or ".." components; it is created (with parents)
  // when missing. `random` names temp files and must outlive the store; the store serializes
  // its calls to it. A relative root → kInvalidArgument.
  static Result<std::unique_ptr<LocalObjectStore>> Open(std::string_view root, Random& random);

  Status Put(std::string_view key, ByteSpan data, const PutOptions& options) override;
  Result<Bytes> Get(std::string_view key) override;
  Result<Bytes> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(const std::vector<std::string>& keys) override;

  // "file://" + root + "/" + key.
  std::string Location(std::string_view key) const override;
  // Accepts "file://<root>/<key>", "file:<root>/<key>" (Hadoop style) and "<root>/<key>";
  // anything outside the root → kInvalidArgument.
  Result<std::string> KeyForLocation(std::string_view location) const override;

  // The normalized root: absolute, no trailing '/' ("" for the file system root).
  const std::string& root() const { return root_; }

 private:
  LocalObjectStore(std::string root, Random& random) : root_(std::move(root)), random_(random) {}

  std::string PathFor(std::string_view key) const { return root_ + "/" + std::string(key); }
  std::string NewTempName();
  Status PutOnce(std::string_view key, ByteSpan data, const PutOptions& options);
  Result<std::string> WriteTempFile(const std::string& dir, ByteSpan data);
  Status Publish(const std::string& temp, const std::string& path, bool if_none_match);
  // Opens the regular file for `key` for reading; sets *size_bytes.
  Result<internal::FileDescriptor> OpenObject(std::string_view key, uint64_t* size_bytes);
  void RemoveEmptyParents(std::string_view key);

  const std::string root_;
  Random& random_;
  std::mutex random_mu_;
};

// True for the names LocalObjectStore gives its in-progress temp files.
bool IsLocalTempFileName(std::string_view name);

// "/a//b/" → "/a/b"; "/" → "". Non-absolute paths and "."/".." components → kInvalidArgument.
Result<std::string> NormalizeLocalRoot(std::string_view root);

}  // namespace pg2iceberg
