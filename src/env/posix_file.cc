#include "env/posix_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pg2iceberg::internal {
namespace {

std::string ErrnoText(int err) {
  char buffer[256];
  // GNU strerror_r: returns a pointer to the text (maybe a static string, maybe `buffer`).
  return strerror_r(err, buffer, sizeof buffer);
}

StatusCode CodeForErrno(int err) {
  switch (err) {
    case ENOENT:
      return StatusCode::kNotFound;
    case EACCES:
    case EPERM:
    case EROFS:
    case ENAMETOOLONG:
    case ENOTDIR:
    case EISDIR:
      return StatusCode::kInvalidArgument;
    case EMFILE:
    case ENFILE:
    case EAGAIN:
    case ESTALE:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status ErrnoStatus(int err, std::string_view operation, std::string_view path) {
  std::string message = std::string(operation) + " " + std::string(path) + ": " + ErrnoText(err);
  if (err == ENOSPC || err == EDQUOT) return Status::Internal("disk full: " + message);
  return Status(CodeForErrno(err), std::move(message));
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileDescriptor::Close(std::string_view path) {
  const int fd = fd_;
  fd_ = -1;
  // Linux releases the descriptor even when close fails, so it is never retried.
  if (fd >= 0 && ::close(fd) != 0 && errno != EINTR) return ErrnoStatus(errno, "close", path);
  return Status::Ok();
}

Status WriteAll(int fd, ByteSpan data, std::string_view path) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path);
    }
    written += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<Bytes> ReadAt(int fd, uint64_t offset, uint64_t length, std::string_view path) {
  Bytes out;
  while (length > 0) {
    const size_t chunk = length < (1u << 20) ? static_cast<size_t>(length) : (1u << 20);
    const size_t old_size = out.size();
    out.resize(old_size + chunk);
    const ssize_t n = ::pread(fd, out.data() + old_size, chunk, static_cast<off_t>(offset));
    if (n < 0) {
      out.resize(old_size);
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    out.resize(old_size + static_cast<size_t>(n));
    if (n == 0) break;  // end of file
    offset += static_cast<uint64_t>(n);
    length -= static_cast<uint64_t>(n);
  }
  return out;
}

Status FsyncDirectory(const std::string& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "open directory", dir);
  // Some file systems cannot fsync a directory (EINVAL); they have nothing more to flush.
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return ErrnoStatus(errno, "fsync directory", dir);
  return fd.Close(dir);
}

Status CreateDirectories(const std::string& root, std::string_view relative) {
  std::string path = root;
  size_t start = 0;
  while (start < relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string parent = path.empty() ? "/" : path;
    path += "/";
    path += relative.substr(start, end - start);
    start = end + 1;
    if (::mkdir(path.c_str(), 0755) == 0) {
      RETURN_IF_ERROR(FsyncDirectory(parent));
    } else if (errno != EEXIST) {
      return ErrnoStatus(errno, "mkdir", path);
    }
  }
  struct stat info;
  const std::string full = path.empty() ? "/" : path;
  if (::stat(full.c_str(), &info) != 0) return ErrnoStatus(errno, "stat", full);
  if (!S_ISDIR(info.st_mode)) return ErrnoStatus(ENOTDIR, "mkdir", full);
  return Status::Ok();
}

}  // namespace pg2iceberg::internal
