// What the connected role needs from the source to mirror (docs/privileges.md), checked before
// anything is created, so a missing privilege is named — every missing one at once, each with
// the statement that grants it — instead of surfacing as the first failing statement's error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "env/pg_connection.h"
#include "pg/table_discovery.h"

namespace pg2iceberg::pg {

struct PrivilegeNeeds {
  std::vector<SourceTable> tables;  // read by the initial load or a snapshot (SELECT)
  bool replication = false;         // a replication connection (capture, the load's snapshot)
  // The publication capture creates or completes: absent, or lacking a table, it needs
  // ownership of the tables (and of the publication).
  std::optional<std::string> publication;
  std::vector<SourceTable> published;  // the tables the publication must hold
  // The coordinator schema, when it lives in this database: created (CREATE on the database)
  // or used (USAGE and CREATE on it).
  std::optional<std::string> coordinator_schema;
  // The SQL catalog's tables live in this database: created in current_schema() (CREATE on
  // it) or used (SELECT, INSERT, UPDATE, DELETE on them).
  bool sql_catalog = false;
};

// OK when the current role has everything `needs` lists; else kInvalidArgument naming the role
// and each missing privilege with the statement that grants it. Errors of the queries as
// PgConnection reports them.
Status CheckPrivileges(PgConnection& connection, const PrivilegeNeeds& needs);

}  // namespace pg2iceberg::pg
