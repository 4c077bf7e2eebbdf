// Copying a source table's rows into Parquet data files of its Iceberg table (no commit): the
// part `snapshot` and the initial load of `run` share.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "config/config.h"
#include "env/env.h"
#include "iceberg/data_file.h"
#include "parquet/parquet_writer.h"
#include "table/table_plan.h"

namespace pg2iceberg {

// The Parquet settings of sink.compression and sink.parquet_dictionary.
parquet::WriterOptions ParquetOptionsOf(const SinkConfig& sink);

struct CopiedFiles {
  std::vector<iceberg::DataFile> files;
  std::vector<std::string> keys;  // object-store keys of `files`
  int64_t rows = 0;
};

// Streams the rows of `plan` that `where` selects (a SQL condition; every row when empty) out
// of `source` with COPY into data files in `warehouse`. `on_rows` is called after every 10,000
// rows with the count since its last call; an error it returns ends the copy with that error.
// On any error removes the files it wrote.
Result<CopiedFiles> CopyTableRows(const TablePlan& plan, PgConnection& source,
                                  ObjectStore& warehouse, const SinkConfig& sink,
                                  const std::string& where, Env& env,
                                  const std::function<Status(int64_t)>& on_rows);

// Streams the rows of `plan` that `where` selects out of `source` with COPY, decoded as the copy
// decodes them (pg::CopyRowDecoder: one value per plan.columns entry, of the kind its Iceberg
// type takes), into `on_row`; the row is reused between calls. An error `on_row` returns ends
// the stream with that error. Errors: the COPY's (a refusal explained), the decoder's.
Status StreamTableRows(const TablePlan& plan, PgConnection& source, const std::string& where,
                       const std::function<Status(const change::Row&)>& on_row);

// Deletes `keys`, logging (not returning) a failure: for files no metadata references.
void RemoveQuietly(ObjectStore& store, const std::vector<std::string>& keys, Env& env);

}  // namespace pg2iceberg
