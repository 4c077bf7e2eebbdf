#include "env/default_object_store_opener.h"

#include <string>

#include "env/local_object_store.h"

namespace pg2iceberg {

Result<std::unique_ptr<ObjectStore>> DefaultObjectStoreOpener::Open(std::string_view uri) {
  if (uri.starts_with("s3://")) {
    return Status::InvalidArgument(
        "this opener serves local file:// stores; s3:// stores are opened with the S3 client "
        "(table/warehouse.h): " +
        std::string(uri));
  }
  if (!uri.starts_with("file://")) {
    return Status::InvalidArgument("unsupported warehouse URI \"" + std::string(uri) +
                                   "\" (expected file:///absolute/path)");
  }
  const std::string_view path = uri.substr(7);
  if (!path.starts_with('/')) {
    return Status::InvalidArgument(
        "file:// warehouse URI needs an absolute path and no host, "
        "e.g. file:///var/lib/warehouse: \"" +
        std::string(uri) + "\"");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store, LocalObjectStore::Open(path, random_));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace pg2iceberg
