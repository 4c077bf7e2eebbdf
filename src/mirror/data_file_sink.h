// Writes a table's rows into Parquet data files on the object store, rolling to a new file
// when the current one reaches the target size. Every object it writes has a fresh random
// name (never reused across restarts) and is listed in written_keys() so a failed snapshot
// can remove what it wrote. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/data_file.h"
#include "iceberg/schema.h"
#include "mirror/row_encoder.h"
#include "parquet/parquet_writer.h"

namespace pg2iceberg {

struct DataFileSinkOptions {
  std::string data_key_prefix;  // e.g. "public/orders/data/"
  int64_t target_file_size_bytes = 128LL * 1024 * 1024;
  parquet::WriterOptions parquet;
};

class DataFileSink {
 public:
  // `store` and `random` must outlive the sink.
  DataFileSink(ObjectStore& store, Random& random, iceberg::Schema schema, DataFileSinkOptions options);

  // Encodes one row into the current file, rolling to a new file when it is full.
  Status Append(pg::CopyBinaryParser::Fields fields, const RowEncoder& encoder);
  // Closes the last file; returns every file written, in order.
  Result<std::vector<iceberg::DataFile>> Finish();

  const std::vector<std::string>& written_keys() const { return written_keys_; }

 private:
  Status OpenFile();
  Status CloseFile();

  ObjectStore& store_;
  Random& random_;
  iceberg::Schema schema_;
  DataFileSinkOptions options_;
  std::unique_ptr<parquet::ParquetWriter> writer_;
  std::vector<iceberg::DataFile> files_;
  std::vector<std::string> written_keys_;
};

}  // namespace pg2iceberg
