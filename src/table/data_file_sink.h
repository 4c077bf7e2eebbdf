// Writes a table's rows (change::Row, encoded by row_encoder.h) into Parquet data files on the
// object store, rolling to a new file when the current one reaches the target size. Every
// object it writes has a fresh random name (never reused across restarts) and is listed in
// written_keys() so a failed snapshot can remove what it wrote. Not thread-safe.
//
// Row locations, for a primary-key → (data file, position) index: Append returns where the
// row went — the sink's number of its file (0, 1, 2, … in the order files are opened; a new
// file of a partition gets a new number) and the row's 0-based position in that file, dense
// from 0 in append order. Once the file is closed (by size, by the limits below, or by Finish)
// ClosedFilePath gives its location, which is the DataFile's file_path that Finish returns.
//
// Partitioned tables: each row goes to the open file of its partition tuple, under
// "<data_key_prefix><partition path>/". Files are held in memory until closed, so at most
// max_open_files are open at once and their estimated sizes together stay under
// open_files_bytes_max (at least target_file_size_bytes): when a row needs another file, or
// the open files grow past the byte limit, the largest open file is closed (and a later row
// of its partition starts a new file). Rows in partition order make one file per partition
// and target size; rows in random order over many partitions make smaller files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "change/change.h"
#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/data_file.h"
#include "iceberg/schema.h"
#include "parquet/parquet_writer.h"
#include "table/partitioner.h"
#include "table/row_encoder.h"

namespace pg2iceberg {

// Where DataFileSink::Append put a row: its data file (the sink's number for it) and its
// 0-based row position in that file.
struct RowLocation {
  size_t file = 0;
  int64_t position = 0;
  bool operator==(const RowLocation&) const = default;
};

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
  // without fields: unpartitioned); `encoder` writes them, for the columns of `schema` in order.
  DataFileSink(ObjectStore& store, Random& random, iceberg::Schema schema, Partitioner partitioner,
               RowEncoder encoder, DataFileSinkOptions options);

  // Encodes one row into its partition's file, closing files as described above, and returns
  // where it went. Errors: the partitioner's and the encoder's (the row is not written), and
  // the store's when a file is closed. After an error the sink must not be appended to or
  // finished again; written_keys() still lists what to remove.
  Result<RowLocation> Append(const change::Row& row);
  // Closes every open file; returns every file written, in the order they were closed.
  Result<std::vector<iceberg::DataFile>> Finish();

  // The location of closed file `file` (a RowLocation::file). kNotFound while it is still
  // open, or for a number this sink never returned.
  Result<std::string> ClosedFilePath(size_t file) const;

  const std::vector<std::string>& written_keys() const { return written_keys_; }

 private:
  struct OpenFile {
    size_t number = 0;  // RowLocation::file
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
  RowEncoder encoder_;
  DataFileSinkOptions options_;
  std::vector<OpenFile> open_;
  std::vector<iceberg::DataFile> files_;
  // Per file number: its index in files_ once closed; kOpen while open (or closed empty).
  static constexpr size_t kOpen = static_cast<size_t>(-1);
  std::vector<size_t> closed_index_;
  std::vector<std::string> written_keys_;
};

}  // namespace pg2iceberg
