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

// One Parquet column per schema field, carrying the field id:
//   boolean → BOOLEAN; int, date → INT32; long, time, timestamp(tz) → INT64; float → FLOAT;
//   double → DOUBLE; string → BYTE_ARRAY (STRING); binary → BYTE_ARRAY;
//   decimal(p,s) → FIXED_LEN_BYTE_ARRAY of the fewest bytes for p (DECIMAL);
//   uuid → FIXED_LEN_BYTE_ARRAY(16) (UUID);
//   list<T> → the 3-level LIST group (column_spec.h) with the field id on the outer group and
//   the element id on the element leaf, which is laid out as T is above.
std::vector<parquet::ColumnSpec> ParquetColumnsFor(const Schema& schema);

// The data-file entry for a finished Parquet file stored at `location`: record count, size,
// and per-field metrics (column sizes, value/null/NaN counts, and lower/upper bounds in
// Iceberg's single-value serialisation where the writer computed them). Bounds follow the
// default metrics mode truncate(16): a string bound keeps at most 16 code points and a binary
// bound 16 bytes (a shortened upper bound has its last code point or byte that can grow
// incremented, and is left out when none can); a decimal bound is the unscaled value as
// big-endian two's complement in the fewest bytes; a uuid bound its 16 bytes.
// A list's metrics are keyed by its element's field id (the Parquet leaf): column size, value
// count (level entries: elements, null elements, null and empty lists) and null count (the
// Parquet null_count: null elements, null lists and empty lists), NaN count for float/double
// elements; no bounds, as Iceberg's Java Parquet writer stores none for list or map leaves.
DataFile DataFileFor(const std::string& location, const parquet::ParquetFile& file,
                     const Schema& schema);

}  // namespace pg2iceberg::iceberg
