// Reading rows of one data file of a mirrored table back, for `verify`: the rows at given
// positions, as the change model's values (table/row_decoder.h) in the plan's column order,
// columns matched by field id (a column the file lacks, added after it was written, is NULL).
//
// One file is held in memory at a time, at most `file_bytes_max` bytes (a larger one is
// kInvalidArgument naming the file): the last one read stays open, so reading a file's rows in
// several calls fetches it once. Borrows the plan (its store) and the options.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"
#include "materializer/data_file_read.h"
#include "mirror/verify_compare.h"
#include "parquet/parquet_reader.h"
#include "table/table_plan.h"

namespace pg2iceberg {

class FileRows {
 public:
  FileRows(const TablePlan& plan, const CompareOptions& options) : plan_(plan), options_(options) {}

  // The rows at `positions` (strictly ascending) of the file at `path`. Errors: the store's,
  // kDataLoss for a file the reader or the decoder refuses.
  Result<std::vector<change::Row>> Read(const std::string& path,
                                        std::span<const int64_t> positions);

 private:
  Result<std::vector<change::Row>> Decode(const parquet::ParquetReader& reader,
                                          std::span<const int64_t> positions);

  const TablePlan& plan_;
  const CompareOptions& options_;
  materializer::OpenDataFile open_file_;  // the last data file read
};

}  // namespace pg2iceberg
