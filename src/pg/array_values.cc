// The array type table, DecodeArrayValue and the binary form (array_text.cc has the text form).
#include "pg/array_values.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pg/pg_types.h"
#include "pg/wire_reader.h"

namespace pg2iceberg::pg {
namespace {

using change::ColumnSchema;
using change::Value;

struct ArrayType {
  uint32_t array_oid;
  TypeOid element;
};

// Built-in array types (pg_type.typarray of the element type; array_values_live_test checks
// each against the server's pg_type.typelem).
constexpr ArrayType kArrayTypes[] = {
    {1000, TypeOid::kBool},
    {1001, TypeOid::kBytea},
    {1003, TypeOid::kName},
    {1005, TypeOid::kInt2},
    {1007, TypeOid::kInt4},
    {1009, TypeOid::kText},
    {1014, TypeOid::kBpchar},
    {1015, TypeOid::kVarchar},
    {1016, TypeOid::kInt8},
    {1021, TypeOid::kFloat4},
    {1022, TypeOid::kFloat8},
    {1028, TypeOid::kOid},
    {1115, TypeOid::kTimestamp},
    {1182, TypeOid::kDate},
    {1183, TypeOid::kTime},
    {1185, TypeOid::kTimestampTz},
    {1231, TypeOid::kNumeric},
    {199, TypeOid::kJson},
    {2951, TypeOid::kUuid},
    {3807, TypeOid::kJsonb},
    // Arrays of the types capture maps onto Time or String (pg/mapped_values.h).
    {1270, TypeOid::kTimeTz},
    {1187, TypeOid::kInterval},
    {1041, TypeOid::kInet},
    {651, TypeOid::kCidr},
    {1040, TypeOid::kMacaddr},
    {775, TypeOid::kMacaddr8},
    {791, TypeOid::kMoney},
    {1561, TypeOid::kBit},
    {1563, TypeOid::kVarbit},
    {143, TypeOid::kXml},
    {3221, TypeOid::kPgLsn},
    {3905, TypeOid::kInt4Range},
    {3907, TypeOid::kNumRange},
    {3909, TypeOid::kTsRange},
    {3911, TypeOid::kTsTzRange},
    {3913, TypeOid::kDateRange},
    {3927, TypeOid::kInt8Range},
};

// Builds the list of one dimension of a binary array (and those below it) from the reader.
class BinaryArrayReader {
 public:
  BinaryArrayReader(WireReader& reader, const ColumnSchema& element, ElementDecoder decode,
                    bool has_null)
      : reader_(reader), element_(element), decode_(decode), has_null_(has_null) {}

  // `dims`: the sizes of this dimension and the ones below it.
  Result<Value> ReadDimension(std::span<const size_t> dims) {
    Value list = Value::List({});
    list.elements.reserve(dims[0]);
    for (size_t i = 0; i < dims[0]; ++i) {
      Result<Value> item = dims.size() == 1 ? ReadElement() : ReadDimension(dims.subspan(1));
      if (!item.ok()) return item.status();
      list.elements.push_back(std::move(item).value());
    }
    return list;
  }

 private:
  Result<Value> ReadElement() {
    ++position_;
    ASSIGN_OR_RETURN(const int32_t length, reader_.I32());
    if (length == -1) {
      if (!has_null_) return reader_.Malformed("NULL element but the has-null flag is 0");
      return Value::Null();
    }
    if (length < 0) return reader_.Malformed("element length " + std::to_string(length));
    ASSIGN_OR_RETURN(const ByteSpan bytes, reader_.Take(static_cast<size_t>(length)));
    Result<Value> value = decode_(element_, bytes, true);
    if (value.ok()) return value;
    return value.status().WithContext("array element " + std::to_string(position_));
  }

  WireReader& reader_;
  const ColumnSchema& element_;
  ElementDecoder decode_;
  bool has_null_;
  size_t position_ = 0;  // of the element last read, from 1
};

// The dimension sizes of a binary array's header; kDataLoss when they are out of range or
// describe more elements than the bytes left could hold (4 bytes each at least).
Result<std::vector<size_t>> ReadDimensions(WireReader& reader, int32_t ndim) {
  std::vector<size_t> dims;
  size_t elements = 1;
  for (int32_t i = 0; i < ndim; ++i) {
    ASSIGN_OR_RETURN(const int32_t size, reader.I32());
    ASSIGN_OR_RETURN(const int32_t lower_bound, reader.I32());
    (void)lower_bound;  // not kept (see array_values.h)
    if (size < 1) return reader.Malformed("dimension of size " + std::to_string(size));
    dims.push_back(static_cast<size_t>(size));
    elements *= dims.back();  // cannot overflow: checked against the bytes left below
    if (elements > reader.remaining() / 4) {
      return reader.Malformed(std::to_string(elements) + " elements cannot fit in the " +
                              std::to_string(reader.remaining()) + " bytes left");
    }
  }
  return dims;
}

}  // namespace

std::optional<uint32_t> ArrayElementTypeOid(uint32_t array_type_oid) {
  for (const ArrayType& type : kArrayTypes) {
    if (type.array_oid == array_type_oid) return static_cast<uint32_t>(type.element);
  }
  return std::nullopt;
}

std::optional<uint32_t> ArrayTypeOidOf(uint32_t element_type_oid) {
  for (const ArrayType& type : kArrayTypes) {
    if (static_cast<uint32_t>(type.element) == element_type_oid) return type.array_oid;
  }
  return std::nullopt;
}

Result<Value> DecodeArrayValue(const ColumnSchema& column, ByteSpan data, bool binary,
                               ElementDecoder decode_element) {
  const std::optional<uint32_t> element_oid = ArrayElementTypeOid(column.type_oid);
  if (!element_oid.has_value()) {
    return Status::InvalidArgument("type oid " + std::to_string(column.type_oid) +
                                   " is not an array type this version mirrors");
  }
  const ColumnSchema element{.name = column.name,
                             .type_oid = *element_oid,
                             .type_modifier = column.type_modifier,
                             .key = column.key};
  if (binary) return DecodeArrayBinary(data, element, decode_element);
  return DecodeArrayText(AsStringView(data), element, decode_element);
}

Result<Value> DecodeArrayBinary(ByteSpan data, const ColumnSchema& element,
                                ElementDecoder decode_element) {
  WireReader reader(data, "binary array");
  ASSIGN_OR_RETURN(const int32_t ndim, reader.I32());
  ASSIGN_OR_RETURN(const int32_t has_null, reader.I32());
  ASSIGN_OR_RETURN(const uint32_t element_oid, reader.U32());
  if (ndim < 0 || ndim > change::kMaxListDepth) {
    return reader.Malformed(std::to_string(ndim) + " dimensions (at most " +
                            std::to_string(change::kMaxListDepth) + ")");
  }
  if (has_null != 0 && has_null != 1) {
    return reader.Malformed("has-null flag " + std::to_string(has_null));
  }
  // An array of an enum or a domain names that type (a user type, oid 16384 and up), which the
  // Relation's column was resolved from; built-in element types must match exactly.
  constexpr uint32_t kFirstUserTypeOid = 16384;
  if (element_oid != element.type_oid && element_oid < kFirstUserTypeOid) {
    return reader.Malformed("element type oid " + std::to_string(element_oid) +
                            " where the column's element type is " +
                            std::to_string(element.type_oid));
  }
  ASSIGN_OR_RETURN(const std::vector<size_t> dims, ReadDimensions(reader, ndim));
  Value list = Value::List({});
  if (!dims.empty()) {
    BinaryArrayReader elements(reader, element, decode_element, has_null == 1);
    ASSIGN_OR_RETURN(list, elements.ReadDimension(dims));
  }
  RETURN_IF_ERROR(reader.ExpectEnd());
  return list;
}

}  // namespace pg2iceberg::pg
