// The parts of the source's catalog that decide what pgoutput sends for the mirrored tables,
// as capture watches them: the publication (its flags, and the row filter and column list of
// each mirrored table) and the partitions of each mirrored partitioned table.
//
// pgoutput decodes every change under the catalog as it was when the change was written, so a
// publication that published less, or a partition that was attached, detached, dropped or
// truncated, leaves a gap no later correction repairs. What can be compared is loaded here; the
// checks are in catalog_guards.h. Each loaded state has a text fingerprint (row versions and
// identities, no data) that changes whenever the catalog rows behind it are rewritten.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "env/pg_connection.h"

namespace pg2iceberg::capture {

// One pg_publication_rel row of a mirrored table.
struct PublishedRelation {
  uint32_t relid = 0;
  std::string qualified_name;  // schema.table, each quoted where SQL needs it
  std::string row_version;     // "oid/xmin": rewritten by every ALTER PUBLICATION touching the row
  std::string row_filter;      // pg_get_expr(prqual); empty without a row filter
  std::string column_list;     // the listed columns, ", "-separated; empty without a column list
};

// A publication as pg_publication shows it, with the rows that decide what it sends for a set
// of tables.
struct PublicationState {
  std::string name;
  std::string row_version;  // pg_publication "oid/xmin"
  bool all_tables = false;
  bool publishes_insert = false;
  bool publishes_update = false;
  bool publishes_delete = false;
  bool publishes_truncate = false;
  bool via_root = false;                     // publish_via_partition_root
  std::vector<PublishedRelation> relations;  // pg_publication_rel rows of the given tables
  std::vector<std::string> schema_rows;      // pg_publication_namespace "oid/xmin" of their schemas
};

// One descendant (at any level) of a mirrored partitioned table.
struct PartitionState {
  uint32_t root = 0;  // the mirrored partitioned table's oid
  uint32_t relid = 0;
  uint32_t parent = 0;
  std::string attach_version;  // pg_inherits row xmin, "+detaching" while DETACH CONCURRENTLY runs
  char kind = 'r';             // pg_class.relkind
  char persistence = 'p';      // pg_class.relpersistence
  uint32_t storage = 0;        // pg_class.relfilenode: new after TRUNCATE or a table rewrite
  std::string qualified_name;  // schema.table, each quoted where SQL needs it
  bool operator==(const PartitionState&) const = default;
};

// `publication` with the pg_publication_rel and pg_publication_namespace rows of `relids`;
// nullopt when it does not exist.
Result<std::optional<PublicationState>> LoadPublicationState(PgConnection& sql,
                                                             const std::string& publication,
                                                             const std::vector<uint32_t>& relids);

// The descendants of each of `roots` that is a partitioned table (none for a plain table),
// ordered by root and relid.
Result<std::vector<PartitionState>> LoadPartitionStates(PgConnection& sql,
                                                        const std::vector<uint32_t>& roots);

// The fingerprint of a publication: its row versions only, so that any rewrite of its rows
// (a flag changed and changed back included) shows.
std::string PublicationFingerprint(const PublicationState& publication);

// Text form of partition states (one line each), and back. kDataLoss for text this function
// did not write.
std::string EncodePartitions(const std::vector<PartitionState>& partitions);
Result<std::vector<PartitionState>> DecodePartitions(std::string_view text);

}  // namespace pg2iceberg::capture
