// The coordinator schema's migrations. Each entry brings the schema from version i to i + 1;
// entries are never edited once released, only appended.
#include <charconv>
#include <string>
#include <vector>

#include "stage/coordinator_types.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::stage {
namespace {

// `{s}` stands for the quoted schema name.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> kMigrations = {
      // 0 → 1: the capture state and the staging-log index.
      R"sql(
CREATE TABLE {s}.capture (
  group_name        text PRIMARY KEY,
  system_identifier text NOT NULL,
  database_name     text NOT NULL,
  slot_name         text NOT NULL,
  publication_name  text NOT NULL,
  slot_created_lsn  pg_lsn NOT NULL,
  flushed_lsn       pg_lsn NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  checksum          bigint NOT NULL);
CREATE TABLE {s}.tables (
  table_id     bigserial PRIMARY KEY,
  group_name   text NOT NULL,
  schema_name  text NOT NULL,
  table_name   text NOT NULL,
  relid        oid NOT NULL,
  next_offset  bigint NOT NULL CHECK (next_offset >= 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  checksum     bigint NOT NULL,
  UNIQUE (group_name, schema_name, table_name));
CREATE TABLE {s}.segments (
  segment_id        bigserial PRIMARY KEY,
  group_name        text NOT NULL,
  object_key        text NOT NULL UNIQUE,
  size_bytes        bigint NOT NULL,
  first_commit_lsn  pg_lsn NOT NULL,
  last_commit_lsn   pg_lsn NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  checksum          bigint NOT NULL);
CREATE TABLE {s}.segment_blocks (
  segment_id        bigint NOT NULL REFERENCES {s}.segments ON DELETE CASCADE,
  table_id          bigint NOT NULL REFERENCES {s}.tables,
  first_offset      bigint NOT NULL,
  change_count      bigint NOT NULL CHECK (change_count > 0),
  block_offset      bigint NOT NULL,
  block_length      bigint NOT NULL,
  first_commit_lsn  pg_lsn NOT NULL,
  last_commit_lsn   pg_lsn NOT NULL,
  checksum          bigint NOT NULL,
  PRIMARY KEY (table_id, first_offset));
CREATE INDEX ON {s}.segment_blocks (segment_id);
CREATE TABLE {s}.cursors (
  table_id     bigint NOT NULL REFERENCES {s}.tables,
  consumer     text NOT NULL,
  next_offset  bigint NOT NULL CHECK (next_offset >= 0),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  checksum     bigint NOT NULL,
  PRIMARY KEY (table_id, consumer));
)sql",
      // 1 → 2: tables that join a running mirror record the LSN their capture starts at; the
      // fingerprints of the source catalog state capture watches (the publication, the
      // partitions of the mirrored tables), recorded when capture begins; capture's recorded type
      // resolutions (coordinator_types.cc). Idempotent as a whole.
      R"sql(
ALTER TABLE {s}.tables ADD COLUMN IF NOT EXISTS added_lsn pg_lsn;
CREATE TABLE IF NOT EXISTS {s}.watched_catalog (
  group_name   text NOT NULL,
  name         text NOT NULL,
  fingerprint  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  checksum     bigint NOT NULL,
  PRIMARY KEY (group_name, name));
)sql" + TypesTableMigration(),
  };
  return kMigrations;
}

std::string Expand(const std::string& sql, const std::string& quoted_schema) {
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql.compare(i, 3, "{s}") == 0) {
      out += quoted_schema;
      i += 2;
    } else {
      out += sql[i];
    }
  }
  return out;
}

Result<int> CurrentVersion(PgConnection& connection, const std::string& quoted_schema) {
  ASSIGN_OR_RETURN(PgRows rows,
                   connection.Exec("SELECT version FROM " + quoted_schema + ".schema_version"));
  if (rows.rows.size() != 1 || !rows.rows[0][0]) {
    return Status::DataLoss(quoted_schema + ".schema_version must hold exactly one row; it holds " +
                            std::to_string(rows.rows.size()) + " (edited outside pg2iceberg?)");
  }
  int version = 0;
  const std::string& text = *rows.rows[0][0];
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::DataLoss(quoted_schema + ".schema_version holds \"" + text +
                            "\", not a version number");
  }
  return version;
}

Result<int> MigrateLocked(PgConnection& connection, const std::string& q) {
  // CREATE SCHEMA IF NOT EXISTS would ask for CREATE on the database even when the schema
  // exists: a role given its own schema (docs/privileges.md) has no such privilege.
  ASSIGN_OR_RETURN(PgRows absent, connection.Exec("SELECT (to_regnamespace(" + QuoteLiteral(q) +
                                                  ") IS NULL)::text"));
  if (absent.rows.size() == 1 && absent.rows[0][0] == "true") {
    RETURN_IF_ERROR(connection.Exec("CREATE SCHEMA IF NOT EXISTS " + q).status());
  }
  RETURN_IF_ERROR(
      connection
          .Exec("CREATE TABLE IF NOT EXISTS " + q +
                ".schema_version (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),"
                " version integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());"
                "INSERT INTO " +
                q + ".schema_version (version) VALUES (0) ON CONFLICT DO NOTHING")
          .status());
  ASSIGN_OR_RETURN(int found, CurrentVersion(connection, q));
  const auto& migrations = Migrations();
  if (found > static_cast<int>(migrations.size())) {
    return Status::DataLoss("coordinator schema " + q + " is at version " + std::to_string(found) +
                            ", newer than this pg2iceberg understands (" +
                            std::to_string(migrations.size()) +
                            "); run the newer pg2iceberg that wrote it");
  }
  for (size_t v = static_cast<size_t>(found); v < migrations.size(); ++v) {
    RETURN_IF_ERROR(connection.Exec(Expand(migrations[v], q))
                        .status()
                        .WithContext("migrating coordinator schema " + q + " to version " +
                                     std::to_string(v + 1)));
  }
  RETURN_IF_ERROR(connection
                      .Exec("UPDATE " + q + ".schema_version SET version = " +
                            std::to_string(migrations.size()) + ", updated_at = now()")
                      .status());
  return found;
}

}  // namespace

Result<int> MigrateCoordinator(PgConnection& connection, const std::string& schema) {
  static_assert(kCoordinatorSchemaVersion == 2, "append a migration when the version grows");
  const std::string q = QuoteIdentifier(schema);
  RETURN_IF_ERROR(connection.Exec("BEGIN").status());
  // Serializes concurrent migrations of the same schema (released at COMMIT or ROLLBACK).
  Result<PgRows> lock =
      connection.ExecParams("SELECT pg_advisory_xact_lock(hashtext($1))", {"pg2iceberg:" + schema});
  Result<int> found = lock.ok() ? MigrateLocked(connection, q) : Result<int>(lock.status());
  if (!found.ok()) {
    connection.Exec("ROLLBACK").status().IgnoreError();
    return found.status();
  }
  RETURN_IF_ERROR(connection.Exec("COMMIT").status());
  return found;
}

}  // namespace pg2iceberg::stage
