// The primary key of a mirrored table's rows, as bytes the index can hash and compare.
//
// A key is the key columns' values, in key order, each normalised so a widened column keeps
// its keys (int4 → int8: Int32 values are keyed as Int64; float4 → float8: Float32 as Float64)
// and encoded with the staging log's value encoding (change/change_codec.h). Two rows have the
// same key exactly when their key bytes are equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::materializer {

// The positions, in `schema`'s columns, of the key columns `names` (in key order).
// kInvalidArgument naming the table and column when one is missing (a key column dropped or
// renamed at the source: the mirror cannot place its rows any more).
Result<std::vector<int>> KeyColumnIndexes(const change::TableSchema& schema,
                                          const std::vector<std::string>& names);

// The key bytes of `row`. kInvalidArgument when a key value is NULL, or unchanged-TOAST (the
// server did not send it, so the row cannot be placed), naming the table and column.
Result<std::string> KeyOf(const change::TableSchema& schema, const change::Row& row,
                          const std::vector<int>& key_indexes);

// The key columns' values a key holds (KeyOf's bytes), in key order: ints as kInt64 and
// floats as kFloat64 whatever their column's width. kInternal for bytes KeyOf did not make.
Result<change::Row> KeyValues(std::string_view key, size_t key_columns);

// The key columns' values of `row` as text for error messages ("id=42, region='eu'"), at most
// about 200 characters.
std::string DescribeKey(const change::TableSchema& schema, const change::Row& row,
                        const std::vector<int>& key_indexes);

}  // namespace pg2iceberg::materializer
