// Decodes the fields of one COPY … (FORMAT binary) row (copy_binary.h) into a change::Row with
// the decoding capture uses (value_decoding.h): a COPY field is the binary send form, as a
// pgoutput 'b' column is. The snapshot's rows and the captured changes are therefore the same
// values, and one writer (table/row_encoder.h) turns both into Parquet.
//
// Errors name the table and the column — "table public.t, column \"c\": …" — and show up to
// 32 bytes of a malformed value: kInvalidArgument for a value Iceberg cannot hold exactly (or
// a type not mirrored), kDataLoss for bytes that are not a value of the column's type.
#pragma once

#include <string>
#include <vector>

#include "change/change.h"
#include "pg/copy_binary.h"
#include "pg/value_decoding.h"

namespace pg2iceberg::pg {

class CopyRowDecoder {
 public:
  // `columns` in COPY order (their names, type oids and modifiers are used); `table_name`
  // for messages.
  CopyRowDecoder(std::string table_name, std::vector<change::ColumnSchema> columns,
                 DecodeOptions options);

  // Decodes every field into `row`, resized to the column count; NULL fields become Null. Pass
  // the same row for every row: its values' buffers are reused (DecodePresentValueInto). On
  // error `row` is unspecified. CHECKs that `fields` has one field per column (the parser was
  // made with that count).
  Status Decode(CopyBinaryParser::Fields fields, change::Row& row) const;

  const std::vector<change::ColumnSchema>& columns() const { return columns_; }

 private:
  std::vector<change::ColumnSchema> columns_;
  std::vector<std::string> contexts_;  // per column: "table T, column \"c\""
  DecodeOptions options_;
};

}  // namespace pg2iceberg::pg
