#include "table/partitioner.h"

#include <optional>
#include <string>

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

namespace {

// A partition source value as an Iceberg literal (literal.h); nullopt for null. Partition
// sources are primitive columns, so a list (or an unresolved unchanged TOAST value) is a
// caller's bug.
Result<std::optional<iceberg::Literal>> LiteralOf(const change::Value& value) {
  using change::ValueKind;
  switch (value.kind) {
    case ValueKind::kNull:
      return std::optional<iceberg::Literal>();
    case ValueKind::kFloat32:
    case ValueKind::kFloat64:
      return std::optional(iceberg::Literal::Real(value.float_value));
    case ValueKind::kString:
    case ValueKind::kBinary:
    case ValueKind::kUuid:
      return std::optional(iceberg::Literal::Bytes(value.bytes));
    case ValueKind::kDecimal:
      return std::optional(iceberg::Literal::Decimal(value.decimal_unscaled));
    case ValueKind::kUnchangedToast:
    case ValueKind::kList:
      return Status::Internal("a " + std::string(change::ValueKindName(value.kind)) +
                              " value has no partition value");
    default:  // bool, int32, int64, date, time, timestamp, timestamptz
      return std::optional(iceberg::Literal::Integer(value.int_value));
  }
}

}  // namespace

Result<iceberg::PartitionTuple> Partitioner::TupleOf(const change::Row& row) const {
  iceberg::PartitionTuple tuple;
  tuple.reserve(fields_.size());
  for (size_t i = 0; i < fields_.size(); ++i) {
    Result<std::optional<iceberg::Literal>> source = LiteralOf(row[source_columns_[i]]);
    if (source.ok() && !source->has_value()) {
      tuple.push_back(std::nullopt);
      continue;
    }
    Result<iceberg::Literal> value =
        source.ok()
            ? iceberg::ApplyTransform(fields_[i].transform, fields_[i].source_type, **source)
            : Result<iceberg::Literal>(source.status());
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
