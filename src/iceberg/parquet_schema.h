// How Iceberg tables are laid out in Parquet (the Iceberg spec's "Parquet" appendix):
// the Parquet columns for a schema, and the manifest entry for a written Parquet file.
#pragma once

#include <string>
#include <vector>

#include "iceberg/data_file.h"
#include "iceberg/schema.h"
#include "parquet/column_spec.h"
#include "parquet/parquet_writer.h"

namespace pg2iceberg::iceberg {

// One Parquet leaf column per schema field, carrying the field id:
//   boolean → BOOLEAN; int, date → INT32; long, time, timestamp(tz) → INT64; float → FLOAT;
//   double → DOUBLE; string → BYTE_ARRAY (STRING); binary → BYTE_ARRAY;
//   decimal(p,s) → FIXED_LEN_BYTE_ARRAY of the fewest bytes for p (DECIMAL);
//   uuid → FIXED_LEN_BYTE_ARRAY(16) (UUID).
std::vector<parquet::ColumnSpec> ParquetColumnsFor(const Schema& schema);

// The data-file entry for a finished Parquet file stored at `location`: record count, size,
// and per-field metrics (column sizes, value/null/NaN counts, and lower/upper bounds in
// Iceberg's single-value serialisation where the writer computed them). Bounds follow the
// default metrics mode truncate(16): a string bound keeps at most 16 code points and a binary
// bound 16 bytes (a shortened upper bound has its last code point or byte that can grow
// incremented, and is left out when none can); a decimal bound is the unscaled value as
// big-endian two's complement in the fewest bytes; a uuid bound its 16 bytes.
DataFile DataFileFor(const std::string& location, const parquet::ParquetFile& file,
                     const Schema& schema);

}  // namespace pg2iceberg::iceberg
