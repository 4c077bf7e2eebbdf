#include "parquet/thrift_compact_reader.h"

#include <cstring>

namespace pg2iceberg::parquet {
namespace {

int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

bool IsKnownType(uint8_t type) { return type >= 1 && type <= 12; }

}  // namespace

Status ThriftCompactReader::Corrupt(std::string_view problem) const {
  return Status::DataLoss(what_ + ": " + std::string(problem) + " at byte " + std::to_string(pos_) +
                          " (file corrupt or not written by a Parquet writer)");
}

Status ThriftCompactReader::BeginStruct() {
  if (last_field_ids_.size() >= kMaxDepth) return Corrupt("thrift structs nested too deep");
  last_field_ids_.push_back(0);
  return Status::Ok();
}

void ThriftCompactReader::EndStruct() {
  CHECK_MSG(!last_field_ids_.empty(), "EndStruct without BeginStruct");
  last_field_ids_.pop_back();
}

Result<uint64_t> ThriftCompactReader::ReadVarint(int max_bytes) {
  uint64_t value = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (pos_ >= data_.size()) return Corrupt("truncated thrift varint");
    const auto b = static_cast<uint8_t>(data_[pos_++]);
    value |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  return Corrupt("thrift varint too long");
}

Result<ThriftField> ThriftCompactReader::ReadFieldHeader() {
  CHECK_MSG(!last_field_ids_.empty(), "field read outside a struct");
  if (pos_ >= data_.size()) return Corrupt("truncated thrift struct");
  const auto byte = static_cast<uint8_t>(data_[pos_++]);
  if (byte == 0) return ThriftField{.stop = true};
  const uint8_t type = byte & 0x0F;
  if (!IsKnownType(type)) return Corrupt("unknown thrift type " + std::to_string(type));
  int16_t& last = last_field_ids_.back();
  int64_t id = last + (byte >> 4);
  if ((byte >> 4) == 0) {
    ASSIGN_OR_RETURN(uint64_t raw, ReadVarint(3));
    id = UnZigZag(raw);
  }
  if (id <= 0 || id > INT16_MAX) return Corrupt("thrift field id out of range");
  last = static_cast<int16_t>(id);
  return ThriftField{false, static_cast<int16_t>(id), static_cast<ThriftType>(type)};
}

Result<ThriftList> ThriftCompactReader::ReadListHeader() {
  if (pos_ >= data_.size()) return Corrupt("truncated thrift list");
  const auto byte = static_cast<uint8_t>(data_[pos_++]);
  const uint8_t type = byte & 0x0F;
  if (!IsKnownType(type)) return Corrupt("unknown thrift list element type");
  uint64_t size = byte >> 4;
  if (size == 15) {
    ASSIGN_OR_RETURN(size, ReadVarint(5));
  }
  // Every element takes at least one byte (bool elements too), so a longer list cannot fit.
  if (size > data_.size() - pos_) return Corrupt("thrift list longer than the bytes left");
  return ThriftList{static_cast<ThriftType>(type), static_cast<uint32_t>(size)};
}

Result<int8_t> ThriftCompactReader::ReadByte() {
  if (pos_ >= data_.size()) return Corrupt("truncated thrift byte");
  return static_cast<int8_t>(data_[pos_++]);
}

Result<int16_t> ThriftCompactReader::ReadI16() {
  ASSIGN_OR_RETURN(uint64_t raw, ReadVarint(3));
  const int64_t v = UnZigZag(raw);
  if (v < INT16_MIN || v > INT16_MAX) return Corrupt("thrift i16 out of range");
  return static_cast<int16_t>(v);
}

Result<int32_t> ThriftCompactReader::ReadI32() {
  ASSIGN_OR_RETURN(uint64_t raw, ReadVarint(5));
  const int64_t v = UnZigZag(raw);
  if (v < INT32_MIN || v > INT32_MAX) return Corrupt("thrift i32 out of range");
  return static_cast<int32_t>(v);
}

Result<int64_t> ThriftCompactReader::ReadI64() {
  ASSIGN_OR_RETURN(uint64_t raw, ReadVarint(10));
  return UnZigZag(raw);
}

Result<double> ThriftCompactReader::ReadDouble() {
  if (data_.size() - pos_ < 8) return Corrupt("truncated thrift double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += 8;
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

Result<ByteSpan> ThriftCompactReader::ReadBinary() {
  ASSIGN_OR_RETURN(uint64_t size, ReadVarint(5));
  if (size > data_.size() - pos_) return Corrupt("thrift binary longer than the bytes left");
  const ByteSpan out = data_.subspan(pos_, size);
  pos_ += size;
  return out;
}

Result<std::string> ThriftCompactReader::ReadString() {
  ASSIGN_OR_RETURN(ByteSpan bytes, ReadBinary());
  return std::string(AsStringView(bytes));
}

Status ThriftCompactReader::SkipStructFields() {
  RETURN_IF_ERROR(BeginStruct());
  for (;;) {
    ASSIGN_OR_RETURN(ThriftField field, ReadFieldHeader());
    if (field.stop) break;
    RETURN_IF_ERROR(Skip(field.type));
  }
  EndStruct();
  return Status::Ok();
}

Status ThriftCompactReader::Skip(ThriftType type) {
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return Status::Ok();  // a field's value lives in its header
    case ThriftType::kByte:
      return ReadByte().status();
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      return ReadVarint(10).status();
    case ThriftType::kDouble:
      return ReadDouble().status();
    case ThriftType::kBinary:
      return ReadBinary().status();
    case ThriftType::kStruct:
      return SkipStructFields();
    case ThriftType::kList:
    case ThriftType::kSet: {
      ASSIGN_OR_RETURN(ThriftList list, ReadListHeader());
      // Bool elements are one byte each, unlike bool fields.
      const bool bools =
          list.element_type == ThriftType::kBoolTrue || list.element_type == ThriftType::kBoolFalse;
      if (last_field_ids_.size() >= kMaxDepth) return Corrupt("thrift lists nested too deep");
      last_field_ids_.push_back(0);  // counts towards the depth limit
      Status status;
      for (uint32_t i = 0; i < list.size && status.ok(); ++i) {
        status = bools ? ReadByte().status() : Skip(list.element_type);
      }
      last_field_ids_.pop_back();
      return status;
    }
    case ThriftType::kMap:
      return Corrupt("thrift maps are not used by Parquet");
  }
  return Corrupt("unknown thrift type");
}

}  // namespace pg2iceberg::parquet
