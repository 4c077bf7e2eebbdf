// Decodes the Thrift compact structs of a Parquet file (the footer's FileMetaData and page
// headers) into the structs of parquet_format.h: the reading side of format_encoder.h.
//
// Fields the structs do not model (sorting columns, page indexes, bloom filters, size
// statistics, CRCs, deprecated statistics...) are skipped, so files from other writers decode
// too. Enum fields keep the wire value even when parquet_format.h names no enumerator for it;
// the reader decides what it supports. Missing required fields, wrong field types and any
// malformed bytes yield kDataLoss naming the part ("parquet footer", "parquet page header").
#pragma once

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/parquet_format.h"

namespace pg2iceberg::parquet {

// `bytes` is exactly the serialised FileMetaData (between the data and the footer length).
Result<format::FileMetaData> DecodeFileMetaData(ByteSpan bytes);

struct DecodedPageHeader {
  format::PageHeader header;
  size_t header_bytes = 0;  // bytes the header took; the page's stored bytes follow
};

// Decodes the page header at the start of `bytes` (which may continue with the page).
Result<DecodedPageHeader> DecodePageHeader(ByteSpan bytes);

}  // namespace pg2iceberg::parquet
