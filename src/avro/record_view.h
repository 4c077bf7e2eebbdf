// RecordView: reads a decoded Avro record by Iceberg field id ("field-id" on its schema's
// fields) rather than by position, so readers follow ids as Iceberg requires and tolerate
// fields they do not know. Optional values ([null, T] unions) are unwrapped.
//
// Every accessor checks the value's kind and returns kDataLoss when a required field is
// missing or null, or a field has an unexpected type: the bytes came from outside.
// A view borrows its schema and datum; both must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "avro/datum.h"
#include "avro/schema.h"
#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::avro {

class RecordView {
 public:
  // kDataLoss unless `schema` is a record and `datum` a record with one value per field.
  static Result<RecordView> Create(const Schema& schema, const Datum& datum);

  // True when the schema has a field with this id (whatever its value).
  bool HasField(int field_id) const;
  size_t field_count() const { return schema_->fields.size(); }
  const Schema& schema() const { return *schema_; }
  // The non-null value of field `field_id` and its (union-unwrapped) schema; nullopt when the
  // field is absent or null.
  struct Value {
    const Schema* schema;
    const Datum* datum;
  };
  std::optional<Value> Find(int field_id) const;

  // int or long fields.
  Result<int64_t> RequiredLong(int field_id) const;
  Result<std::optional<int64_t>> OptionalLong(int field_id) const;
  Result<bool> RequiredBoolean(int field_id) const;
  Result<std::optional<bool>> OptionalBoolean(int field_id) const;
  // string fields.
  Result<std::string> RequiredString(int field_id) const;
  // bytes (or fixed) fields.
  Result<std::optional<Bytes>> OptionalBytes(int field_id) const;
  // A nested record.
  Result<RecordView> RequiredRecord(int field_id) const;
  // An array; nullopt when the field is absent or null.
  Result<std::optional<std::vector<Value>>> OptionalArray(int field_id) const;
  // Iceberg's int-keyed map, written as an array of {key, value} records (logicalType "map");
  // an empty map when the field is absent or null. kDataLoss on a repeated key.
  Result<std::map<int, int64_t>> IntToLongMap(int field_id) const;
  Result<std::map<int, Bytes>> IntToBytesMap(int field_id) const;

 private:
  RecordView(const Schema& schema, const Datum& datum) : schema_(&schema), datum_(&datum) {}
  Result<Value> Required(int field_id) const;
  std::string FieldName(int field_id) const;

  const Schema* schema_;
  const Datum* datum_;
};

}  // namespace pg2iceberg::avro
