#include "env/object_key.h"

#include <string>

namespace pg2iceberg {
namespace {

Status BadKey(std::string_view what, std::string_view key, std::string_view reason) {
  return Status::InvalidArgument("invalid object " + std::string(what) + " \"" + std::string(key) +
                                 "\": " + std::string(reason));
}

// Checks the '/'-separated components of `path` (which has no leading or trailing '/').
Status ValidateComponents(std::string_view what, std::string_view key, std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view component = path.substr(start, end - start);
    if (component.empty()) return BadKey(what, key, "empty path component");
    if (component == "." || component == "..")
      return BadKey(what, key, "\".\" or \"..\" component");
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return BadKey("key", key, "empty");
  if (key.find('\0') != std::string_view::npos) return BadKey("key", key, "contains a NUL byte");
  if (key.front() == '/') return BadKey("key", key, "starts with '/'");
  if (key.back() == '/') return BadKey("key", key, "ends with '/'");
  return ValidateComponents("key", key, key);
}

Status ValidateListPrefix(std::string_view prefix) {
  if (prefix.find('\0') != std::string_view::npos)
    return BadKey("prefix", prefix, "contains a NUL byte");
  if (!prefix.empty() && prefix.front() == '/') return BadKey("prefix", prefix, "starts with '/'");
  const size_t slash = prefix.rfind('/');
  if (slash == std::string_view::npos) return Status::Ok();
  return ValidateComponents("prefix", prefix, prefix.substr(0, slash));
}

}  // namespace pg2iceberg
