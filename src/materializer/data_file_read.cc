#include "materializer/data_file_read.h"

namespace pg2iceberg::materializer {

Result<Bytes> ReadDataFile(ObjectStore& store, const std::string& path, int64_t bytes_max,
                           const std::string& table_name) {
  ASSIGN_OR_RETURN(std::string key, store.KeyForLocation(path));
  ASSIGN_OR_RETURN(ObjectInfo info, store.Head(key));
  if (static_cast<int64_t>(info.size_bytes) > bytes_max) {
    return Status::InvalidArgument(
        "table " + table_name + ": data file " + path + " is " + std::to_string(info.size_bytes) +
        " bytes, more than is read into memory at once (" + std::to_string(bytes_max) + " bytes)");
  }
  Result<Bytes> bytes = store.Get(key);
  RETURN_IF_ERROR(bytes.status().WithContext("reading data file " + path));
  return bytes;
}

Result<const parquet::ParquetReader*> OpenDataFile::Open(ObjectStore& store,
                                                         const std::string& path, int64_t bytes_max,
                                                         const std::string& table_name) {
  if (reader_ && path_ == path) return &*reader_;
  reader_.reset();
  path_.clear();
  Result<Bytes> bytes = ReadDataFile(store, path, bytes_max, table_name);
  RETURN_IF_ERROR(bytes.status());
  bytes_ = std::move(*bytes);
  Result<parquet::ParquetReader> reader = parquet::ParquetReader::Open(bytes_);
  RETURN_IF_ERROR(reader.status().WithContext("data file " + path));
  reader_.emplace(std::move(*reader));
  path_ = path;
  return &*reader_;
}

}  // namespace pg2iceberg::materializer
