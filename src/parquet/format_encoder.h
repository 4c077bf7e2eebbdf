// Serialises the Parquet Thrift model (parquet_format.h) with the Thrift compact protocol,
// field by field as numbered in the Apache Parquet format's parquet.thrift.
#pragma once

#include "base/bytes.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

// Appends the encoded struct to `out`.
void EncodeFileMetaData(const format::FileMetaData& metadata, ByteWriter* out);
void EncodePageHeader(const format::PageHeader& header, ByteWriter* out);

}  // namespace pg2iceberg::parquet
