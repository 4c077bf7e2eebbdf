// The decoding half of change_codec.h: the Decode* functions (CodecReader is in
// change_codec_reader.cc).
#include <cstring>
#include <limits>

#include "change/change_codec.h"

namespace pg2iceberg::change {
namespace {

constexpr size_t kUuidBytes = 16;
constexpr size_t kMaxDecimalBytes = 16;
// The smallest encodings, bounding counts read from untrusted input.
constexpr size_t kMinValueBytes = 1;               // a tag
constexpr size_t kMinColumnBytes = 1 + 4 + 1 + 1;  // empty name, oid, modifier, key
constexpr size_t kMinSchemaBytes = 4 + 1 + 1 + 1 + 1;

Result<__int128> DecodeDecimal(CodecReader& reader) {
  ASSIGN_OR_RETURN(uint8_t width, reader.ReadU8("decimal length"));
  if (width == 0 || width > kMaxDecimalBytes) {
    return reader.Corrupt("decimal length " + std::to_string(width) + " outside 1..16");
  }
  ASSIGN_OR_RETURN(ByteSpan digits, reader.ReadBytes(width, "decimal bytes"));
  const auto first = static_cast<uint8_t>(digits[0]);
  if (width > 1) {
    // Minimal form: the first byte must not be a pure sign extension of the second.
    const auto second = static_cast<uint8_t>(digits[1]);
    if ((first == 0x00 && second < 0x80) || (first == 0xFF && second >= 0x80)) {
      return reader.Corrupt("decimal of " + std::to_string(width) + " bytes is not minimal");
    }
  }
  unsigned __int128 bits = (first & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (std::byte b : digits) bits = (bits << 8) | static_cast<uint8_t>(b);
  return static_cast<__int128>(bits);
}

Result<int64_t> DecodeInt32Range(CodecReader& reader, std::string_view what) {
  ASSIGN_OR_RETURN(int64_t value, reader.ReadZigZag(what));
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return reader.Corrupt(std::string(what) + " " + std::to_string(value) + " outside int32");
  }
  return value;
}

Result<Value> DecodeValueAt(CodecReader& reader, int depth);

// `depth`: how many lists enclose the list (0 for a row's values).
Result<Value> DecodeList(CodecReader& reader, int depth) {
  if (depth >= kMaxListDepth) {
    return reader.Corrupt("list nested deeper than " + std::to_string(kMaxListDepth));
  }
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("list element count", kMinValueBytes));
  Value list = Value::List({});
  list.elements.reserve(count);
  ValueKind shared = ValueKind::kNull;
  for (uint64_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(Value element, DecodeValueAt(reader, depth + 1));
    if (element.kind == ValueKind::kUnchangedToast) {
      return reader.Corrupt("unchanged-toast inside a list");
    }
    if (element.kind != ValueKind::kNull && shared != ValueKind::kNull && element.kind != shared) {
      return reader.Corrupt("list mixes " + std::string(ValueKindName(shared)) + " and " +
                            std::string(ValueKindName(element.kind)) + " elements");
    }
    if (element.kind != ValueKind::kNull) shared = element.kind;
    list.elements.push_back(std::move(element));
  }
  return list;
}

Result<Value> DecodePayload(CodecReader& reader, ValueKind kind, int depth) {
  Value value;
  value.kind = kind;
  switch (kind) {
    case ValueKind::kNull:
    case ValueKind::kUnchangedToast:
      return value;
    case ValueKind::kBool: {
      ASSIGN_OR_RETURN(uint8_t flag, reader.ReadU8("bool value"));
      if (flag > 1) return reader.Corrupt("bool value " + std::to_string(flag) + " is not 0 or 1");
      value.int_value = flag;
      return value;
    }
    case ValueKind::kInt32:
    case ValueKind::kDate: {
      ASSIGN_OR_RETURN(value.int_value, DecodeInt32Range(reader, ValueKindName(kind)));
      return value;
    }
    case ValueKind::kInt64:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz: {
      ASSIGN_OR_RETURN(value.int_value, reader.ReadZigZag(ValueKindName(kind)));
      return value;
    }
    case ValueKind::kFloat32: {
      ASSIGN_OR_RETURN(uint32_t bits, reader.ReadU32("float32 value"));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      value.float_value = f;
      return value;
    }
    case ValueKind::kFloat64: {
      ASSIGN_OR_RETURN(uint64_t bits, reader.ReadU64("float64 value"));
      std::memcpy(&value.float_value, &bits, sizeof bits);
      return value;
    }
    case ValueKind::kDecimal: {
      ASSIGN_OR_RETURN(value.decimal_unscaled, DecodeDecimal(reader));
      return value;
    }
    case ValueKind::kString:
    case ValueKind::kBinary: {
      ASSIGN_OR_RETURN(value.bytes, reader.ReadString(ValueKindName(kind)));
      return value;
    }
    case ValueKind::kUuid: {
      ASSIGN_OR_RETURN(ByteSpan bytes, reader.ReadBytes(kUuidBytes, "uuid value"));
      value.bytes = std::string(AsStringView(bytes));
      return value;
    }
    case ValueKind::kList:
      return DecodeList(reader, depth);
  }
  return reader.Corrupt("unknown value tag " + std::to_string(static_cast<int>(kind)));
}

Result<Value> DecodeValueAt(CodecReader& reader, int depth) {
  ASSIGN_OR_RETURN(uint8_t tag, reader.ReadU8("value tag"));
  if (tag > static_cast<uint8_t>(ValueKind::kList)) {
    return reader.Corrupt("unknown value tag " + std::to_string(tag));
  }
  return DecodePayload(reader, static_cast<ValueKind>(tag), depth);
}

Result<Row> DecodeRowFor(CodecReader& reader, const TableSchema& schema, std::string_view which) {
  ASSIGN_OR_RETURN(Row row, DecodeRow(reader));
  if (row.size() != schema.columns.size()) {
    return reader.Corrupt(std::string(which) + " row has " + std::to_string(row.size()) +
                          " values but table " + schema.QualifiedName() + " has " +
                          std::to_string(schema.columns.size()) + " columns");
  }
  return row;
}

}  // namespace

Result<Value> DecodeValue(CodecReader& reader) { return DecodeValueAt(reader, 0); }

Result<Row> DecodeRow(CodecReader& reader) {
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("row value count", kMinValueBytes));
  Row row;
  row.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(Value value, DecodeValue(reader));
    row.push_back(std::move(value));
  }
  return row;
}

Result<TableSchema> DecodeTableSchema(CodecReader& reader) {
  TableSchema schema;
  ASSIGN_OR_RETURN(schema.relid, reader.ReadU32("schema relid"));
  ASSIGN_OR_RETURN(schema.schema_name, reader.ReadString("schema name"));
  ASSIGN_OR_RETURN(schema.table_name, reader.ReadString("table name"));
  ASSIGN_OR_RETURN(uint8_t identity, reader.ReadU8("replica identity"));
  if (identity != 'd' && identity != 'f' && identity != 'i' && identity != 'n') {
    return reader.Corrupt("unknown replica identity " + std::to_string(identity));
  }
  schema.replica_identity = static_cast<char>(identity);
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("column count", kMinColumnBytes));
  schema.columns.resize(count);
  for (ColumnSchema& column : schema.columns) {
    ASSIGN_OR_RETURN(column.name, reader.ReadString("column name"));
    ASSIGN_OR_RETURN(column.type_oid, reader.ReadU32("column type oid"));
    ASSIGN_OR_RETURN(column.type_modifier, DecodeInt32Range(reader, "column type modifier"));
    ASSIGN_OR_RETURN(uint8_t key, reader.ReadU8("column key flag"));
    if (key > 1) return reader.Corrupt("column key flag " + std::to_string(key) + " is not 0 or 1");
    column.key = key == 1;
  }
  return schema;
}

Result<std::vector<SchemaPtr>> DecodeSchemaList(CodecReader& reader) {
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("schema count", kMinSchemaBytes));
  std::vector<SchemaPtr> schemas;
  schemas.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(TableSchema schema, DecodeTableSchema(reader));
    schemas.push_back(std::make_shared<const TableSchema>(std::move(schema)));
  }
  return schemas;
}

Result<RowChange> DecodeRowChange(CodecReader& reader, std::span<const SchemaPtr> schemas) {
  RowChange change;
  ASSIGN_OR_RETURN(uint8_t kind, reader.ReadU8("change kind"));
  if (kind < static_cast<uint8_t>(ChangeKind::kInsert) ||
      kind > static_cast<uint8_t>(ChangeKind::kTruncate)) {
    return reader.Corrupt("unknown change kind " + std::to_string(kind));
  }
  change.kind = static_cast<ChangeKind>(kind);
  ASSIGN_OR_RETURN(uint64_t index, reader.ReadVarint("change schema index"));
  if (index >= schemas.size()) {
    return reader.Corrupt("schema index " + std::to_string(index) + " but only " +
                          std::to_string(schemas.size()) + " schemas");
  }
  change.table = schemas[index];
  ASSIGN_OR_RETURN(uint8_t old_kind, reader.ReadU8("old row kind"));
  if (old_kind > static_cast<uint8_t>(OldRow::kFull)) {
    return reader.Corrupt("unknown old row kind " + std::to_string(old_kind));
  }
  change.old_kind = static_cast<OldRow>(old_kind);
  if (change.old_kind != OldRow::kNone) {
    ASSIGN_OR_RETURN(change.old_row, DecodeRowFor(reader, *change.table, "old"));
  }
  if (change.kind == ChangeKind::kInsert || change.kind == ChangeKind::kUpdate) {
    ASSIGN_OR_RETURN(change.new_row, DecodeRowFor(reader, *change.table, "new"));
  }
  return change;
}

Result<CommitInfo> DecodeCommitInfo(CodecReader& reader) {
  CommitInfo commit;
  ASSIGN_OR_RETURN(uint64_t xid, reader.ReadVarint("commit xid"));
  if (xid > std::numeric_limits<uint32_t>::max()) {
    return reader.Corrupt("commit xid " + std::to_string(xid) + " exceeds 32 bits");
  }
  commit.xid = static_cast<uint32_t>(xid);
  ASSIGN_OR_RETURN(commit.commit_lsn, reader.ReadVarint("commit lsn"));
  ASSIGN_OR_RETURN(commit.end_lsn, reader.ReadVarint("commit end lsn"));
  ASSIGN_OR_RETURN(commit.commit_time_micros, reader.ReadZigZag("commit time"));
  return commit;
}

}  // namespace pg2iceberg::change
