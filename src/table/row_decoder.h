// RowDecoder: the inverse of RowEncoder — Parquet values of a mirrored table's data file (as
// parquet::ParquetReader returns them) back into the change model's values, by each column's
// Iceberg type: what the materializer needs to read rows of the mirror back (unchanged-TOAST
// values, primary keys for its index).
//
//   boolean → Bool; int → Int32; long → Int64 (also from an int written before the column was
//   widened); float → Float32; double → Float64 (also from a float written before widening);
//   decimal(p, s) → Decimal (big-endian two's-complement bytes, 1 to 16 of them: the encoder
//   writes the width p takes, and a file written before p was widened has fewer; the INT32 and
//   INT64 forms other writers use are read too); string →
//   String; binary → Binary; uuid → Uuid (16 bytes);
//   date → Date; time → Time; timestamp → Timestamp; timestamptz → TimestampTz;
//   list<T> → List of T (NULL elements as Null).
//
// Errors (kDataLoss, naming the table and column): a value whose physical type is not what the
// column's Iceberg type is written as — a file not written for this schema, or damaged.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "iceberg/schema.h"
#include "parquet/value.h"

namespace pg2iceberg {

class RowDecoder {
 public:
  // `types`: each column's Iceberg type, in the row's (and the values') order; `names` for
  // messages.
  RowDecoder(std::string table_name, std::vector<std::string> names,
             std::vector<iceberg::Type> types);

  Result<change::Value> DecodeValue(const parquet::Value& value, size_t column) const;
  Result<change::Row> DecodeRow(const std::vector<parquet::Value>& values) const;

 private:
  Result<change::Value> DecodeScalar(const parquet::Scalar& scalar, const iceberg::Type& type,
                                     size_t column) const;
  Status Mismatch(size_t column, const std::string& what) const;

  std::string table_name_;
  std::vector<std::string> names_;
  std::vector<iceberg::Type> types_;
};

}  // namespace pg2iceberg
