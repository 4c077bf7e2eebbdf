// Turns a Parquet file's schema (the footer's SchemaElements) into the ColumnSpecs the writer
// takes, for the shapes the writer emits: under the root, flat leaves (required or optional)
// and 3-level lists (`<group> (LIST) { repeated group { <leaf> } }`) whose element is a leaf.
// The group and element names are not checked (writers differ), the LIST annotation is.
//
// A leaf's annotation comes from its LogicalType, else from its legacy converted_type:
// STRING/UTF8, DATE, TIME and TIMESTAMP in microseconds, DECIMAL, UUID. A field id absent
// from the file is 0. Errors: kInvalidArgument for what the reader does not support (other
// nesting, repeated leaves, INT96, other logical types or time units), naming the column;
// kDataLoss for a schema that is inconsistent (child counts past the end, a group with a
// physical type, a leaf without one).
#pragma once

#include <vector>

#include "base/status.h"
#include "parquet/column_spec.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

Result<std::vector<ColumnSpec>> ColumnsFromSchema(const std::vector<format::SchemaElement>& schema);

}  // namespace pg2iceberg::parquet
