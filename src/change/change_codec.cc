#include "change/change_codec.h"

#include "base/check.h"

namespace pg2iceberg::change {
namespace {

constexpr size_t kUuidBytes = 16;
constexpr size_t kMaxDecimalBytes = 16;

// The fewest bytes of big-endian two's complement that hold `value`.
size_t DecimalWidth(__int128 value) {
  size_t width = 1;
  while (width < kMaxDecimalBytes) {
    const int bits = static_cast<int>(8 * width) - 1;
    const __int128 limit = static_cast<__int128>(1) << bits;
    if (value >= -limit && value < limit) break;
    ++width;
  }
  return width;
}

void EncodeDecimal(__int128 value, ByteWriter* out) {
  const size_t width = DecimalWidth(value);
  const auto bits = static_cast<unsigned __int128>(value);
  out->AppendByte(static_cast<uint8_t>(width));
  for (size_t i = width; i > 0; --i) out->AppendByte(static_cast<uint8_t>(bits >> (8 * (i - 1))));
}

void EncodeString(std::string_view text, ByteWriter* out) {
  out->AppendVarint(text.size());
  out->Append(text);
}

void EncodeRowFor(const Row& row, const TableSchema& schema, std::string_view which,
                  ByteWriter* out) {
  CHECK_MSG(row.size() == schema.columns.size(),
            ("row change " + std::string(which) + " row of " + schema.QualifiedName() +
             " has a value count different from its column count")
                .c_str());
  EncodeRow(row, out);
}

// `depth`: how many lists enclose `value` (0 for a row's values).
void EncodeValueAt(const Value& value, int depth, ByteWriter* out);

// A list's elements share one kind or are null (a capture bug otherwise).
void EncodeList(const Value& list, int depth, ByteWriter* out) {
  CHECK_MSG(depth < kMaxListDepth, "list nested deeper than kMaxListDepth");
  ValueKind shared = ValueKind::kNull;
  out->AppendVarint(list.elements.size());
  for (const Value& element : list.elements) {
    CHECK_MSG(element.kind != ValueKind::kUnchangedToast, "unchanged-toast inside a list");
    if (element.kind != ValueKind::kNull) {
      CHECK_MSG(shared == ValueKind::kNull || shared == element.kind,
                "list elements of different kinds");
      shared = element.kind;
    }
    EncodeValueAt(element, depth + 1, out);
  }
}

void EncodeValueAt(const Value& value, int depth, ByteWriter* out) {
  out->AppendByte(static_cast<uint8_t>(value.kind));
  switch (value.kind) {
    case ValueKind::kNull:
    case ValueKind::kUnchangedToast:
      return;
    case ValueKind::kBool:
      out->AppendByte(value.int_value != 0 ? 1 : 0);
      return;
    case ValueKind::kFloat32:
      out->AppendFloatLittleEndian(static_cast<float>(value.float_value));
      return;
    case ValueKind::kFloat64:
      out->AppendDoubleLittleEndian(value.float_value);
      return;
    case ValueKind::kDecimal:
      EncodeDecimal(value.decimal_unscaled, out);
      return;
    case ValueKind::kString:
    case ValueKind::kBinary:
      EncodeString(value.bytes, out);
      return;
    case ValueKind::kUuid:
      CHECK_MSG(value.bytes.size() == kUuidBytes, "uuid value without exactly 16 bytes");
      out->Append(value.bytes);
      return;
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
      out->AppendZigZag(value.int_value);
      return;
    case ValueKind::kList:
      EncodeList(value, depth, out);
      return;
  }
  CHECK_MSG(false, "value with an unknown kind");
}

}  // namespace

void EncodeValue(const Value& value, ByteWriter* out) { EncodeValueAt(value, 0, out); }

void EncodeRow(const Row& row, ByteWriter* out) {
  out->AppendVarint(row.size());
  for (const Value& value : row) EncodeValue(value, out);
}

void EncodeTableSchema(const TableSchema& schema, ByteWriter* out) {
  out->AppendLittleEndian<uint32_t>(schema.relid);
  EncodeString(schema.schema_name, out);
  EncodeString(schema.table_name, out);
  out->AppendByte(static_cast<uint8_t>(schema.replica_identity));
  out->AppendVarint(schema.columns.size());
  for (const ColumnSchema& column : schema.columns) {
    EncodeString(column.name, out);
    out->AppendLittleEndian<uint32_t>(column.type_oid);
    out->AppendZigZag(column.type_modifier);
    out->AppendByte(column.key ? 1 : 0);
  }
}

void EncodeSchemaList(std::span<const SchemaPtr> schemas, ByteWriter* out) {
  out->AppendVarint(schemas.size());
  for (const SchemaPtr& schema : schemas) EncodeTableSchema(*schema, out);
}

void EncodeRowChange(const RowChange& change, uint64_t schema_index, ByteWriter* out) {
  CHECK_MSG(change.table != nullptr, "row change without a table schema");
  out->AppendByte(static_cast<uint8_t>(change.kind));
  out->AppendVarint(schema_index);
  out->AppendByte(static_cast<uint8_t>(change.old_kind));
  if (change.old_kind != OldRow::kNone) EncodeRowFor(change.old_row, *change.table, "old", out);
  if (change.kind == ChangeKind::kInsert || change.kind == ChangeKind::kUpdate) {
    EncodeRowFor(change.new_row, *change.table, "new", out);
  }
}

void EncodeCommitInfo(const CommitInfo& commit, ByteWriter* out) {
  out->AppendVarint(commit.xid);
  out->AppendVarint(commit.commit_lsn);
  out->AppendVarint(commit.end_lsn);
  out->AppendZigZag(commit.commit_time_micros);
}

uint64_t SchemaDictionary::IndexOf(const SchemaPtr& schema, bool* added) {
  CHECK(schema != nullptr);
  if (added != nullptr) *added = false;
  if (auto it = index_by_pointer_.find(schema.get()); it != index_by_pointer_.end()) {
    return it->second;
  }
  for (uint64_t i = 0; i < schemas_.size(); ++i) {
    if (*schemas_[i] == *schema) {
      aliases_.push_back(schema);
      index_by_pointer_.emplace(schema.get(), i);
      return i;
    }
  }
  schemas_.push_back(schema);
  index_by_pointer_.emplace(schema.get(), schemas_.size() - 1);
  if (added != nullptr) *added = true;
  return schemas_.size() - 1;
}

void SchemaDictionary::Clear() {
  schemas_.clear();
  aliases_.clear();
  index_by_pointer_.clear();
}

}  // namespace pg2iceberg::change
