// Partition specs as pg2iceberg builds and uses them: from the configuration's entries
// (tables[].iceberg.partition) to an Iceberg PartitionSpec, the partition type manifests
// record, and the partition path of a data file.
//
// Entry syntax (as the Go pg2iceberg accepts it): "column" or "identity(column)", "year(column)",
// "month(column)", "day(column)", "hour(column)", "bucket[N](column)", "truncate[W](column)";
// transform names are case-insensitive and spaces around names are ignored. Column names are
// matched exactly (Postgres spelling).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "iceberg/literal.h"
#include "iceberg/metadata.h"
#include "iceberg/schema.h"
#include "iceberg/transform.h"

namespace pg2iceberg::iceberg {

inline constexpr int kFirstPartitionFieldId = 1000;

struct PartitionEntry {
  Transform transform;
  std::string column;
};

// Parses one configuration entry; kInvalidArgument quoting it when malformed.
Result<PartitionEntry> ParsePartitionEntry(std::string_view entry);

// The spec (id 0) for `entries` over `schema`: field ids 1000, 1001, … in entry order, names
// as Java names them (identity: the column; others "<column>_<bucket|trunc|year|month|day|
// hour>"). kInvalidArgument naming `table` and the entry for bad syntax, an unknown column, a
// transform the column's type does not take, or two fields with the same name.
Result<PartitionSpec> BuildPartitionSpec(std::string_view table, const Schema& schema,
                                         const std::vector<std::string>& entries);

// One field of a spec with what is needed to compute and store its values.
struct BoundPartitionField {
  PartitionField field;
  Transform transform;
  Type source_type;
  Type result_type;
};

// The spec's fields bound to `schema`; kInvalidArgument for a field whose source is missing
// or whose transform is unknown or not defined on the source's type.
Result<std::vector<BoundPartitionField>> BindPartitionSpec(const PartitionSpec& spec,
                                                           const Schema& schema);

// The table's default spec; kInvalidArgument when the metadata does not hold it.
Result<const PartitionSpec*> DefaultPartitionSpec(const TableMetadata& metadata);

// The partition type: one optional field per spec field (id, name, result type).
std::vector<Field> PartitionType(const std::vector<BoundPartitionField>& fields);

// "created_at_day=2024-01-31/id_bucket=3/region=eu": one "name=value" per field, both
// URL-encoded as Java's URLEncoder does (space as '+'), null as "null". tuple.size() must
// equal fields.size().
std::string PartitionPath(const std::vector<BoundPartitionField>& fields,
                          const PartitionTuple& tuple);

}  // namespace pg2iceberg::iceberg
