#include "env/memory_object_store.h"

#include <algorithm>

#include "base/check.h"
#include "base/utf8.h"
#include "env/local_object_store.h"
#include "env/object_key.h"

namespace pg2iceberg {
namespace {

// NAME_MAX of the file systems a LocalObjectStore runs on (ext4, xfs, tmpfs): a longer
// component fails there with ENAMETOOLONG.
constexpr size_t kComponentBytesMax = 255;
// S3's limit on a whole key (KeyTooLongError).
constexpr size_t kKeyBytesMax = 1024;

Status BadKey(std::string_view key, std::string_view reason) {
  return Status::InvalidArgument("invalid object key \"" + std::string(key) +
                                 "\": " + std::string(reason));
}

// Checks the components of `path` against kComponentBytesMax and the reserved temp names.
Status CheckComponents(std::string_view key, std::string_view path) {
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view component = path.substr(start, end - start);
    if (component.size() > kComponentBytesMax) {
      return BadKey(key, "a path component is longer than 255 bytes");
    }
    if (IsLocalTempFileName(component)) {
      return BadKey(key, "names starting with \".pg2i-tmp-\" are reserved");
    }
    start = end + 1;
  }
  return Status::Ok();
}

// Everything either real store refuses for a key (see the header).
Status ValidateMemoryKey(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (key.size() > kKeyBytesMax) return BadKey(key, "longer than 1024 bytes");
  if (!IsUtf8(key)) return BadKey(key, "not UTF-8");
  return CheckComponents(key, key);
}

Status ValidateMemoryPrefix(std::string_view prefix) {
  RETURN_IF_ERROR(ValidateListPrefix(prefix));
  if (!IsUtf8(prefix)) return BadKey(prefix, "not UTF-8");
  const size_t slash = prefix.rfind('/');
  if (slash == std::string_view::npos) return Status::Ok();
  // Only the directory part names directories; the rest is matched against names.
  return CheckComponents(prefix, prefix.substr(0, slash));
}

}  // namespace

MemoryObjectStore::MemoryObjectStore(std::string name) : name_(std::move(name)) {
  CHECK(!name_.empty() && name_.find('/') == std::string::npos);
}

Status MemoryObjectStore::CheckNoPathCollision(std::string_view key) const {
  // An object at any parent path would be a file where a directory must be.
  for (size_t slash = key.find('/'); slash != std::string_view::npos;
       slash = key.find('/', slash + 1)) {
    if (objects_.contains(key.substr(0, slash))) {
      return BadKey(key, "\"" + std::string(key.substr(0, slash)) +
                             "\" is an object, so nothing can live under it");
    }
  }
  // An object under key + "/" would make the key a directory.
  const std::string below = std::string(key) + "/";
  const auto next = objects_.lower_bound(below);
  if (next != objects_.end() && next->first.starts_with(below)) {
    return BadKey(key, "objects exist under it (\"" + next->first + "\")");
  }
  return Status::Ok();
}

Status MemoryObjectStore::Put(std::string_view key, ByteSpan data, const PutOptions& options) {
  RETURN_IF_ERROR(ValidateMemoryKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(CheckNoPathCollision(key));
  const auto found = objects_.find(key);
  if (found != objects_.end()) {
    if (options.if_none_match) return Status::Conflict("object already exists: " + Location(key));
    found->second.assign(data.begin(), data.end());
    return Status::Ok();
  }
  objects_.emplace(std::string(key), Bytes(data.begin(), data.end()));
  return Status::Ok();
}

Result<Bytes> MemoryObjectStore::Get(std::string_view key) { return GetRange(key, 0, UINT64_MAX); }

Result<Bytes> MemoryObjectStore::GetRange(std::string_view key, uint64_t offset, uint64_t length) {
  RETURN_IF_ERROR(ValidateMemoryKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = objects_.find(key);
  if (found == objects_.end()) return Status::NotFound("no such object: " + Location(key));
  const Bytes& data = found->second;
  if (offset >= data.size()) return Bytes();
  const uint64_t end = offset + std::min<uint64_t>(length, data.size() - offset);
  return Bytes(data.begin() + static_cast<ptrdiff_t>(offset),
               data.begin() + static_cast<ptrdiff_t>(end));
}

Result<ObjectInfo> MemoryObjectStore::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateMemoryKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = objects_.find(key);
  if (found == objects_.end()) return Status::NotFound("no such object: " + Location(key));
  return ObjectInfo{std::string(key), found->second.size()};
}

Result<std::vector<ObjectInfo>> MemoryObjectStore::List(std::string_view prefix) {
  RETURN_IF_ERROR(ValidateMemoryPrefix(prefix));
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ObjectInfo> out;
  for (auto it = objects_.lower_bound(prefix);
       it != objects_.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(ObjectInfo{it->first, it->second.size()});
  }
  return out;
}

Status MemoryObjectStore::Delete(const std::vector<std::string>& keys) {
  // Both real stores check every key before deleting any.
  for (const std::string& key : keys) RETURN_IF_ERROR(ValidateMemoryKey(key));
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& key : keys) objects_.erase(key);
  return Status::Ok();
}

std::string MemoryObjectStore::Location(std::string_view key) const {
  return "mem://" + name_ + "/" + std::string(key);
}

Result<std::string> MemoryObjectStore::KeyForLocation(std::string_view location) const {
  const std::string root = Location("");
  if (!location.starts_with(root)) {
    return Status::InvalidArgument("location \"" + std::string(location) +
                                   "\" is outside the store " + root);
  }
  std::string key(location.substr(root.size()));
  RETURN_IF_ERROR(ValidateMemoryKey(key));
  return key;
}

}  // namespace pg2iceberg
