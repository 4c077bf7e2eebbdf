// Raw DEFLATE (RFC 1951, no zlib or gzip wrapper), the data of Avro's "deflate" codec.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::avro {

// Appends the raw-deflate form of `input` to `out`. `level` is zlib's: -1 (default) or 0..9;
// kInvalidArgument outside that, kInternal if zlib fails.
Status DeflateRaw(ByteSpan input, int level, Bytes* out);

// Appends the inflated form of `input` to `out`. kDataLoss when `input` does not start with one
// complete raw-deflate stream or when it would inflate to more than `max_output_bytes`. Bytes
// after the end of the stream are ignored (other writers leave some; see deflate.cc).
Status InflateRaw(ByteSpan input, size_t max_output_bytes, Bytes* out);

}  // namespace pg2iceberg::avro
