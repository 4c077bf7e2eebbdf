// LocalObjectStore::List: a recursive walk of the directories that can hold matching keys.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "env/local_object_store.h"
#include "env/object_key.h"

namespace pg2iceberg {
namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// A directory whose keys start with `dir_key` ("a/b/") can hold a key starting with `prefix`.
bool MayHoldMatches(std::string_view dir_key, std::string_view prefix) {
  return prefix.starts_with(dir_key) || dir_key.starts_with(prefix);
}

// Adds the objects directly in `dir_key` ("" or "a/b/") that match `prefix` to `out`, and the
// subdirectories that may hold matches to `pending`. A directory that vanished mid-walk is
// empty, not an error.
Status ListOneDirectory(const std::string& root, const std::string& dir_key,
                        std::string_view prefix, std::vector<std::string>& pending,
                        std::vector<ObjectInfo>& out) {
  const std::string path = root + "/" + dir_key;
  DirHandle dir(::opendir(path.c_str()));
  if (dir == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
    return internal::ErrnoStatus(errno, "list", path);
  }
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return internal::ErrnoStatus(errno, "list", path);
      return Status::Ok();
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == ".." || IsLocalTempFileName(name)) continue;
    struct stat info;
    if (::fstatat(::dirfd(dir.get()), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // deleted since readdir
      return internal::ErrnoStatus(errno, "stat", path + std::string(name));
    }
    std::string key = dir_key + std::string(name);
    if (S_ISDIR(info.st_mode)) {
      key += "/";
      if (MayHoldMatches(key, prefix)) pending.push_back(std::move(key));
    } else if (S_ISREG(info.st_mode) && key.starts_with(prefix)) {
      out.push_back(ObjectInfo{std::move(key), static_cast<uint64_t>(info.st_size)});
    }
    // Symbolic links and special files are not objects.
  }
}

}  // namespace

Result<std::vector<ObjectInfo>> LocalObjectStore::List(std::string_view prefix) {
  RETURN_IF_ERROR(ValidateListPrefix(prefix));
  const size_t slash = prefix.rfind('/');
  std::vector<std::string> pending = {
      slash == std::string_view::npos ? std::string() : std::string(prefix.substr(0, slash + 1))};
  std::vector<ObjectInfo> out;
  while (!pending.empty()) {
    const std::string dir_key = std::move(pending.back());
    pending.pop_back();
    RETURN_IF_ERROR(ListOneDirectory(root_, dir_key, prefix, pending, out));
  }
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

}  // namespace pg2iceberg
