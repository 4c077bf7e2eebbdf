// The change model shared by capture, the staging log and the materializer: WAL positions,
// typed column values, row images and the row changes of committed transactions.
//
// Values are already in Iceberg's representation (the decoders in pg/ convert Postgres' text
// and binary forms), so nothing downstream of capture needs to know Postgres' wire formats.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pg2iceberg::change {

// A WAL position (pg_lsn). 0 is "invalid / none".
using Lsn = uint64_t;

// As Postgres prints pg_lsn: upper 32 bits, slash, lower 32 bits, in upper-case hex without
// leading zeros ("0/16B3748").
std::string FormatLsn(Lsn lsn);
// Parses Postgres' pg_lsn text form; kInvalidArgument for anything else.
Result<Lsn> ParseLsn(std::string_view text);

// What a column value holds. The numbers are the staging log's value tags: never renumber.
enum class ValueKind : uint8_t {
  kNull = 0,
  kUnchangedToast = 1,  // the server did not send an unchanged TOASTed value
  kBool = 2,            // int_value 0 or 1
  kInt32 = 3,           // int_value
  kInt64 = 4,           // int_value
  kFloat32 = 5,         // float_value (a float widened to double, exactly)
  kFloat64 = 6,         // float_value
  kDecimal = 7,         // decimal_unscaled at the column's scale
  kString = 8,          // bytes, UTF-8
  kBinary = 9,          // bytes
  kDate = 10,           // int_value: days since 1970-01-01
  kTime = 11,           // int_value: microseconds since midnight
  kTimestamp = 12,      // int_value: microseconds since 1970-01-01 00:00:00 (no zone)
  kTimestampTz = 13,    // int_value: microseconds since 1970-01-01 00:00:00 UTC
  kUuid = 14,           // bytes: 16 bytes, network order
  kList = 15,           // elements: a Postgres array (see Value::List)
};

std::string_view ValueKindName(ValueKind kind);

// How deep lists may nest (a list of lists is depth 2): Postgres' limit on array dimensions.
inline constexpr int kMaxListDepth = 6;

struct Value {
  ValueKind kind = ValueKind::kNull;
  int64_t int_value = 0;
  double float_value = 0;
  __int128 decimal_unscaled = 0;
  std::string bytes;
  std::vector<Value> elements;  // kList only

  static Value Null() { return {}; }
  static Value UnchangedToast() { return Of(ValueKind::kUnchangedToast); }
  static Value Bool(bool v) { return OfInt(ValueKind::kBool, v ? 1 : 0); }
  static Value Int32(int32_t v) { return OfInt(ValueKind::kInt32, v); }
  static Value Int64(int64_t v) { return OfInt(ValueKind::kInt64, v); }
  static Value Float32(float v) { return OfFloat(ValueKind::kFloat32, v); }
  static Value Float64(double v) { return OfFloat(ValueKind::kFloat64, v); }
  static Value Decimal(__int128 unscaled) {
    Value value = Of(ValueKind::kDecimal);
    value.decimal_unscaled = unscaled;
    return value;
  }
  static Value String(std::string v) { return OfBytes(ValueKind::kString, std::move(v)); }
  static Value Binary(std::string v) { return OfBytes(ValueKind::kBinary, std::move(v)); }
  static Value Date(int32_t days) { return OfInt(ValueKind::kDate, days); }
  static Value Time(int64_t micros) { return OfInt(ValueKind::kTime, micros); }
  static Value Timestamp(int64_t micros) { return OfInt(ValueKind::kTimestamp, micros); }
  static Value TimestampTz(int64_t micros) { return OfInt(ValueKind::kTimestampTz, micros); }
  static Value Uuid(std::string sixteen_bytes) {
    return OfBytes(ValueKind::kUuid, std::move(sixteen_bytes));
  }
  // A Postgres array as a list: NULL elements are Null values; the other elements share one
  // kind (a scalar kind, or kList for the rows of a multi-dimensional array, which becomes a
  // list of lists dimension by dimension, at most kMaxListDepth deep). Never UnchangedToast.
  // Lower bounds other than 1 are not kept: '[0:1]={7,8}' becomes the list [7, 8].
  static Value List(std::vector<Value> elements) {
    Value value = Of(ValueKind::kList);
    value.elements = std::move(elements);
    return value;
  }

  // Same kind and same payload; floats compare by bit pattern (NaN == NaN, -0 != +0); lists
  // compare element by element.
  bool operator==(const Value& other) const;

 private:
  static Value Of(ValueKind kind) {
    Value value;
    value.kind = kind;
    return value;
  }
  static Value OfInt(ValueKind kind, int64_t v) {
    Value value = Of(kind);
    value.int_value = v;
    return value;
  }
  static Value OfFloat(ValueKind kind, double v) {
    Value value = Of(kind);
    value.float_value = v;
    return value;
  }
  static Value OfBytes(ValueKind kind, std::string v) {
    Value value = Of(kind);
    value.bytes = std::move(v);
    return value;
  }
};

// One row image: a value per column of the table schema it belongs to, in column order.
using Row = std::vector<Value>;

// A column as the source describes it (pgoutput Relation message / pg_attribute).
struct ColumnSchema {
  std::string name;
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;
  bool key = false;  // part of the replica identity
  bool operator==(const ColumnSchema&) const = default;
};

// A source table as of some point in the stream. Immutable once built: shared by the changes
// that were captured under it (a later ALTER TABLE yields a new TableSchema).
struct TableSchema {
  uint32_t relid = 0;  // pg_class.oid
  std::string schema_name;
  std::string table_name;
  char replica_identity = 'd';  // 'd' default (primary key), 'f' full, 'i' index, 'n' nothing
  std::vector<ColumnSchema> columns;
  bool operator==(const TableSchema&) const = default;
  std::string QualifiedName() const { return schema_name + "." + table_name; }
};

enum class ChangeKind : uint8_t { kInsert = 1, kUpdate = 2, kDelete = 3, kTruncate = 4 };

std::string_view ChangeKindName(ChangeKind kind);

// How much of the old row an update or delete carries.
enum class OldRow : uint8_t {
  kNone = 0,  // no old image (an update that did not change the key)
  kKey = 1,   // key columns only ('K'); other columns are kNull
  kFull = 2,  // the whole old row ('O', REPLICA IDENTITY FULL)
};

// One row-level change to one table.
//   kInsert:   new_row.
//   kUpdate:   new_row, and old_row when old_kind != kNone.
//   kDelete:   old_row (old_kind kKey or kFull).
//   kTruncate: neither; the table is emptied at this point of the transaction.
struct RowChange {
  ChangeKind kind = ChangeKind::kInsert;
  std::shared_ptr<const TableSchema> table;
  OldRow old_kind = OldRow::kNone;
  Row old_row;
  Row new_row;
};

// Identifies a committed transaction and where it sits in the WAL.
struct CommitInfo {
  uint32_t xid = 0;
  Lsn commit_lsn = 0;  // the LSN of the commit record
  Lsn end_lsn = 0;     // the end of the commit record: the position to confirm once it is durable
  int64_t commit_time_micros = 0;  // Unix epoch microseconds
  bool operator==(const CommitInfo&) const = default;
};

}  // namespace pg2iceberg::change
