// The plan of a large table's initial load (docs/materializer.md, "Resuming a load"): its rows
// split into ranges of its mirrored key, each copied on its own and recorded as copied in the
// table's Iceberg snapshots, so a load stopped by a crash resumes with the ranges not copied.
//
// Ranges are of the key, not of CTIDs: a key's row lives in one range whatever updates do to
// its place on disk, so ranges read at different points of the source never hold the same key
// twice, and the changes between those points, replayed, bring every range to the last one.
//
// The boundaries are key values in their text form, as a source connection prints them
// (pg/source_connection.h fixes the settings that form depends on), and compared as Postgres
// compares the key: row comparison under the columns' btree operators and collations.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "env/pg_connection.h"
#include "pg/table_discovery.h"

namespace pg2iceberg {

struct LoadPlan {
  std::vector<std::string> key;  // the mirrored key's columns, in key order
  // Ascending; range 0 holds the keys below boundaries[0], range i those from boundaries[i-1]
  // up to (not including) boundaries[i], the last range those from the last boundary up.
  std::vector<std::vector<std::string>> boundaries;

  int64_t ranges() const { return static_cast<int64_t>(boundaries.size()) + 1; }
  bool operator==(const LoadPlan&) const = default;
};

// The SQL condition selecting range `index` of `plan` (empty for a plan of one range).
std::string RangeCondition(const LoadPlan& plan, int64_t index);

// The plan as the JSON document stored next to the table (values hex-encoded, so any byte
// sequence the server prints survives), and back. kInvalidArgument on a malformed document.
std::string EncodeLoadPlan(const LoadPlan& plan);
Result<LoadPlan> DecodeLoadPlan(std::string_view document);

// A set of range indexes as "0-4,7,9-12" (ascending; "" when empty), and back.
// kInvalidArgument on malformed text or an index outside [0, ranges).
std::string FormatRangeSet(const std::vector<bool>& ranges);
Result<std::vector<bool>> ParseRangeSet(std::string_view text, int64_t ranges);

// Whether `table` has a valid btree index whose leading columns are `key` in order, so a range
// of the key is read without scanning the whole table.
Result<bool> KeyIsIndexed(PgConnection& source, const pg::SourceTable& table,
                          const std::vector<std::string>& key);

// Checks in Postgres that the boundaries of `plan` strictly ascend as the key compares (its
// columns' types and collations), so its ranges hold every key exactly once. kInternal when
// they do not.
Status CheckLoadPlan(PgConnection& source, const pg::SourceTable& table, const LoadPlan& plan);

// Splits `table` into at most `ranges` ranges of `key` of about equal row counts, from a sample
// of about 32 pages per range (TABLESAMPLE SYSTEM) of a table of `pages` pages. Fewer ranges
// when the sample holds fewer distinct keys; one when it is empty. Checked (CheckLoadPlan).
Result<LoadPlan> SampleLoadPlan(PgConnection& source, const pg::SourceTable& table,
                                const std::vector<std::string>& key, int64_t ranges, int64_t pages);

}  // namespace pg2iceberg
