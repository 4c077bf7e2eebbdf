#include "iceberg/schema.h"

#include <algorithm>
#include <string>

#include "base/parse_number.h"

namespace pg2iceberg::iceberg {
namespace {

struct NamedType {
  std::string_view name;
  TypeId id;
};

constexpr NamedType kPrimitiveNames[] = {
    {"boolean", TypeId::kBoolean},
    {"int", TypeId::kInt},
    {"long", TypeId::kLong},
    {"float", TypeId::kFloat},
    {"double", TypeId::kDouble},
    {"date", TypeId::kDate},
    {"time", TypeId::kTime},
    {"timestamp", TypeId::kTimestamp},
    {"timestamptz", TypeId::kTimestampTz},
    {"string", TypeId::kString},
    {"uuid", TypeId::kUuid},
    {"binary", TypeId::kBinary},
};

}  // namespace

Type Type::List(int element_id, bool element_required, Type element_type) {
  CHECK_MSG(!element_type.is_list(), "list elements must be primitive");
  auto element = std::make_shared<const ListElement>(
      ListElement{element_id, element_required, std::move(element_type)});
  return Type{TypeId::kList, 0, 0, std::move(element)};
}

bool Type::operator==(const Type& other) const {
  if (id != other.id || precision != other.precision || scale != other.scale) return false;
  if (element == nullptr || other.element == nullptr) return element == other.element;
  return *element == *other.element;
}

std::string Type::ToString() const {
  if (id == TypeId::kList) return "list<" + element->type.ToString() + ">";
  if (id == TypeId::kDecimal) {
    return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  for (const NamedType& named : kPrimitiveNames) {
    if (named.id == id) return std::string(named.name);
  }
  CHECK_MSG(false, "unnamed type id");
  return "";
}

namespace {

// "decimal(P,S)" without spaces, 1 <= P <= 38, 0 <= S <= P; nullopt for anything else.
std::optional<Type> ParseDecimal(std::string_view text) {
  constexpr std::string_view kPrefix = "decimal(";
  if (!text.starts_with(kPrefix) || !text.ends_with(')')) return std::nullopt;
  const std::string_view inner = text.substr(kPrefix.size(), text.size() - kPrefix.size() - 1);
  const size_t comma = inner.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  Result<int32_t> precision = ParseInt32(inner.substr(0, comma), "precision");
  Result<int32_t> scale = ParseInt32(inner.substr(comma + 1), "scale");
  if (!precision.ok() || !scale.ok() || *precision < 1 || *precision > 38 || *scale < 0 ||
      *scale > *precision) {
    return std::nullopt;
  }
  return Type::Decimal(*precision, *scale);
}

}  // namespace

Result<Type> ParseType(std::string_view name) {
  for (const NamedType& named : kPrimitiveNames) {
    if (named.name == name) return Type::Primitive(named.id);
  }
  std::string text(name);
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  if (std::optional<Type> decimal = ParseDecimal(text)) return *decimal;
  return Status::InvalidArgument("unsupported Iceberg type \"" + std::string(name) + "\"");
}

int Schema::HighestFieldId() const {
  int highest = 0;
  for (const Field& f : fields) {
    highest = std::max(highest, f.id);
    if (f.type.is_list()) highest = std::max(highest, f.type.element->id);
  }
  return highest;
}

const Field* Schema::FindById(int id) const {
  for (const Field& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

const Field* Schema::FindByName(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace pg2iceberg::iceberg
