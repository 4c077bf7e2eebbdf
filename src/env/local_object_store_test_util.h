// Test helper: a LocalObjectStore over a fresh directory under /tmp. The caller removes the
// directory (*dir) when done.
#pragma once

#include <stdlib.h>

#include <memory>
#include <string>
#include <string_view>

#include "env/local_object_store.h"

namespace pg2iceberg {

// Creates /tmp/<prefix>-XXXXXX, sets *dir to it and opens a store on <dir>/wh.
inline Result<std::unique_ptr<LocalObjectStore>> OpenStoreInTempDir(std::string_view prefix,
                                                                    Random& random,
                                                                    std::string* dir) {
  std::string pattern = "/tmp/" + std::string(prefix) + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return Status::Internal("mkdtemp failed for " + pattern);
  *dir = pattern;
  return LocalObjectStore::Open(*dir + "/wh", random);
}

}  // namespace pg2iceberg
