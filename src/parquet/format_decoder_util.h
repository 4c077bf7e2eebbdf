// Helpers for decoding Thrift structs field by field (format_decoder*.cc only).
#pragma once

#include <string>
#include <vector>

#include "parquet/thrift_compact_reader.h"

namespace pg2iceberg::parquet::decoder {

// Reads a struct's fields, calling `on_field(field)` for each until the stop field.
template <typename Fn>
Status ReadStruct(ThriftCompactReader& r, Fn&& on_field) {
  RETURN_IF_ERROR(r.BeginStruct());
  for (;;) {
    ASSIGN_OR_RETURN(ThriftField field, r.ReadFieldHeader());
    if (field.stop) break;
    RETURN_IF_ERROR(on_field(field));
  }
  r.EndStruct();
  return Status::Ok();
}

inline Status ExpectType(ThriftCompactReader& r, const ThriftField& f, ThriftType type) {
  if (f.type == type) return Status::Ok();
  return r.Corrupt("thrift field " + std::to_string(f.id) + " has the wrong type");
}

template <typename T>
Status ReadI32Into(ThriftCompactReader& r, const ThriftField& f, T* out) {
  RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kI32));
  ASSIGN_OR_RETURN(int32_t v, r.ReadI32());
  *out = static_cast<T>(v);
  return Status::Ok();
}

inline Status ReadI64Into(ThriftCompactReader& r, const ThriftField& f, int64_t* out) {
  RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kI64));
  ASSIGN_OR_RETURN(*out, r.ReadI64());
  return Status::Ok();
}

inline Status ReadStringInto(ThriftCompactReader& r, const ThriftField& f, std::string* out) {
  RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kBinary));
  ASSIGN_OR_RETURN(*out, r.ReadString());
  return Status::Ok();
}

inline Status ReadBool(ThriftCompactReader& r, const ThriftField& f, bool* out) {
  if (f.type != ThriftType::kBoolTrue && f.type != ThriftType::kBoolFalse) {
    return r.Corrupt("thrift field " + std::to_string(f.id) + " has the wrong type");
  }
  *out = ThriftCompactReader::FieldBool(f);
  return Status::Ok();
}

// Reads a list field of `element_type`, calling `on_element()` once per element.
template <typename Fn>
Status ReadList(ThriftCompactReader& r, const ThriftField& f, ThriftType element_type,
                Fn&& on_element) {
  RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kList));
  ASSIGN_OR_RETURN(ThriftList list, r.ReadListHeader());
  if (list.element_type != element_type) return r.Corrupt("thrift list of the wrong type");
  for (uint32_t i = 0; i < list.size; ++i) RETURN_IF_ERROR(on_element());
  return Status::Ok();
}

}  // namespace pg2iceberg::parquet::decoder
