#include "avro/binary_encoder.h"

namespace pg2iceberg::avro {

void Encoder::WriteBytes(ByteSpan value) {
  out_.AppendZigZag(static_cast<int64_t>(value.size()));
  out_.Append(value);
}

}  // namespace pg2iceberg::avro
