#include "parquet/value.h"

#include <cstring>

#include "parquet/parquet_writer.h"

namespace pg2iceberg::parquet {
namespace {

Status AppendScalar(ParquetWriter& writer, size_t column, const Scalar& s) {
  switch (s.index()) {
    case 0:
      return writer.AppendNull(column);
    case 1:
      return writer.AppendBool(column, std::get<bool>(s));
    case 2:
      return writer.AppendInt32(column, std::get<int32_t>(s));
    case 3:
      return writer.AppendInt64(column, std::get<int64_t>(s));
    case 4:
      return writer.AppendFloat(column, std::get<float>(s));
    case 5:
      return writer.AppendDouble(column, std::get<double>(s));
    default:
      return writer.AppendBytes(column, std::get<Bytes>(s));
  }
}

Scalar ToScalar(const Value& v) {
  return std::visit(
      [](const auto& x) -> Scalar {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, List>) {
          return std::monostate();  // not reached: lists are handled by the callers
        } else {
          return x;
        }
      },
      v);
}

template <typename T>
bool SameBits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

bool SameScalar(const Scalar& a, const Scalar& b) {
  if (a.index() != b.index()) return false;
  if (const float* f = std::get_if<float>(&a)) return SameBits(*f, std::get<float>(b));
  if (const double* d = std::get_if<double>(&a)) return SameBits(*d, std::get<double>(b));
  return a == b;
}

std::string ScalarString(const Scalar& s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  switch (s.index()) {
    case 0:
      return "NULL";
    case 1:
      return std::get<bool>(s) ? "true" : "false";
    case 2:
      return std::to_string(std::get<int32_t>(s));
    case 3:
      return std::to_string(std::get<int64_t>(s)) + "L";
    case 4:
      return std::to_string(std::get<float>(s)) + "f";
    case 5:
      return std::to_string(std::get<double>(s));
    default: {
      std::string out = "0x";
      for (std::byte b : std::get<Bytes>(s)) {
        out.push_back(kDigits[static_cast<uint8_t>(b) >> 4]);
        out.push_back(kDigits[static_cast<uint8_t>(b) & 15]);
      }
      return out;
    }
  }
}

}  // namespace

Status AppendValue(ParquetWriter& writer, size_t column, const Value& value) {
  const List* list = std::get_if<List>(&value);
  if (list == nullptr) return AppendScalar(writer, column, ToScalar(value));
  RETURN_IF_ERROR(writer.BeginList(column));
  for (const Scalar& element : *list) RETURN_IF_ERROR(AppendScalar(writer, column, element));
  return writer.EndList(column);
}

bool SameValue(const Value& a, const Value& b) {
  const List* la = std::get_if<List>(&a);
  const List* lb = std::get_if<List>(&b);
  if (la == nullptr || lb == nullptr) {
    return la == nullptr && lb == nullptr && SameScalar(ToScalar(a), ToScalar(b));
  }
  if (la->size() != lb->size()) return false;
  for (size_t i = 0; i < la->size(); ++i) {
    if (!SameScalar((*la)[i], (*lb)[i])) return false;
  }
  return true;
}

std::string DebugString(const Value& value) {
  const List* list = std::get_if<List>(&value);
  if (list == nullptr) return ScalarString(ToScalar(value));
  std::string out = "[";
  for (size_t i = 0; i < list->size(); ++i) {
    if (i > 0) out += ", ";
    out += ScalarString((*list)[i]);
  }
  return out + "]";
}

}  // namespace pg2iceberg::parquet
