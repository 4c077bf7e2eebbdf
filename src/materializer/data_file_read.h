// Reading one of a table's data files whole into memory, as the materializer (rows read back for
// unchanged TOAST) and verify (rows compared) do: the file's size is checked with a HEAD before
// anything is read, so a file larger than the caller's bound is refused, never loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "env/object_store.h"
#include "parquet/parquet_reader.h"

namespace pg2iceberg::materializer {

// The bytes of the data file at `path` (a location in `store`). kInvalidArgument naming
// `table_name`, the file, its size and `bytes_max` when it is larger; the store's errors with
// the path as context.
Result<Bytes> ReadDataFile(ObjectStore& store, const std::string& path, int64_t bytes_max,
                           const std::string& table_name);

// The last data file opened, kept open: rows are mostly read a file at a time. Not thread-safe.
class OpenDataFile {
 public:
  // The reader of the file at `path` (ReadDataFile's bound and errors; kDataLoss-like reader
  // errors with the path as context), reused while the same path is asked for again.
  Result<const parquet::ParquetReader*> Open(ObjectStore& store, const std::string& path,
                                             int64_t bytes_max, const std::string& table_name);

 private:
  std::string path_;
  Bytes bytes_;
  std::optional<parquet::ParquetReader> reader_;
};

}  // namespace pg2iceberg::materializer
