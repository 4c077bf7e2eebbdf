#include "materializer/primary_key.h"

#include "base/bytes.h"
#include "change/change_codec.h"

namespace pg2iceberg::materializer {
namespace {

using change::Value;
using change::ValueKind;

constexpr size_t kDescribeChars = 200;

// The value a key is made of: the widest kind of its family, so a widened column keys alike.
Value Normalised(const Value& value) {
  Value out = value;
  if (value.kind == ValueKind::kInt32) out.kind = ValueKind::kInt64;
  if (value.kind == ValueKind::kFloat32) out.kind = ValueKind::kFloat64;
  return out;
}

std::string DescribeValue(const Value& value) {
  switch (value.kind) {
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kUnchangedToast:
      return "(unchanged TOAST, not sent)";
    case ValueKind::kBool:
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      return std::to_string(value.int_value);
    case ValueKind::kString:
      return "'" + value.bytes + "'";
    default:
      return "(" + std::string(change::ValueKindName(value.kind)) + ")";
  }
}

}  // namespace

Result<std::vector<int>> KeyColumnIndexes(const change::TableSchema& schema,
                                          const std::vector<std::string>& names) {
  std::vector<int> indexes;
  for (const std::string& name : names) {
    int found = -1;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      if (schema.columns[i].name == name) found = static_cast<int>(i);
    }
    if (found < 0) {
      return Status::InvalidArgument(
          "table " + schema.QualifiedName() + ": primary key column \"" + name +
          "\" is no longer among the source's columns (dropped or renamed); the mirror cannot "
          "place rows without their key. Restore the column, or mirror the table afresh "
          "(`pg2iceberg cleanup`, then a fresh start)");
    }
    indexes.push_back(found);
  }
  return indexes;
}

Result<std::string> KeyOf(const change::TableSchema& schema, const change::Row& row,
                          const std::vector<int>& key_indexes) {
  ByteWriter out;
  for (int index : key_indexes) {
    if (index < 0 || static_cast<size_t>(index) >= row.size()) {
      return Status::InvalidArgument("table " + schema.QualifiedName() +
                                     ": a row has fewer columns than its key needs");
    }
    const Value& value = row[index];
    if (value.kind == ValueKind::kNull || value.kind == ValueKind::kUnchangedToast) {
      return Status::InvalidArgument("table " + schema.QualifiedName() + ": key column \"" +
                                     schema.columns[index].name + "\" is " + DescribeValue(value) +
                                     " in a change, so the row cannot be placed");
    }
    change::EncodeValue(Normalised(value), &out);
  }
  const Bytes& bytes = out.bytes();
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Result<change::Row> KeyValues(std::string_view key, size_t key_columns) {
  change::CodecReader reader(AsBytes(key), "primary key");
  change::Row values;
  for (size_t i = 0; i < key_columns; ++i) {
    Result<Value> value = change::DecodeValue(reader);
    if (!value.ok()) return Status::Internal("undecodable key: " + value.status().message());
    values.push_back(std::move(*value));
  }
  if (!reader.at_end()) return Status::Internal("a key holds more values than its columns");
  return values;
}

std::string DescribeKey(const change::TableSchema& schema, const change::Row& row,
                        const std::vector<int>& key_indexes) {
  std::string out;
  for (int index : key_indexes) {
    if (index < 0 || static_cast<size_t>(index) >= row.size()) continue;
    if (!out.empty()) out += ", ";
    out += schema.columns[index].name + "=" + DescribeValue(row[index]);
    if (out.size() > kDescribeChars) return out.substr(0, kDescribeChars) + "…";
  }
  return out;
}

}  // namespace pg2iceberg::materializer
