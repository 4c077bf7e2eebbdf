#include "table/catalog_factory.h"

#include "iceberg/rest/rest_catalog.h"
#include "iceberg/sql/sql_catalog.h"
#include "pg/source_connection.h"
#include "table/warehouse.h"

namespace pg2iceberg {
namespace {

Result<std::unique_ptr<PgConnection>> ConnectSqlCatalog(const Config& config, Env& env) {
  if (config.sink.catalog_uri.empty()) return ConnectSource(config.source.postgres, env);
  PgConnectParams params;
  params.conninfo = config.sink.catalog_uri;
  Result<std::unique_ptr<PgConnection>> connection = env.pg.Connect(params);
  if (!connection.ok()) return connection.status().WithContext("SQL catalog sink.catalog_uri");
  return connection;
}

Result<OpenedCatalog> OpenSqlCatalog(const Config& config, Env& env) {
  OpenedCatalog opened;
  ASSIGN_OR_RETURN(opened.connection, ConnectSqlCatalog(config, env));
  // A commit whose reply was lost with the connection is reconciled on a new session.
  iceberg::SqlCatalog::Reconnect reconnect = [&config, &env] {
    return ConnectSqlCatalog(config, env);
  };
  ASSIGN_OR_RETURN(opened.catalog,
                   iceberg::SqlCatalog::Open(*opened.connection, config.sink.catalog_name,
                                             std::move(reconnect)));
  return opened;
}

iceberg::RestAuthOptions RestAuthFromConfig(const SinkConfig& sink) {
  iceberg::RestAuthOptions auth;
  switch (sink.catalog_auth) {
    case CatalogAuth::kNone:
      auth.type = iceberg::RestAuthType::kNone;
      break;
    case CatalogAuth::kBearer:
      auth.type = iceberg::RestAuthType::kBearer;
      auth.token = sink.catalog_token;
      break;
    case CatalogAuth::kOAuth2:
      auth.type = iceberg::RestAuthType::kOAuth2;
      auth.client_id = sink.catalog_client_id;
      auth.client_secret = sink.catalog_client_secret;
      break;
    case CatalogAuth::kSigV4:
      auth.type = iceberg::RestAuthType::kSigV4;
      auth.sigv4.credentials = {sink.s3.access_key, sink.s3.secret_key, sink.s3.session_token};
      auth.sigv4.region =
          sink.catalog_sigv4_region.empty() ? sink.s3.region : sink.catalog_sigv4_region;
      if (auth.sigv4.region.empty()) auth.sigv4.region = "us-east-1";
      auth.sigv4.service = sink.catalog_sigv4_service;
      break;
  }
  return auth;
}

Result<OpenedCatalog> OpenRestCatalog(const SinkConfig& sink, Env& env) {
  iceberg::RestCatalogOptions options;
  options.uri = sink.catalog_uri;
  options.warehouse = !sink.catalog_warehouse.empty()            ? sink.catalog_warehouse
                      : sink.catalog_auth == CatalogAuth::kSigV4 ? ""
                                                                 : sink.warehouse;
  options.auth = RestAuthFromConfig(sink);
  options.retry.deadline_ms = sink.catalog_retry_deadline_ms;
  options.tls = {.ca_file = sink.catalog_ca_file,
                 .client_cert = sink.catalog_client_cert,
                 .client_key = sink.catalog_client_key};
  options.access_delegation = AsksForVendedCredentials(sink);
  Result<std::unique_ptr<iceberg::RestCatalog>> catalog =
      iceberg::RestCatalog::Open(std::move(options), env.http, env.clock, env.random, env.log);
  if (!catalog.ok()) return catalog.status().WithContext("sink.catalog_uri");
  return OpenedCatalog{nullptr, std::move(*catalog)};
}

}  // namespace

Result<OpenedCatalog> OpenCatalog(const Config& config, Env& env) {
  if (config.sink.catalog_type == CatalogType::kRest) return OpenRestCatalog(config.sink, env);
  return OpenSqlCatalog(config, env);
}

}  // namespace pg2iceberg
