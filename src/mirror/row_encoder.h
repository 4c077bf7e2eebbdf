// Turns one row of a binary COPY stream into values of a Parquet file laid out for the
// table's Iceberg schema. Exactness errors name the table, the column and the value.
#pragma once

#include <string>
#include <vector>

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

  std::string table_name_;
  std::vector<MappedColumn> columns_;
  std::vector<int> decimal_widths_;  // bytes per decimal column, 0 for others
};

}  // namespace pg2iceberg
