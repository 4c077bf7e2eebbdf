#include "table/table_stores.h"

#include "s3/s3_object_store.h"
#include "table/warehouse.h"

namespace pg2iceberg {

Result<std::string> TableStores::Location(std::string_view key) {
  if (sink_->warehouse.starts_with("s3://")) {
    Result<std::string> location = S3ObjectStore::LocationIn(sink_->warehouse, key);
    if (!location.ok()) return location.status().WithContext("sink.warehouse " + sink_->warehouse);
    return location;
  }
  ASSIGN_OR_RETURN(ObjectStore * own, Own());  // a local directory: no credentials involved
  return own->Location(key);
}

Result<ObjectStore*> TableStores::Own() {
  if (own_ == nullptr) {
    ASSIGN_OR_RETURN(own_, OpenWarehouse(*sink_, *env_));
  }
  return own_.get();
}

Result<ObjectStore*> TableStores::ForTable(const std::string& table,
                                           const iceberg::StorageConfig& vended) {
  if (AsksForVendedCredentials(*sink_) && HasVendedS3Credentials(vended)) {
    Result<std::unique_ptr<ObjectStore>> store = OpenVendedWarehouse(*sink_, vended, *env_);
    if (!store.ok()) return store.status().WithContext("Iceberg table " + table);
    vended_.push_back(std::move(*store));
    return vended_.back().get();
  }
  if (sink_->credential_mode == CredentialMode::kVended) {
    return Status::InvalidArgument(
        "Iceberg table " + table +
        ": the REST catalog vended no S3 credentials for it (sink.credential_mode: vended); "
        "enable credential vending in the catalog, or set sink.credential_mode: static with "
        "pg2iceberg's own S3 keys");
  }
  return Own();
}

}  // namespace pg2iceberg
