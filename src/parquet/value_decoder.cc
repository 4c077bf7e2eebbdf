#include "parquet/value_decoder.h"

#include <cstring>
#include <string>

#include "parquet/rle_decoder.h"

namespace pg2iceberg::parquet {
namespace {

Status Truncated(std::string_view what, size_t decoded, size_t count) {
  return Status::DataLoss(std::string(what) + ": values end after " + std::to_string(decoded) +
                          " of " + std::to_string(count) + " (page corrupt)");
}

template <typename T>
Status DecodeFixed(ByteSpan data, size_t count, std::string_view what, std::vector<Scalar>* out) {
  if (data.size() / sizeof(T) < count) return Truncated(what, data.size() / sizeof(T), count);
  for (size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));  // little-endian host
    out->emplace_back(value);
  }
  return Status::Ok();
}

Status DecodeBooleans(ByteSpan data, size_t count, std::string_view what,
                      std::vector<Scalar>* out) {
  if (data.size() < (count + 7) / 8) return Truncated(what, data.size() * 8, count);
  for (size_t i = 0; i < count; ++i) {
    out->emplace_back(((static_cast<uint8_t>(data[i / 8]) >> (i % 8)) & 1) != 0);
  }
  return Status::Ok();
}

Status DecodeByteArrays(ByteSpan data, size_t count, std::string_view what,
                        std::vector<Scalar>* out) {
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    if (data.size() - pos < 4) return Truncated(what, i, count);
    uint32_t length = 0;
    for (int b = 0; b < 4; ++b) length |= static_cast<uint32_t>(data[pos + b]) << (8 * b);
    pos += 4;
    if (data.size() - pos < length) return Truncated(what, i, count);
    out->emplace_back(Bytes(data.begin() + pos, data.begin() + pos + length));
    pos += length;
  }
  return Status::Ok();
}

Status DecodeFixedLenByteArrays(ByteSpan data, size_t length, size_t count, std::string_view what,
                                std::vector<Scalar>* out) {
  if (data.size() / length < count) return Truncated(what, data.size() / length, count);
  for (size_t i = 0; i < count; ++i) {
    const auto begin = data.begin() + i * length;
    out->emplace_back(Bytes(begin, begin + length));
  }
  return Status::Ok();
}

}  // namespace

Status DecodePlain(ByteSpan data, const ColumnSpec& spec, size_t count, std::string_view what,
                   std::vector<Scalar>* out) {
  switch (spec.physical_type) {
    case PhysicalType::kBoolean:
      return DecodeBooleans(data, count, what, out);
    case PhysicalType::kInt32:
      return DecodeFixed<int32_t>(data, count, what, out);
    case PhysicalType::kInt64:
      return DecodeFixed<int64_t>(data, count, what, out);
    case PhysicalType::kFloat:
      return DecodeFixed<float>(data, count, what, out);
    case PhysicalType::kDouble:
      return DecodeFixed<double>(data, count, what, out);
    case PhysicalType::kByteArray:
      return DecodeByteArrays(data, count, what, out);
    case PhysicalType::kFixedLenByteArray:
      return DecodeFixedLenByteArrays(data, static_cast<size_t>(spec.type_length), count, what,
                                      out);
  }
  return Status::Internal("unknown physical type");
}

Status DecodeDictionaryIndices(ByteSpan data, const std::vector<Scalar>& dictionary, size_t count,
                               std::string_view what, std::vector<Scalar>* out) {
  if (count == 0) return Status::Ok();
  if (data.empty()) return Truncated(what, 0, count);
  const int bit_width = static_cast<uint8_t>(data[0]);
  std::vector<uint32_t> indices;
  indices.reserve(count);
  RETURN_IF_ERROR(DecodeRleHybrid(data.subspan(1), bit_width, count, what, &indices));
  for (uint32_t index : indices) {
    if (index >= dictionary.size()) {
      return Status::DataLoss(std::string(what) + ": dictionary index " + std::to_string(index) +
                              " outside the dictionary of " + std::to_string(dictionary.size()) +
                              " values (page corrupt)");
    }
    out->push_back(dictionary[index]);
  }
  return Status::Ok();
}

Status DecodeRleBooleans(ByteSpan data, size_t count, std::string_view what,
                         std::vector<Scalar>* out) {
  if (data.size() < 4) return Truncated(what, 0, count);
  uint32_t length = 0;
  for (int b = 0; b < 4; ++b) length |= static_cast<uint32_t>(data[b]) << (8 * b);
  if (length > data.size() - 4) return Truncated(what, 0, count);
  std::vector<uint32_t> bits;
  bits.reserve(count);
  RETURN_IF_ERROR(DecodeRleHybrid(data.subspan(4, length), 1, count, what, &bits));
  for (uint32_t bit : bits) out->emplace_back(bit != 0);
  return Status::Ok();
}

}  // namespace pg2iceberg::parquet
