#include "avro/record_view.h"

#include <utility>

namespace pg2iceberg::avro {
namespace {

Status WrongType(const std::string& field, std::string_view expected, Kind got) {
  return Status::DataLoss("avro field " + field + ": expected " + std::string(expected) +
                          ", found " + std::string(KindName(got)));
}

bool IsInteger(Kind kind) { return kind == Kind::kInt || kind == Kind::kLong; }
bool IsBytes(Kind kind) { return kind == Kind::kBytes || kind == Kind::kFixed; }

// The {key, value} records of an int-keyed map, checked for shape and unique keys.
Result<std::vector<std::pair<int, const Datum*>>> IntKeyedEntries(
    const std::optional<std::vector<RecordView::Value>>& items, const std::string& name) {
  std::vector<std::pair<int, const Datum*>> entries;
  if (!items) return entries;
  for (const RecordView::Value& item : *items) {
    const Datum& pair = *item.datum;
    if (pair.kind != Kind::kRecord || pair.children.size() != 2 ||
        pair.children[0].kind != Kind::kInt) {
      return Status::DataLoss("avro field " + name +
                              ": map entry is not an {int key, value} record");
    }
    entries.emplace_back(int(pair.children[0].integer), &pair.children[1]);
  }
  return entries;
}

template <typename T, typename Convert>
Result<std::map<int, T>> CollectMap(const std::vector<std::pair<int, const Datum*>>& entries,
                                    const std::string& name, Convert convert) {
  std::map<int, T> out;
  for (const auto& [key, datum] : entries) {
    const Datum* value = datum->NonNull();
    if (value == nullptr) continue;  // a null value carries no metric
    ASSIGN_OR_RETURN(T converted, convert(*value));
    if (!out.emplace(key, std::move(converted)).second) {
      return Status::DataLoss("avro field " + name + ": key " + std::to_string(key) + " repeated");
    }
  }
  return out;
}

}  // namespace

Result<RecordView> RecordView::Create(const Schema& schema, const Datum& datum) {
  if (schema.kind != Kind::kRecord || datum.kind != Kind::kRecord ||
      datum.children.size() != schema.fields.size()) {
    return Status::DataLoss("avro: value is not a record of its schema");
  }
  return RecordView(schema, datum);
}

bool RecordView::HasField(int field_id) const {
  for (const Field& field : schema_->fields) {
    if (field.field_id == field_id) return true;
  }
  return false;
}

std::string RecordView::FieldName(int field_id) const {
  for (const Field& field : schema_->fields) {
    if (field.field_id == field_id) return field.name + " (id " + std::to_string(field_id) + ")";
  }
  return "id " + std::to_string(field_id);
}

std::optional<RecordView::Value> RecordView::Find(int field_id) const {
  for (size_t i = 0; i < schema_->fields.size(); ++i) {
    if (schema_->fields[i].field_id != field_id) continue;
    const Schema* schema = &schema_->fields[i].type;
    const Datum* datum = &datum_->children[i];
    if (datum->kind == Kind::kUnion) {
      if (schema->kind != Kind::kUnion || datum->integer < 0 ||
          datum->integer >= int64_t(schema->children.size()) || datum->children.size() != 1) {
        return std::nullopt;  // not produced by DecodeDatum; treated as absent
      }
      schema = &schema->children[datum->integer];
      datum = &datum->children[0];
    }
    if (datum->kind == Kind::kNull) return std::nullopt;
    return Value{schema, datum};
  }
  return std::nullopt;
}

Result<RecordView::Value> RecordView::Required(int field_id) const {
  std::optional<Value> value = Find(field_id);
  if (!value)
    return Status::DataLoss("avro: required field " + FieldName(field_id) + " is missing");
  return *value;
}

Result<int64_t> RecordView::RequiredLong(int field_id) const {
  ASSIGN_OR_RETURN(const Value value, Required(field_id));
  if (!IsInteger(value.datum->kind))
    return WrongType(FieldName(field_id), "long", value.datum->kind);
  return value.datum->integer;
}

Result<std::optional<int64_t>> RecordView::OptionalLong(int field_id) const {
  if (!Find(field_id)) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(const int64_t value, RequiredLong(field_id));
  return std::optional<int64_t>(value);
}

Result<bool> RecordView::RequiredBoolean(int field_id) const {
  ASSIGN_OR_RETURN(const Value value, Required(field_id));
  if (value.datum->kind != Kind::kBoolean) {
    return WrongType(FieldName(field_id), "boolean", value.datum->kind);
  }
  return value.datum->boolean;
}

Result<std::optional<bool>> RecordView::OptionalBoolean(int field_id) const {
  if (!Find(field_id)) return std::optional<bool>();
  ASSIGN_OR_RETURN(const bool value, RequiredBoolean(field_id));
  return std::optional<bool>(value);
}

Result<std::string> RecordView::RequiredString(int field_id) const {
  ASSIGN_OR_RETURN(const Value value, Required(field_id));
  if (value.datum->kind != Kind::kString) {
    return WrongType(FieldName(field_id), "string", value.datum->kind);
  }
  return value.datum->bytes;
}

Result<std::optional<Bytes>> RecordView::OptionalBytes(int field_id) const {
  std::optional<Value> value = Find(field_id);
  if (!value) return std::optional<Bytes>();
  if (!IsBytes(value->datum->kind))
    return WrongType(FieldName(field_id), "bytes", value->datum->kind);
  const ByteSpan bytes = AsBytes(value->datum->bytes);
  return std::optional<Bytes>(Bytes(bytes.begin(), bytes.end()));
}

Result<RecordView> RecordView::RequiredRecord(int field_id) const {
  ASSIGN_OR_RETURN(const Value value, Required(field_id));
  return Create(*value.schema, *value.datum);
}

Result<std::optional<std::vector<RecordView::Value>>> RecordView::OptionalArray(
    int field_id) const {
  std::optional<Value> value = Find(field_id);
  if (!value) return std::optional<std::vector<Value>>();
  if (value->datum->kind != Kind::kArray || value->schema->kind != Kind::kArray ||
      value->schema->children.size() != 1) {
    return WrongType(FieldName(field_id), "array", value->datum->kind);
  }
  std::vector<Value> items;
  for (const Datum& item : value->datum->children) {
    items.push_back({&value->schema->children[0], &item});
  }
  return std::optional<std::vector<Value>>(std::move(items));
}

Result<std::map<int, int64_t>> RecordView::IntToLongMap(int field_id) const {
  const std::string name = FieldName(field_id);
  ASSIGN_OR_RETURN(auto items, OptionalArray(field_id));
  ASSIGN_OR_RETURN(auto entries, IntKeyedEntries(items, name));
  return CollectMap<int64_t>(entries, name, [&](const Datum& value) -> Result<int64_t> {
    if (!IsInteger(value.kind)) return WrongType(name, "long map value", value.kind);
    return value.integer;
  });
}

Result<std::map<int, Bytes>> RecordView::IntToBytesMap(int field_id) const {
  const std::string name = FieldName(field_id);
  ASSIGN_OR_RETURN(auto items, OptionalArray(field_id));
  ASSIGN_OR_RETURN(auto entries, IntKeyedEntries(items, name));
  return CollectMap<Bytes>(entries, name, [&](const Datum& value) -> Result<Bytes> {
    if (!IsBytes(value.kind)) return WrongType(name, "bytes map value", value.kind);
    const ByteSpan bytes = AsBytes(value.bytes);
    return Bytes(bytes.begin(), bytes.end());
  });
}

}  // namespace pg2iceberg::avro
