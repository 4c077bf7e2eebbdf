#include "table/partitioner.h"

namespace pg2iceberg {

Result<Partitioner> Partitioner::Create(std::string table_name, const iceberg::Schema& schema,
                                        std::vector<iceberg::BoundPartitionField> fields) {
  std::vector<size_t> columns;
  std::vector<std::string> names;
  for (const iceberg::BoundPartitionField& f : fields) {
    size_t column = 0;
    while (column < schema.fields.size() && schema.fields[column].id != f.field.source_id) ++column;
    if (column == schema.fields.size()) {
      return Status::InvalidArgument("table " + table_name + ": partition field \"" + f.field.name +
                                     "\" has no source column");
    }
    columns.push_back(column);
    names.push_back(schema.fields[column].name);
  }
  return Partitioner(std::move(table_name), std::move(fields), std::move(columns),
                     std::move(names));
}

Result<iceberg::PartitionTuple> Partitioner::TupleOf(const DecodedRow& row) const {
  iceberg::PartitionTuple tuple;
  tuple.reserve(fields_.size());
  for (size_t i = 0; i < fields_.size(); ++i) {
    std::optional<iceberg::Literal> source = row.LiteralOf(source_columns_[i]);
    if (!source) {
      tuple.push_back(std::nullopt);
      continue;
    }
    Result<iceberg::Literal> value =
        iceberg::ApplyTransform(fields_[i].transform, fields_[i].source_type, *source);
    if (!value.ok()) {
      return value.status().WithContext("table " + table_name_ + ", column \"" + source_names_[i] +
                                        "\", partition field \"" + fields_[i].field.name + "\"");
    }
    tuple.push_back(std::move(*value));
  }
  return tuple;
}

std::string Partitioner::PathOf(const iceberg::PartitionTuple& tuple) const {
  return iceberg::PartitionPath(fields_, tuple);
}

}  // namespace pg2iceberg
