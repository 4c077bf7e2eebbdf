#include "table/schema_evolution.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "iceberg/schema_update.h"

namespace pg2iceberg {
namespace {

constexpr std::string_view kWayOut =
    "drop the Iceberg table (it is re-created by the next snapshot) or mirror into another "
    "sink.namespace";

Result<int> ParsePositive(std::string_view text, std::string_view whole) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
    return Status::InvalidArgument("malformed " + std::string(kFieldIdsProperty) + " \"" +
                                   std::string(whole) + "\": \"" + std::string(text) +
                                   "\" is not a positive integer");
  }
  return value;
}

Status AddPair(FieldIdMap& ids, std::set<int>& field_ids, std::string_view pair,
               std::string_view whole) {
  const size_t colon = pair.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("malformed " + std::string(kFieldIdsProperty) + " \"" +
                                   std::string(whole) + "\": \"" + std::string(pair) +
                                   "\" is not attnum:field-id");
  }
  ASSIGN_OR_RETURN(const int attnum, ParsePositive(pair.substr(0, colon), whole));
  ASSIGN_OR_RETURN(const int field_id, ParsePositive(pair.substr(colon + 1), whole));
  if (!ids.emplace(attnum, field_id).second || !field_ids.insert(field_id).second) {
    return Status::InvalidArgument("malformed " + std::string(kFieldIdsProperty) + " \"" +
                                   std::string(whole) + "\": attnum " + std::to_string(attnum) +
                                   " or field id " + std::to_string(field_id) + " listed twice");
  }
  return Status::Ok();
}

// The field `column` already is in `current`, or nullptr for a new column.
const iceberg::Field* KnownField(const iceberg::Schema& current,
                                 const std::optional<FieldIdMap>& recorded,
                                 const SourceColumn& column) {
  if (!recorded.has_value()) return current.FindByName(column.name);
  const auto it = recorded->find(column.attnum);
  return it == recorded->end() ? nullptr : current.FindById(it->second);
}

std::string ColumnContext(std::string_view table, const SourceColumn& column) {
  return "Iceberg table " + std::string(table) + ", column \"" + column.name + "\"";
}

// `type` with its list element (if it is a list) numbered `element_id`.
iceberg::Type WithElementId(const iceberg::Type& type, int element_id) {
  if (!type.is_list()) return type;
  return iceberg::Type::List(element_id, type.element->required, type.element->type);
}

// `known` carried over to `column`: same id, possibly new name, wider type, optional. A list
// keeps its element id; its element type must stay the same.
Result<iceberg::Field> KeepField(std::string_view table, const iceberg::Field& known,
                                 const SourceColumn& source, std::vector<std::string>& changes) {
  SourceColumn column = source;
  if (known.type.is_list()) column.type = WithElementId(column.type, known.type.element->id);
  if (!iceberg::IsAllowedPromotion(known.type, column.type)) {
    return Status::InvalidArgument(
        ColumnContext(table, column) + ": the source type changed from " + known.type.ToString() +
        " to " + column.type.ToString() + " (Postgres " + column.pg_type +
        "), which Iceberg cannot apply to existing data (it allows only int -> long, "
        "float -> double and decimal precision widening at the same scale): " +
        std::string(kWayOut));
  }
  iceberg::Field field = known;
  const std::string id = " (field " + std::to_string(known.id) + ")";
  if (known.name != column.name) {
    changes.push_back("renamed column " + known.name + " to " + column.name + id);
    field.name = column.name;
  }
  if (!(known.type == column.type)) {
    changes.push_back("widened column " + column.name + id + " from " + known.type.ToString() +
                      " to " + column.type.ToString());
    field.type = column.type;
  }
  if (known.required && !column.not_null) {
    changes.push_back("column " + column.name + id + " is now optional");
    field.required = false;
  }
  if (column.key && !field.required) {
    return Status::InvalidArgument(ColumnContext(table, column) +
                                   ": the column is part of the primary key, but its Iceberg "
                                   "field " +
                                   std::to_string(field.id) +
                                   " is optional and Iceberg cannot make a field "
                                   "required: " +
                                   std::string(kWayOut));
  }
  return field;
}

std::string JoinIds(const std::vector<int>& ids) {
  std::string text;
  for (const int id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

}  // namespace

std::string FormatFieldIds(const FieldIdMap& ids) {
  std::string text;
  for (const auto& [attnum, field_id] : ids) {
    text += (text.empty() ? "" : ",") + std::to_string(attnum) + ":" + std::to_string(field_id);
  }
  return text;
}

Result<FieldIdMap> ParseFieldIds(std::string_view text) {
  FieldIdMap ids;
  std::set<int> field_ids;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    RETURN_IF_ERROR(AddPair(ids, field_ids, rest.substr(0, comma), text));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    if (rest.empty()) {
      return Status::InvalidArgument("malformed " + std::string(kFieldIdsProperty) + " \"" +
                                     std::string(text) + "\": trailing comma");
    }
  }
  return ids;
}

EvolvedSchema NewTableSchema(const std::vector<SourceColumn>& columns) {
  EvolvedSchema evolved;
  int next_element_id = static_cast<int>(columns.size()) + 1;  // list elements follow columns
  for (size_t i = 0; i < columns.size(); ++i) {
    const SourceColumn& column = columns[i];
    const int id = static_cast<int>(i) + 1;
    const iceberg::Type type =
        column.type.is_list() ? WithElementId(column.type, next_element_id++) : column.type;
    evolved.schema.fields.push_back({id, column.name, column.not_null, type, ""});
    if (column.key) evolved.schema.identifier_field_ids.push_back(id);
    evolved.field_ids[column.attnum] = id;
  }
  return evolved;
}

Result<EvolvedSchema> EvolveSchema(std::string_view table, const iceberg::Schema& current,
                                   int last_column_id, const std::optional<FieldIdMap>& recorded,
                                   const std::vector<SourceColumn>& columns) {
  EvolvedSchema evolved;
  std::set<int> kept;
  int next_id = std::max(last_column_id, current.HighestFieldId());
  for (const SourceColumn& column : columns) {
    const iceberg::Field* known = KnownField(current, recorded, column);
    iceberg::Field field;
    if (known != nullptr && kept.insert(known->id).second) {
      ASSIGN_OR_RETURN(field, KeepField(table, *known, column, evolved.changes));
    } else {
      field = {++next_id, column.name, false, column.type, ""};
      if (field.type.is_list()) field.type = WithElementId(field.type, ++next_id);
      evolved.changes.push_back("added column " + column.name + " " + column.type.ToString() +
                                " as field " + std::to_string(field.id));
      if (column.key) {
        return Status::InvalidArgument(
            ColumnContext(table, column) +
            ": the column is new and part of the primary key, "
            "but Iceberg adds columns as optional fields and identifier fields must be "
            "required: " +
            std::string(kWayOut));
      }
    }
    if (column.key) evolved.schema.identifier_field_ids.push_back(field.id);
    evolved.field_ids[column.attnum] = field.id;
    evolved.schema.fields.push_back(std::move(field));
  }
  if (evolved.schema.identifier_field_ids != current.identifier_field_ids) {
    evolved.changes.push_back("identifier fields (primary key) are now field ids [" +
                              JoinIds(evolved.schema.identifier_field_ids) + "]");
  }
  for (const iceberg::Field& field : current.fields) {
    if (!kept.contains(field.id)) {
      evolved.changes.push_back("dropped column " + field.name + " (field " +
                                std::to_string(field.id) + ")");
    }
  }
  return evolved;
}

}  // namespace pg2iceberg
