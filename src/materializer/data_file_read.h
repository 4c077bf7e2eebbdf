// Reading one of a table's data files whole into memory, as the materializer (rows read back for
// unchanged TOAST) and verify (rows compared) do: the file's size is checked with a HEAD before
// anything is read, so a file larger than the caller's bound is refused, never loaded.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "env/object_store.h"

namespace pg2iceberg::materializer {

// The bytes of the data file at `path` (a location in `store`). kInvalidArgument naming
// `table_name`, the file, its size and `bytes_max` when it is larger; the store's errors with
// the path as context.
Result<Bytes> ReadDataFile(ObjectStore& store, const std::string& path, int64_t bytes_max,
                           const std::string& table_name);

}  // namespace pg2iceberg::materializer
