// Writes rows of the change model (change::Row, one change::Value per column, as
// pg/value_decoding.h decodes them from COPY fields and pgoutput columns alike) into a Parquet
// file laid out for the table's Iceberg schema. Each value must be of the kind the column's
// Iceberg type takes (type_mapping.h):
//
//   boolean Bool, int Int32, long Int64, float Float32, double Float64, decimal Decimal (its
//   unscaled value within the precision), string String, binary Binary, date Date, time Time,
//   timestamp Timestamp, timestamptz TimestampTz, uuid Uuid (16 bytes), list<T> List of
//   T's kind and Null elements; Null in any column.
//
// Arrays are written as lists: a one-dimensional or empty array as the list of its elements
// (NULL elements null; pg/array_values.h already dropped lower bounds); a multi-dimensional
// value (a list of lists) is kInvalidArgument naming its number of dimensions, since list<T>
// cannot hold it. Errors name the table and the column: kInvalidArgument for such a value or
// a decimal beyond its precision, kInternal for a value of another kind than the column's
// (a caller's bug, e.g. an unresolved unchanged TOAST value). After an error the writer holds
// a partial row: drop it.
#pragma once

#include <string>
#include <vector>

#include "change/change.h"
#include "parquet/parquet_writer.h"
#include "table/type_mapping.h"

namespace pg2iceberg {

class RowEncoder {
 public:
  // `columns` in row order, which is also the Parquet column order.
  RowEncoder(std::string table_name, std::vector<MappedColumn> columns);

  // Appends every value of `row` (one per column) to `writer` and ends the row.
  Status Write(const change::Row& row, parquet::ParquetWriter& writer) const;

  const std::string& table_name() const { return table_name_; }
  const std::vector<MappedColumn>& columns() const { return columns_; }

 private:
  // What a column holds: the value kind of its Iceberg type (of its elements for a list).
  struct ColumnForm {
    bool list = false;
    change::ValueKind kind = change::ValueKind::kNull;
    int decimal_width = 0;       // bytes of a decimal's fixed-width form
    __int128 decimal_limit = 0;  // 10^precision: a decimal's unscaled value is below it
  };

  Status WriteValue(const change::Value& value, size_t column,
                    parquet::ParquetWriter& writer) const;
  Status WriteList(const change::Value& list, size_t column, parquet::ParquetWriter& writer) const;
  Status WriteScalar(const change::Value& value, size_t column,
                     parquet::ParquetWriter& writer) const;
  Status InColumn(Status status, size_t column) const;

  std::string table_name_;
  std::vector<MappedColumn> columns_;
  std::vector<ColumnForm> forms_;
};

}  // namespace pg2iceberg
