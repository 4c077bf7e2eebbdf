// Small POSIX file helpers for LocalObjectStore: errno → Status mapping, an owning file
// descriptor, whole writes and reads, directory creation and directory fsync.
// Internal to env/. Every failure names the operation and the path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::internal {

// Maps an errno from `operation` on `path`:
//   ENOENT → kNotFound; ENOSPC/EDQUOT → kInternal "disk full: …";
//   EACCES/EPERM/EROFS/ENAMETOOLONG/ENOTDIR/EISDIR → kInvalidArgument (fix the setup or key);
//   EMFILE/ENFILE/EAGAIN/ESTALE → kUnavailable; anything else → kInternal.
// The message is "<operation> <path>: <strerror text>".
Status ErrnoStatus(int err, std::string_view operation, std::string_view path);

// Owns a file descriptor; closes it (ignoring errors) unless released through Close().
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileDescriptor& operator=(FileDescriptor&& other) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }
  // Closes and reports the close(2) error, which for writes can carry a late I/O failure.
  Status Close(std::string_view path);

 private:
  int fd_ = -1;
};

// Writes all of `data` at the current offset, retrying short writes and EINTR.
Status WriteAll(int fd, ByteSpan data, std::string_view path);
// Reads up to `length` bytes from `offset`, stopping early at the end of the file.
Result<Bytes> ReadAt(int fd, uint64_t offset, uint64_t length, std::string_view path);
// fsync(2) on a directory, so entries created, renamed or linked in it survive a crash.
Status FsyncDirectory(const std::string& dir);
// mkdir -p of `root`/`relative` (relative may be empty). The parent of every directory it
// creates is fsynced. Existing directories are fine.
Status CreateDirectories(const std::string& root, std::string_view relative);

}  // namespace pg2iceberg::internal
