#include "parquet/thrift_compact.h"

#include <cstring>

#include "base/check.h"

namespace pg2iceberg::parquet {

ThriftCompactWriter::~ThriftCompactWriter() {
  CHECK_MSG(last_field_ids_.empty(), "ThriftCompactWriter destroyed with an open struct");
}

void ThriftCompactWriter::BeginStruct() { last_field_ids_.push_back(0); }

void ThriftCompactWriter::EndStruct() {
  CHECK_MSG(!last_field_ids_.empty(), "EndStruct without BeginStruct");
  out_->AppendByte(0);  // stop field
  last_field_ids_.pop_back();
}

void ThriftCompactWriter::FieldHeader(int16_t id, ThriftType type) {
  CHECK_MSG(!last_field_ids_.empty(), "field written outside a struct");
  int16_t& last = last_field_ids_.back();
  CHECK_MSG(id > last, "thrift field ids must increase within a struct");
  const int delta = id - last;
  if (delta <= 15) {
    out_->AppendByte(static_cast<uint8_t>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_->AppendByte(static_cast<uint8_t>(type));
    out_->AppendZigZag(id);
  }
  last = id;
}

void ThriftCompactWriter::FieldBool(int16_t id, bool value) {
  FieldHeader(id, value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftCompactWriter::FieldI8(int16_t id, int8_t value) {
  FieldHeader(id, ThriftType::kByte);
  out_->AppendByte(static_cast<uint8_t>(value));
}

void ThriftCompactWriter::FieldI16(int16_t id, int16_t value) {
  FieldHeader(id, ThriftType::kI16);
  out_->AppendZigZag(value);
}

void ThriftCompactWriter::FieldI32(int16_t id, int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  out_->AppendZigZag(value);
}

void ThriftCompactWriter::FieldI64(int16_t id, int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  out_->AppendZigZag(value);
}

void ThriftCompactWriter::FieldDouble(int16_t id, double value) {
  FieldHeader(id, ThriftType::kDouble);
  out_->AppendDoubleLittleEndian(value);
}

void ThriftCompactWriter::FieldBinary(int16_t id, ByteSpan value) {
  FieldHeader(id, ThriftType::kBinary);
  ElementBinary(value);
}

void ThriftCompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStruct();
}

void ThriftCompactWriter::FieldListBegin(int16_t id, ThriftType element_type, uint32_t size) {
  FieldHeader(id, ThriftType::kList);
  const auto type = static_cast<uint8_t>(element_type);
  if (size < 15) {
    out_->AppendByte(static_cast<uint8_t>((size << 4) | type));
  } else {
    out_->AppendByte(static_cast<uint8_t>(0xF0 | type));
    out_->AppendVarint(size);
  }
}

void ThriftCompactWriter::ElementBinary(ByteSpan value) {
  out_->AppendVarint(value.size());
  out_->Append(value);
}

}  // namespace pg2iceberg::parquet
