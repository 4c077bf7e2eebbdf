#include "table/warehouse.h"

#include "s3/s3_object_store.h"

namespace pg2iceberg {
namespace {

S3Options S3OptionsFor(const S3Config& config, Logger& log) {
  S3Options options;
  options.retry.log = &log;
  options.endpoint =
      config.endpoint.empty() ? "https://s3." + config.region + ".amazonaws.com" : config.endpoint;
  options.region = config.region;
  options.access_key_id = config.access_key;
  options.secret_access_key = config.secret_key;
  options.session_token = config.session_token;
  options.path_style = config.path_style;
  options.tls = {.ca_file = config.ca_file,
                 .client_cert = config.client_cert,
                 .client_key = config.client_key};
  options.multipart_concurrency = config.upload_concurrency;
  options.multipart_part_size_bytes = static_cast<uint64_t>(config.part_size_bytes);
  options.multipart_threshold_bytes = static_cast<uint64_t>(config.multipart_threshold_bytes);
  return options;
}

std::string Setting(const iceberg::StorageConfig& vended, const std::string& key) {
  auto it = vended.find(key);
  return it == vended.end() ? "" : it->second;
}

S3Config VendedS3Config(S3Config s3, const iceberg::StorageConfig& vended) {
  s3.access_key = Setting(vended, "s3.access-key-id");
  s3.secret_key = Setting(vended, "s3.secret-access-key");
  s3.session_token = Setting(vended, "s3.session-token");
  if (const std::string endpoint = Setting(vended, "s3.endpoint"); !endpoint.empty()) {
    s3.endpoint = endpoint;
  }
  if (const std::string path_style = Setting(vended, "s3.path-style-access"); !path_style.empty()) {
    s3.path_style = path_style == "true";
  }
  for (const char* key : {"s3.region", "client.region"}) {
    if (const std::string region = Setting(vended, key); !region.empty()) s3.region = region;
  }
  return s3;
}

}  // namespace

bool AsksForVendedCredentials(const SinkConfig& sink) {
  return sink.catalog_type == CatalogType::kRest &&
         sink.credential_mode != CredentialMode::kStatic && sink.warehouse.starts_with("s3://");
}

bool HasVendedS3Credentials(const iceberg::StorageConfig& vended) {
  return !Setting(vended, "s3.access-key-id").empty() &&
         !Setting(vended, "s3.secret-access-key").empty();
}

Result<std::unique_ptr<ObjectStore>> OpenVendedWarehouse(const SinkConfig& sink,
                                                         const iceberg::StorageConfig& vended,
                                                         Env& env) {
  const std::string context = "sink.warehouse " + sink.warehouse + " with vended credentials";
  if (!sink.warehouse.starts_with("s3://")) {
    return Status::InvalidArgument(context + ": vended credentials need an s3:// warehouse");
  }
  if (!HasVendedS3Credentials(vended)) {
    return Status::InvalidArgument(context + ": the catalog vended no S3 keys");
  }
  Result<std::unique_ptr<S3ObjectStore>> store = S3ObjectStore::OpenUnchecked(
      sink.warehouse, S3OptionsFor(VendedS3Config(sink.s3, vended), env.log), env.http, env.clock,
      env.random);
  if (!store.ok()) return store.status().WithContext(context);
  return std::unique_ptr<ObjectStore>(std::move(*store));
}

Result<std::unique_ptr<ObjectStore>> OpenWarehouse(const SinkConfig& sink, Env& env) {
  const std::string context = "sink.warehouse " + sink.warehouse;
  if (!sink.warehouse.starts_with("s3://")) {
    Result<std::unique_ptr<ObjectStore>> store = env.object_stores.Open(sink.warehouse);
    if (!store.ok()) return store.status().WithContext(context);
    return store;
  }
  if (sink.s3.access_key.empty() || sink.s3.secret_key.empty()) {
    return Status::InvalidArgument(
        context +
        ": no S3 credentials; set sink.s3_access_key and "
        "sink.s3_secret_key or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  Result<std::unique_ptr<S3ObjectStore>> store = S3ObjectStore::Open(
      sink.warehouse, S3OptionsFor(sink.s3, env.log), env.http, env.clock, env.random);
  if (!store.ok()) return store.status().WithContext(context);
  return std::unique_ptr<ObjectStore>(std::move(*store));
}

}  // namespace pg2iceberg
