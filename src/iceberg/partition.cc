#include "iceberg/partition.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/check.h"

namespace pg2iceberg::iceberg {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status Malformed(std::string_view entry, std::string_view why) {
  return Status::InvalidArgument("partition entry \"" + std::string(entry) +
                                 "\": " + std::string(why) +
                                 " (expected column, year(column), month(column), day(column), "
                                 "hour(column), bucket[N](column) or truncate[W](column))");
}

std::string FieldName(const Transform& transform, const std::string& column) {
  switch (transform.kind) {
    case TransformKind::kIdentity:
      return column;
    case TransformKind::kBucket:
      return column + "_bucket";
    case TransformKind::kTruncate:
      return column + "_trunc";
    case TransformKind::kYear:
      return column + "_year";
    case TransformKind::kMonth:
      return column + "_month";
    case TransformKind::kDay:
      return column + "_day";
    case TransformKind::kHour:
      return column + "_hour";
  }
  return column;
}

// Java's URLEncoder.encode(text, UTF-8): letters, digits and ".-*_" kept, space as '+'.
std::string UrlEncode(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '.' || c == '-' || c == '*' || c == '_') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
      out += escaped;
    }
  }
  return out;
}

}  // namespace

Result<PartitionEntry> ParsePartitionEntry(std::string_view entry) {
  const std::string_view text = Trim(entry);
  if (text.empty()) return Malformed(entry, "empty entry");
  const size_t open = text.find('(');
  if (open == std::string_view::npos) {
    if (text.find_first_of(")[]") != std::string_view::npos)
      return Malformed(entry, "unbalanced brackets");
    return PartitionEntry{Transform{}, std::string(text)};
  }
  if (!text.ends_with(")")) return Malformed(entry, "missing closing parenthesis");
  const std::string column(Trim(text.substr(open + 1, text.size() - open - 2)));
  if (column.empty() || column.find_first_of("()") != std::string::npos) {
    return Malformed(entry, "expected one column name in parentheses");
  }
  const std::string name = Lower(Trim(text.substr(0, open)));
  Result<Transform> transform = ParseTransform(name);
  if (!transform.ok()) return Malformed(entry, transform.status().message());
  return PartitionEntry{*transform, column};
}

Result<PartitionSpec> BuildPartitionSpec(std::string_view table, const Schema& schema,
                                         const std::vector<std::string>& entries) {
  PartitionSpec spec;
  const std::string context = "table " + std::string(table) + ", iceberg.partition";
  for (const std::string& entry : entries) {
    Result<PartitionEntry> parsed = ParsePartitionEntry(entry);
    if (!parsed.ok()) return parsed.status().WithContext(context);
    const Field* source = schema.FindByName(parsed->column);
    if (source == nullptr) {
      return Status::InvalidArgument(context + " entry \"" + entry + "\": column \"" +
                                     parsed->column + "\" does not exist");
    }
    Result<Type> result = TransformResultType(parsed->transform, source->type);
    if (!result.ok()) {
      return Status::InvalidArgument(context + " entry \"" + entry + "\": column \"" +
                                     parsed->column + "\": " + result.status().message());
    }
    PartitionField field{source->id, kFirstPartitionFieldId + int(spec.fields.size()),
                         FieldName(parsed->transform, parsed->column),
                         parsed->transform.ToString()};
    const bool duplicate =
        std::any_of(spec.fields.begin(), spec.fields.end(),
                    [&](const PartitionField& f) { return f.name == field.name; });
    if (duplicate) {
      return Status::InvalidArgument(context + " entry \"" + entry + "\": partition field \"" +
                                     field.name + "\" is listed twice");
    }
    spec.fields.push_back(std::move(field));
  }
  return spec;
}

Result<std::vector<BoundPartitionField>> BindPartitionSpec(const PartitionSpec& spec,
                                                           const Schema& schema) {
  std::vector<BoundPartitionField> bound;
  for (const PartitionField& field : spec.fields) {
    const std::string context = "partition field \"" + field.name + "\"";
    const Field* source = schema.FindById(field.source_id);
    if (source == nullptr) {
      return Status::InvalidArgument(context + ": source column id " +
                                     std::to_string(field.source_id) + " is not in the schema");
    }
    Result<Transform> transform = ParseTransform(field.transform);
    if (!transform.ok()) return transform.status().WithContext(context);
    Result<Type> result = TransformResultType(*transform, source->type);
    if (!result.ok()) return result.status().WithContext(context);
    bound.push_back({field, *transform, source->type, *result});
  }
  return bound;
}

Result<const PartitionSpec*> DefaultPartitionSpec(const TableMetadata& metadata) {
  for (const PartitionSpec& spec : metadata.partition_specs) {
    if (spec.spec_id == metadata.default_spec_id) return &spec;
  }
  return Status::InvalidArgument("table metadata has no partition spec " +
                                 std::to_string(metadata.default_spec_id));
}

std::vector<Field> PartitionType(const std::vector<BoundPartitionField>& fields) {
  std::vector<Field> type;
  for (const BoundPartitionField& f : fields) {
    type.push_back(Field{f.field.field_id, f.field.name, /*required=*/false, f.result_type, ""});
  }
  return type;
}

std::string PartitionPath(const std::vector<BoundPartitionField>& fields,
                          const PartitionTuple& tuple) {
  CHECK(fields.size() == tuple.size());
  std::string path;
  for (size_t i = 0; i < fields.size(); ++i) {
    const BoundPartitionField& f = fields[i];
    const std::string value =
        tuple[i] ? HumanString(f.transform, f.source_type, *tuple[i]) : "null";
    path += (i == 0 ? "" : "/") + UrlEncode(f.field.name) + "=" + UrlEncode(value);
  }
  return path;
}

}  // namespace pg2iceberg::iceberg
