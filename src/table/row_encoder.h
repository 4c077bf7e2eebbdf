// Turns one row of a binary COPY stream into values of a Parquet file laid out for the
// table's Iceberg schema, in two steps: Decode interprets the COPY bytes once into a
// DecodedRow, from which both the partition values (partitioner.h) and the Parquet values
// (Write) are taken. Exactness errors name the table, the column and the value.
//
// Arrays are decoded by the decoder capture uses (pg/array_values.h) and written as lists: a
// one-dimensional or empty array as the list of its elements (NULL elements null, lower
// bounds dropped: '[0:1]={7,8}' is [7, 8]); a multi-dimensional value is kInvalidArgument
// naming its number of dimensions, since list<T> cannot hold it. Element errors name the
// element's position, from 1.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "change/change.h"
#include "iceberg/literal.h"
#include "parquet/parquet_writer.h"
#include "pg/copy_binary.h"
#include "table/type_mapping.h"

namespace pg2iceberg {

// One row's decoded values, in column order. Reused from row to row (Clear keeps capacity).
class DecodedRow {
 public:
  enum class Kind : uint8_t {
    kNull,
    kBool,
    kInt32,
    kInt64,
    kFloat,
    kDouble,
    kBytes,
    kDecimal,
    kList
  };
  struct Value {
    Kind kind = Kind::kNull;
    int64_t integer = 0;    // kBool (0/1), kInt32, kInt64
    double real = 0;        // kFloat, kDouble
    __int128 unscaled = 0;  // kDecimal (its bytes hold the fixed-width big-endian form)
    size_t offset = 0;      // kBytes, kDecimal: where the bytes start in the row's buffer;
                            // kList: index of its first element (ElementsOf)
    size_t size = 0;        // kBytes, kDecimal: bytes; kList: elements
  };

  void Clear();
  void AddNull() { values_.push_back({}); }
  void AddInteger(Kind kind, int64_t value) { values_.push_back({.kind = kind, .integer = value}); }
  void AddReal(Kind kind, double value) { values_.push_back({.kind = kind, .real = value}); }
  void AddBytes(ByteSpan bytes);
  void AddDecimal(__int128 unscaled, ByteSpan fixed_bytes);
  // A list value; its elements follow with AddElement (scalar kinds or kNull). `bytes` holds
  // a kBytes or kDecimal element's bytes.
  void AddList() { values_.push_back({.kind = Kind::kList, .offset = elements_.size()}); }
  void AddElement(Value element, ByteSpan bytes = {});

  size_t size() const { return values_.size(); }
  const Value& value(size_t column) const { return values_[column]; }
  ByteSpan BytesOf(size_t column) const { return BytesOf(values_[column]); }
  ByteSpan BytesOf(const Value& value) const;
  std::span<const Value> ElementsOf(size_t column) const;
  // The value as an Iceberg literal (literal.h); nullopt for null. Not for lists (CHECK):
  // partition sources are primitive.
  std::optional<iceberg::Literal> LiteralOf(size_t column) const;

 private:
  std::vector<Value> values_;
  std::vector<Value> elements_;  // of the row's lists, list after list
  Bytes buffer_;
};

class RowEncoder {
 public:
  // `columns` in COPY order, which is also the Parquet column order.
  RowEncoder(std::string table_name, std::vector<MappedColumn> columns);

  // Decodes every field of the row into `row` (cleared first). kInvalidArgument for a value
  // Iceberg cannot hold exactly; kDataLoss for malformed bytes.
  Status Decode(pg::CopyBinaryParser::Fields fields, DecodedRow& row) const;
  // Appends every value of `row` (from Decode) to `writer` and ends the row.
  Status Write(const DecodedRow& row, parquet::ParquetWriter& writer) const;

  const std::string& table_name() const { return table_name_; }
  const std::vector<MappedColumn>& columns() const { return columns_; }

 private:
  Status DecodeValue(size_t column, ByteSpan value, DecodedRow& row) const;
  Status DecodeDecimal(size_t column, ByteSpan value, DecodedRow& row) const;
  Status DecodeList(size_t column, ByteSpan value, DecodedRow& row) const;
  void AddElement(size_t column, const change::Value& element, DecodedRow& row) const;
  Status WriteValue(const DecodedRow& row, size_t column, parquet::ParquetWriter& writer) const;
  Status WriteList(const DecodedRow& row, size_t column, parquet::ParquetWriter& writer) const;
  Status InColumn(Status status, size_t column) const;

  std::string table_name_;
  std::vector<MappedColumn> columns_;
  std::vector<int> decimal_widths_;  // bytes per decimal (or decimal list) column, else 0
};

}  // namespace pg2iceberg
