// `snapshot`: copies every configured table into its Iceberg table from one consistent
// point in time of the source, and exits.
//
// All tables are read inside one REPEATABLE READ transaction, so together they reflect one
// moment of the source. Everything that can be checked before copying is checked for every
// table first (tables exist, column types map exactly, an existing Iceberg table's schema can
// evolve to the source's: schema_evolution.h), so bad input creates nothing. Every table is copied
// first; then all of them are committed in one catalog step where the catalog can
// (iceberg::CommitSnapshots: the SQL catalog in one Postgres transaction, a REST catalog through
// /v1/{p}/transactions/commit for the tables that already exist), so readers see the tables move to
// the new point in time together. A failure while copying removes the files written and commits
// nothing. Re-running replaces the Iceberg table's contents with a new snapshot of the source. A
// commit refused with kConflict (another writer committed since the table was loaded) is retried on
// the reloaded table a bounded number of times.
#pragma once

#include "base/status.h"
#include "change/change.h"
#include "config/config.h"
#include "env/env.h"
#include "env/pg_connection.h"

namespace pg2iceberg {

Status RunSnapshot(const Config& config, Env& env);

// Starts a REPEATABLE READ, READ ONLY transaction on `source` with the snapshot a temporary
// replication slot exported, so every read in it sees the source as of the slot's consistent
// point: exactly the transactions that committed before it. Returns that LSN. Errors: the
// replication connection's and the slot's (with what the snapshot needs), the connection's.
Result<change::Lsn> BeginAtConsistentPoint(const PostgresConfig& config, PgConnection& source,
                                           Env& env);

}  // namespace pg2iceberg
