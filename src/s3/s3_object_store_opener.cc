#include "s3/s3_object_store_opener.h"

#include "s3/s3_endpoint.h"

namespace pg2iceberg {

Result<std::unique_ptr<ObjectStore>> S3ObjectStoreOpener::Open(std::string_view uri) {
  if (!s3::HasS3Scheme(uri)) return fallback_.Open(uri);
  ASSIGN_OR_RETURN(std::unique_ptr<S3ObjectStore> store,
                   S3ObjectStore::Open(uri, options_, http_, clock_, random_));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

}  // namespace pg2iceberg
