// Partitioner: the partition tuple and partition path of a row of a table whose Iceberg
// schema fields are in column order (table_plan.h), for the table's partition spec bound to
// that schema (iceberg/partition.h). Values come from the change::Row that is written to
// Parquet (row_encoder.h), so a partition value is always computed from exactly what the data
// file holds.
#pragma once

#include <string>
#include <vector>

#include "change/change.h"
#include "iceberg/partition.h"

namespace pg2iceberg {

class Partitioner {
 public:
  // kInvalidArgument when a field's source is not a schema field.
  static Result<Partitioner> Create(std::string table_name, const iceberg::Schema& schema,
                                    std::vector<iceberg::BoundPartitionField> fields);

  bool partitioned() const { return !fields_.empty(); }
  // One value per spec field (null where the source is null). kInvalidArgument naming the
  // table and column when a transform's result does not fit its type; kInternal when a source
  // value is a list or an unresolved unchanged TOAST value. `row` has a value per schema field.
  Result<iceberg::PartitionTuple> TupleOf(const change::Row& row) const;
  // iceberg::PartitionPath of `tuple`.
  std::string PathOf(const iceberg::PartitionTuple& tuple) const;

 private:
  Partitioner(std::string table_name, std::vector<iceberg::BoundPartitionField> fields,
              std::vector<size_t> source_columns, std::vector<std::string> source_names)
      : table_name_(std::move(table_name)),
        fields_(std::move(fields)),
        source_columns_(std::move(source_columns)),
        source_names_(std::move(source_names)) {}

  std::string table_name_;
  std::vector<iceberg::BoundPartitionField> fields_;
  std::vector<size_t> source_columns_;  // per field: the row column of its source
  std::vector<std::string> source_names_;
};

}  // namespace pg2iceberg
