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

}  // namespace pg2iceberg::materializer
