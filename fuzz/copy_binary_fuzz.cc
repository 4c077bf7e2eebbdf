// The snapshot's COPY … TO STDOUT (FORMAT binary) stream: the parser, fed in chunks as libpq
// hands them over, and the row decoder of a table with one column of each kind of type.
//
// Input: a byte giving the chunk size (1 to 256), then the stream. The table's columns are
// kColumns below, in that order (the corpus was copied from such a table).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "change/change.h"
#include "fuzz_input.h"
#include "pg/copy_binary.h"
#include "pg/copy_row_decoder.h"
#include "pg/pg_types.h"

namespace pg2iceberg::fuzz {
namespace {

change::ColumnSchema Column(pg::TypeOid type, int32_t modifier = -1) {
  return {.name = "c" + std::to_string(static_cast<uint32_t>(type)),
          .type_oid = static_cast<uint32_t>(type),
          .type_modifier = modifier};
}

// bigint, text, numeric(12,2), timestamptz, jsonb, bool, float8, bytea, uuid, date, int4[],
// interval (a type mapped to a string).
const std::vector<change::ColumnSchema>& Columns() {
  static const std::vector<change::ColumnSchema> columns = {
      Column(pg::TypeOid::kInt8),
      Column(pg::TypeOid::kText),
      Column(pg::TypeOid::kNumeric, (12 << 16 | 2) + 4),
      Column(pg::TypeOid::kTimestampTz),
      Column(pg::TypeOid::kJsonb),
      Column(pg::TypeOid::kBool),
      Column(pg::TypeOid::kFloat8),
      Column(pg::TypeOid::kBytea),
      Column(pg::TypeOid::kUuid),
      Column(pg::TypeOid::kDate),
      {.name = "ints", .type_oid = 1007},
      Column(pg::TypeOid::kInterval)};
  return columns;
}

}  // namespace
}  // namespace pg2iceberg::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const size_t chunk = size_t{in.Byte()} + 1;
  ByteSpan stream = in.Rest();
  static const pg::CopyRowDecoder decoder("public.t", fuzz::Columns(), pg::DecodeOptions{});
  pg::CopyBinaryParser parser(static_cast<int>(fuzz::Columns().size()));
  change::Row row;
  auto on_row = [&](pg::CopyBinaryParser::Fields fields) { return decoder.Decode(fields, row); };
  while (!stream.empty()) {
    const size_t n = std::min(chunk, stream.size());
    if (!parser.Feed(stream.first(n), on_row).ok()) return 0;
    stream = stream.subspan(n);
  }
  (void)parser.Finish();
  return 0;
}
