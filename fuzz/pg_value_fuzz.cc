// One Postgres value as capture and the snapshot decode it: a pgoutput tuple column or a COPY
// binary field, in text or binary form, of any type OID and type modifier (arrays included),
// with and without wide numerics taken as strings.
//
// Input: the type OID (four bytes, big-endian), the type modifier (four bytes, big-endian,
// two's complement), a flag byte (bit 0: binary form; bit 1: wide numerics as strings), then
// the value's bytes.
#include <cstdint>

#include "change/change.h"
#include "fuzz_input.h"
#include "pg/value_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  change::ColumnSchema column{.name = "c"};
  column.type_oid = in.U32();
  column.type_modifier = static_cast<int32_t>(in.U32());
  const uint8_t flags = in.Byte();
  const bool binary = flags & 1;
  const ByteSpan value = in.Rest();
  pg::DecodeOptions options{.wide_numeric_as_string = (flags & 2) != 0};
  change::Value out;
  Status status = pg::DecodePresentValueInto(column, value, binary, options, out);
  if (!status.ok()) (void)pg::NameValueError(status, "column \"c\"", value, binary);
  (void)pg::DecodeColumnValue(column, pg::TupleColumn{.kind = binary ? pg::TupleColumnKind::kBinary
                                                                     : pg::TupleColumnKind::kText,
                                                      .data = value});
  return 0;
}
