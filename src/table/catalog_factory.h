// Opening the Iceberg catalog the sink config names: the SQL catalog in Postgres
// (sink.catalog_type sql; sink.catalog_uri a libpq URI, or empty for the source database) or a
// REST catalog (sink.catalog_type rest; sink.catalog_uri its base URL, sink.catalog_auth and
// its credentials). Everything the catalog borrows comes with it.
#pragma once

#include <memory>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"
#include "iceberg/catalog.h"

namespace pg2iceberg {

// An open catalog with what it borrows. Members are destroyed in reverse order: the catalog
// before the connection it uses.
struct OpenedCatalog {
  std::unique_ptr<PgConnection> connection;  // the SQL catalog's; null for REST
  std::unique_ptr<iceberg::Catalog> catalog;
};

// Connects and checks the catalog (SQL: creates its tables when missing; REST: GET /v1/config,
// which also checks the credentials). Errors carry "SQL catalog …" / "REST catalog …" context.
// `config` and `env` are borrowed and must outlive the catalog (the SQL catalog reconnects
// through them to reconcile a commit whose reply was lost).
Result<OpenedCatalog> OpenCatalog(const Config& config, Env& env);

}  // namespace pg2iceberg
