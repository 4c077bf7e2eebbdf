// Turns one row of a binary COPY stream into values of a Parquet file laid out for the
// table's Iceberg schema. Exactness errors name the table, the column and the value.
//
// Arrays are decoded by the decoder capture uses (pg/array_values.h) and written as lists: a
// one-dimensional or empty array as the list of its elements (NULL elements null, lower
// bounds dropped: '[0:1]={7,8}' is [7, 8]); a multi-dimensional value is kInvalidArgument
// naming its number of dimensions, since list<T> cannot hold it. Element errors name the
// element's position, from 1.
#pragma once

#include <string>
#include <vector>

#include "change/change.h"
#include "mirror/type_mapping.h"
#include "parquet/parquet_writer.h"
#include "pg/copy_binary.h"

namespace pg2iceberg {

class RowEncoder {
 public:
  // `columns` in COPY order, which is also the Parquet column order.
  RowEncoder(std::string table_name, std::vector<MappedColumn> columns);

  // Appends every field of the row and ends it. kInvalidArgument for a value Iceberg cannot
  // hold exactly; kDataLoss for malformed bytes.
  Status Encode(pg::CopyBinaryParser::Fields fields, parquet::ParquetWriter& writer) const;

 private:
  Status AppendValue(size_t column, ByteSpan value, parquet::ParquetWriter& writer) const;
  Status AppendDecimal(size_t column, ByteSpan value, parquet::ParquetWriter& writer) const;
  Status AppendList(size_t column, ByteSpan value, parquet::ParquetWriter& writer) const;
  Status AppendElement(size_t column, const change::Value& element,
                       parquet::ParquetWriter& writer) const;

  std::string table_name_;
  std::vector<MappedColumn> columns_;
  std::vector<int> decimal_widths_;  // bytes per decimal (or decimal list) column, else 0
};

}  // namespace pg2iceberg
