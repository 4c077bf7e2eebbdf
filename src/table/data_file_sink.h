// Writes a table's rows into Parquet data files on the object store, rolling to a new file
// when the current one reaches the target size. Every object it writes has a fresh random
// name (never reused across restarts) and is listed in written_keys() so a failed snapshot
// can remove what it wrote. Not thread-safe.
//
// Partitioned tables: each row goes to the open file of its partition tuple, under
// "<data_key_prefix><partition path>/". Files are held in memory until closed, so at most
// max_open_files are open at once and their estimated sizes together stay under
// open_files_bytes_max (at least target_file_size_bytes): when a row needs another file, or
// the open files grow past the byte limit, the largest open file is closed (and a later row
// of its partition starts a new file). Rows in partition order make one file per partition
// and target size; rows in random order over many partitions make smaller files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/data_file.h"
#include "iceberg/schema.h"
#include "parquet/parquet_writer.h"
#include "table/partitioner.h"
#include "table/row_encoder.h"

namespace pg2iceberg {

struct DataFileSinkOptions {
  std::string data_key_prefix;  // e.g. "public/orders/data/"
  int64_t target_file_size_bytes = 128LL * 1024 * 1024;
  parquet::WriterOptions parquet;
  // Partitioned tables only (see the header comment). Default: 64 files, 256 MiB.
  size_t max_open_files = 64;
  int64_t open_files_bytes_max = 256LL * 1024 * 1024;
};

class DataFileSink {
 public:
  // `store` and `random` must outlive the sink. `partitioner` maps rows to partitions (one
  // without fields: unpartitioned).
  DataFileSink(ObjectStore& store, Random& random, iceberg::Schema schema, Partitioner partitioner,
               DataFileSinkOptions options);

  // Decodes one row and encodes it into its partition's file, closing files as described
  // above.
  Status Append(pg::CopyBinaryParser::Fields fields, const RowEncoder& encoder);
  // Closes every open file; returns every file written, in the order they were closed.
  Result<std::vector<iceberg::DataFile>> Finish();

  const std::vector<std::string>& written_keys() const { return written_keys_; }

 private:
  struct OpenFile {
    iceberg::PartitionTuple partition;
    std::unique_ptr<parquet::ParquetWriter> writer;
  };

  Result<size_t> FileFor(iceberg::PartitionTuple partition);
  Status CloseFile(size_t index);
  Status CloseLargestWhileOverBudget();
  size_t LargestOpenFile() const;

  ObjectStore& store_;
  Random& random_;
  iceberg::Schema schema_;
  Partitioner partitioner_;
  DataFileSinkOptions options_;
  DecodedRow row_;
  std::vector<OpenFile> open_;
  std::vector<iceberg::DataFile> files_;
  std::vector<std::string> written_keys_;
};

}  // namespace pg2iceberg
