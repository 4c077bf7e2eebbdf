#include "table/row_decoder.h"

#include <variant>

#include "base/check.h"

namespace pg2iceberg {
namespace {

using change::Value;
using iceberg::TypeId;

// The signed value of big-endian two's-complement `bytes` (at most 16).
__int128 BigEndianSigned(const Bytes& bytes) {
  unsigned __int128 out = (!bytes.empty() && (static_cast<uint8_t>(bytes[0]) & 0x80)) ? ~0 : 0;
  for (std::byte b : bytes) out = (out << 8) | static_cast<uint8_t>(b);
  return static_cast<__int128>(out);
}

std::string AsString(const Bytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

RowDecoder::RowDecoder(std::string table_name, std::vector<std::string> names,
                       std::vector<iceberg::Type> types)
    : table_name_(std::move(table_name)), names_(std::move(names)), types_(std::move(types)) {
  CHECK(names_.size() == types_.size());
}

Status RowDecoder::Mismatch(size_t column, const std::string& what) const {
  return Status::DataLoss("table " + table_name_ + ", column \"" + names_[column] +
                          "\": a data file holds " + what +
                          ", not what pg2iceberg writes for the column's type; the file was not "
                          "written for this table's schema or is damaged");
}

Result<change::Row> RowDecoder::DecodeRow(const std::vector<parquet::Value>& values) const {
  if (values.size() != types_.size()) {
    return Status::DataLoss("table " + table_name_ + ": a data file row has " +
                            std::to_string(values.size()) + " columns, not " +
                            std::to_string(types_.size()));
  }
  change::Row row;
  row.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSIGN_OR_RETURN(Value value, DecodeValue(values[i], i));
    row.push_back(std::move(value));
  }
  return row;
}

Result<Value> RowDecoder::DecodeValue(const parquet::Value& value, size_t column) const {
  CHECK(column < types_.size());
  if (parquet::IsNull(value)) return Value::Null();
  const iceberg::Type& type = types_[column];
  if (!type.is_list()) {
    if (std::holds_alternative<parquet::List>(value)) return Mismatch(column, "a list");
    parquet::Scalar scalar;
    std::visit(
        [&](const auto& v) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, parquet::List>) scalar = v;
        },
        value);
    return DecodeScalar(scalar, type, column);
  }
  const parquet::List* list = std::get_if<parquet::List>(&value);
  if (list == nullptr) return Mismatch(column, "a scalar where a list belongs");
  std::vector<Value> elements;
  elements.reserve(list->size());
  for (const parquet::Scalar& element : *list) {
    if (std::holds_alternative<std::monostate>(element)) {
      elements.push_back(Value::Null());
      continue;
    }
    ASSIGN_OR_RETURN(Value decoded, DecodeScalar(element, type.element->type, column));
    elements.push_back(std::move(decoded));
  }
  return Value::List(std::move(elements));
}

Result<Value> RowDecoder::DecodeScalar(const parquet::Scalar& scalar, const iceberg::Type& type,
                                       size_t column) const {
  const bool* b = std::get_if<bool>(&scalar);
  const int32_t* i32 = std::get_if<int32_t>(&scalar);
  const int64_t* i64 = std::get_if<int64_t>(&scalar);
  const Bytes* bytes = std::get_if<Bytes>(&scalar);
  switch (type.id) {
    case TypeId::kBoolean:
      if (b) return Value::Bool(*b);
      break;
    case TypeId::kInt:
      if (i32) return Value::Int32(*i32);
      break;
    case TypeId::kDate:
      if (i32) return Value::Date(*i32);
      break;
    case TypeId::kLong:
      if (i64) return Value::Int64(*i64);
      if (i32) return Value::Int64(*i32);  // written before the column was widened from int
      break;
    case TypeId::kTime:
      if (i64) return Value::Time(*i64);
      break;
    case TypeId::kTimestamp:
      if (i64) return Value::Timestamp(*i64);
      break;
    case TypeId::kTimestampTz:
      if (i64) return Value::TimestampTz(*i64);
      break;
    case TypeId::kFloat:
      if (const float* f = std::get_if<float>(&scalar)) return Value::Float32(*f);
      break;
    case TypeId::kDouble:
      if (const double* d = std::get_if<double>(&scalar)) return Value::Float64(*d);
      if (const float* f = std::get_if<float>(&scalar)) return Value::Float64(*f);  // widened
      break;
    case TypeId::kDecimal:
      // Any width up to 16 bytes: a file written before the precision was widened has fewer.
      if (bytes && !bytes->empty() && bytes->size() <= 16) {
        return Value::Decimal(BigEndianSigned(*bytes));
      }
      // The spec's INT32 / INT64 forms (precision up to 9 / 18), as other writers (PyIceberg,
      // Spark) store them.
      if (const int32_t* i = std::get_if<int32_t>(&scalar)) return Value::Decimal(*i);
      if (const int64_t* l = std::get_if<int64_t>(&scalar)) return Value::Decimal(*l);
      break;
    case TypeId::kUuid:
      if (bytes && bytes->size() == 16) return Value::Uuid(AsString(*bytes));
      break;
    case TypeId::kBinary:
      if (bytes) return Value::Binary(AsString(*bytes));
      break;
    case TypeId::kString:
      if (bytes) return Value::String(AsString(*bytes));
      break;
    default:
      break;
  }
  return Mismatch(column, "a value of another physical type (" +
                              parquet::DebugString(parquet::Value(std::visit(
                                  [](const auto& v) -> parquet::Value { return v; }, scalar))) +
                              ")");
}

}  // namespace pg2iceberg
