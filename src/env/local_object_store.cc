#include "env/local_object_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "env/object_key.h"

namespace pg2iceberg {
namespace {

using internal::ErrnoStatus;
using internal::FileDescriptor;

constexpr std::string_view kTempPrefix = ".pg2i-tmp-";
// Put retries when a concurrent Delete removes a directory it has just created.
constexpr int kPutAttempts = 3;

std::string_view BaseName(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

// The directory part of a key ("" for a top-level key).
std::string_view KeyDir(std::string_view key) {
  const size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : key.substr(0, slash);
}

Status ValidateLocalKey(std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (IsLocalTempFileName(BaseName(key))) {
    return Status::InvalidArgument("invalid object key \"" + std::string(key) +
                                   "\": names starting with \".pg2i-tmp-\" are reserved");
  }
  return Status::Ok();
}

// Publishes `temp` as `path` unless `path` exists. Returns the errno, 0 on success.
int LinkNoReplace(const std::string& temp, const std::string& path) {
  if (::link(temp.c_str(), path.c_str()) == 0) return 0;
  const int err = errno;
  if (err != EPERM && err != EOPNOTSUPP && err != ENOSYS) return err;
  // No hard links on this file system; renameat2 gives the same exclusive publish.
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return 0;
  return errno;
}

}  // namespace

bool IsLocalTempFileName(std::string_view name) { return name.starts_with(kTempPrefix); }

Result<std::string> NormalizeLocalRoot(std::string_view root) {
  if (root.empty() || root.front() != '/') {
    return Status::InvalidArgument("object store root must be an absolute path: \"" +
                                   std::string(root) + "\"");
  }
  std::string normalized;
  size_t start = 0;
  while (start < root.size()) {
    size_t end = root.find('/', start);
    if (end == std::string_view::npos) end = root.size();
    const std::string_view component = root.substr(start, end - start);
    start = end + 1;
    if (component.empty()) continue;
    if (component == "." || component == ".." || component.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("object store root must not contain \".\", \"..\" or NUL: \"" +
                                     std::string(root) + "\"");
    }
    normalized += "/";
    normalized += component;
  }
  return normalized;
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(std::string_view root,
                                                                 Random& random) {
  ASSIGN_OR_RETURN(std::string normalized, NormalizeLocalRoot(root));
  const std::string_view relative =
      normalized.empty() ? "" : std::string_view(normalized).substr(1);
  RETURN_IF_ERROR(internal::CreateDirectories("", relative));
  return std::unique_ptr<LocalObjectStore>(new LocalObjectStore(std::move(normalized), random));
}

std::string LocalObjectStore::NewTempName() {
  uint64_t draw;
  {
    std::lock_guard<std::mutex> lock(random_mu_);
    draw = random_.Next64();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string name(kTempPrefix);
  for (int shift = 60; shift >= 0; shift -= 4) name.push_back(kHex[(draw >> shift) & 0xf]);
  return name;
}

Status LocalObjectStore::Put(std::string_view key, ByteSpan data, const PutOptions& options) {
  RETURN_IF_ERROR(ValidateLocalKey(key));
  Status status;
  for (int attempt = 0; attempt < kPutAttempts; ++attempt) {
    status = PutOnce(key, data, options);
    if (status.code() != StatusCode::kNotFound) break;
  }
  return status;
}

Status LocalObjectStore::PutOnce(std::string_view key, ByteSpan data, const PutOptions& options) {
  RETURN_IF_ERROR(internal::CreateDirectories(root_, KeyDir(key)));
  const std::string path = PathFor(key);
  const std::string dir = root_ + "/" + std::string(KeyDir(key));
  ASSIGN_OR_RETURN(const std::string temp, WriteTempFile(dir, data));
  const Status published = Publish(temp, path, options.if_none_match);
  if (!published.ok()) {
    ::unlink(temp.c_str());
    return published;
  }
  return internal::FsyncDirectory(dir);
}

Result<std::string> LocalObjectStore::WriteTempFile(const std::string& dir, ByteSpan data) {
  std::string temp;
  int fd = -1;
  // O_EXCL: a name collision (vanishingly rare) takes another name instead of sharing a file.
  for (int tries = 0; fd < 0 && tries < 8; ++tries) {
    temp = dir + "/" + NewTempName();
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) return ErrnoStatus(errno, "create", temp);
  }
  if (fd < 0) return ErrnoStatus(EEXIST, "create", temp);
  FileDescriptor file(fd);
  Status status = internal::WriteAll(file.get(), data, temp);
  if (status.ok() && ::fsync(file.get()) != 0) status = ErrnoStatus(errno, "fsync", temp);
  const Status closed = file.Close(temp);
  if (status.ok()) status = closed;
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return temp;
}

Status LocalObjectStore::Publish(const std::string& temp, const std::string& path,
                                 bool if_none_match) {
  if (!if_none_match) {
    if (::rename(temp.c_str(), path.c_str()) != 0) return ErrnoStatus(errno, "rename", path);
    return Status::Ok();
  }
  const int err = LinkNoReplace(temp, path);
  if (err == EEXIST) {
    struct stat info;
    if (::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
      return ErrnoStatus(EISDIR, "link", path);
    }
    return Status::Conflict("object already exists: " + path);
  }
  if (err != 0) return ErrnoStatus(err, "link", path);
  // After link(2) both names point at the file; after renameat2 the temp name is gone already.
  if (::unlink(temp.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "unlink", temp);
  return Status::Ok();
}

Result<FileDescriptor> LocalObjectStore::OpenObject(std::string_view key, uint64_t* size_bytes) {
  RETURN_IF_ERROR(ValidateLocalKey(key));
  const std::string path = PathFor(key);
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    // A key under a path that is a file names nothing (ENOTDIR): not found, as in S3.
    return ErrnoStatus(errno == ENOTDIR ? ENOENT : errno, "open", path);
  }
  struct stat info;
  if (::fstat(file.get(), &info) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(info.st_mode)) return Status::NotFound("not an object (a directory): " + path);
  *size_bytes = static_cast<uint64_t>(info.st_size);
  return file;
}

Result<Bytes> LocalObjectStore::Get(std::string_view key) {
  uint64_t size = 0;
  ASSIGN_OR_RETURN(FileDescriptor file, OpenObject(key, &size));
  // Objects are replaced, never modified in place, so the open file keeps its size.
  return internal::ReadAt(file.get(), 0, size, PathFor(key));
}

Result<Bytes> LocalObjectStore::GetRange(std::string_view key, uint64_t offset, uint64_t length) {
  uint64_t size = 0;
  ASSIGN_OR_RETURN(FileDescriptor file, OpenObject(key, &size));
  if (offset >= size) return Bytes();
  return internal::ReadAt(file.get(), offset, std::min(length, size - offset), PathFor(key));
}

Result<ObjectInfo> LocalObjectStore::Head(std::string_view key) {
  uint64_t size = 0;
  ASSIGN_OR_RETURN(FileDescriptor file, OpenObject(key, &size));
  return ObjectInfo{std::string(key), size};
}

Status LocalObjectStore::Delete(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(ValidateLocalKey(key));
  for (const std::string& key : keys) {
    const std::string path = PathFor(key);
    if (::unlink(path.c_str()) != 0) {
      // Missing, or a directory / a path through a file: no such object, which is fine.
      if (errno == ENOENT || errno == EISDIR || errno == ENOTDIR) continue;
      return ErrnoStatus(errno, "delete", path);
    }
    RemoveEmptyParents(key);
  }
  return Status::Ok();
}

void LocalObjectStore::RemoveEmptyParents(std::string_view key) {
  // Best effort: stops at the first directory that is not empty (or is in use by a Put, which
  // retries when its directory vanishes).
  for (std::string_view dir = KeyDir(key); !dir.empty(); dir = KeyDir(dir)) {
    const std::string path = root_ + "/" + std::string(dir);
    if (::rmdir(path.c_str()) != 0) return;
  }
}

std::string LocalObjectStore::Location(std::string_view key) const {
  return "file://" + PathFor(key);
}

Result<std::string> LocalObjectStore::KeyForLocation(std::string_view location) const {
  std::string_view path = location;
  if (path.starts_with("file://")) {
    path.remove_prefix(7);
  } else if (path.starts_with("file:")) {
    path.remove_prefix(5);
  }
  const std::string root_slash = root_ + "/";
  if (!path.starts_with(root_slash)) {
    return Status::InvalidArgument("location \"" + std::string(location) +
                                   "\" is outside the warehouse file://" + root_slash);
  }
  std::string key(path.substr(root_slash.size()));
  RETURN_IF_ERROR(ValidateLocalKey(key));
  return key;
}

}  // namespace pg2iceberg
