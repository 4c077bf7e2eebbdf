#include "parquet/rle_decoder.h"

#include <algorithm>
#include <string>

namespace pg2iceberg::parquet {
namespace {

class HybridReader {
 public:
  HybridReader(ByteSpan data, int bit_width, std::string_view what)
      : data_(data), bit_width_(bit_width), what_(what) {}

  Status Decode(size_t count, std::vector<uint32_t>* out) {
    while (count > 0) {
      ASSIGN_OR_RETURN(uint64_t header, ReadVarint());
      const size_t produced =
          (header & 1) ? BitPackedRun(header >> 1, count, out) : RleRun(header >> 1, count, out);
      if (produced == kBad) return Corrupt("run runs past the end of the data");
      if (produced == 0) return Corrupt("empty run");
      count -= produced;
    }
    return Status::Ok();
  }

 private:
  static constexpr size_t kBad = SIZE_MAX;

  Status Corrupt(std::string_view problem) const {
    return Status::DataLoss(
        std::string(what_) + ": RLE/bit-packed data corrupt: " + std::string(problem) +
        " (at byte " + std::to_string(pos_) + " of " + std::to_string(data_.size()) + ")");
  }

  Result<uint64_t> ReadVarint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return Corrupt("data ends before all values");
      const auto b = static_cast<uint8_t>(data_[pos_++]);
      value |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return value;
    }
    return Corrupt("run header varint too long");
  }

  size_t RleRun(uint64_t run, size_t wanted, std::vector<uint32_t>* out) {
    const size_t value_bytes = (static_cast<size_t>(bit_width_) + 7) / 8;
    if (data_.size() - pos_ < value_bytes) return kBad;
    uint32_t value = 0;
    for (size_t i = 0; i < value_bytes; ++i) {
      value |= static_cast<uint32_t>(data_[pos_ + i]) << (8 * i);
    }
    pos_ += value_bytes;
    if (bit_width_ < 32 && (value >> bit_width_) != 0) return kBad;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(run, wanted));
    out->insert(out->end(), n, value);
    return n;
  }

  size_t BitPackedRun(uint64_t groups, size_t wanted, std::vector<uint32_t>* out) {
    if (groups > (SIZE_MAX / 8) / 32) return kBad;
    const size_t declared_bytes = static_cast<size_t>(groups) * static_cast<size_t>(bit_width_);
    const size_t bytes = std::min(declared_bytes, data_.size() - pos_);
    size_t n = static_cast<size_t>(std::min<uint64_t>(groups * 8, wanted));
    if (bit_width_ > 0) n = std::min(n, bytes * 8 / static_cast<size_t>(bit_width_));
    if (n == 0) return kBad;
    const ByteSpan packed = data_.subspan(pos_, bytes);
    for (size_t i = 0; i < n; ++i) out->push_back(Unpack(packed, i));
    pos_ += bytes;
    return n;
  }

  uint32_t Unpack(ByteSpan packed, size_t index) const {
    const size_t bit = index * static_cast<size_t>(bit_width_);
    uint64_t word = 0;
    const size_t first = bit / 8;
    for (size_t i = 0; i < 5 && first + i < packed.size(); ++i) {
      word |= static_cast<uint64_t>(packed[first + i]) << (8 * i);
    }
    const uint64_t mask = (uint64_t{1} << bit_width_) - 1;
    return static_cast<uint32_t>((word >> (bit % 8)) & mask);
  }

  ByteSpan data_;
  int bit_width_;
  std::string_view what_;
  size_t pos_ = 0;
};

}  // namespace

Status DecodeRleHybrid(ByteSpan data, int bit_width, size_t count, std::string_view what,
                       std::vector<uint32_t>* out) {
  if (bit_width < 0 || bit_width > 32) {
    return Status::DataLoss(std::string(what) + ": bit width " + std::to_string(bit_width) +
                            " outside 0..32");
  }
  HybridReader reader(data, bit_width, what);
  return reader.Decode(count, out);
}

}  // namespace pg2iceberg::parquet
