// DeserializeDeletionVector and DeserializeRoaring32 (deletion_vector.h).
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <string>

#include "iceberg/deletion_vector.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr uint32_t kCookieNoRunContainer = 12346;
constexpr uint32_t kCookieWithRuns = 12347;
constexpr size_t kNoOffsetThreshold = 4;
constexpr size_t kArrayContainerMax = 4096;
constexpr size_t kBitmapContainerBytes = 8192;
constexpr size_t kMaxContainers = 65536;
constexpr uint8_t kMagic[] = {0xD1, 0xD3, 0x39, 0x64};

Status Corrupt(const std::string& problem) {
  return Status::DataLoss("deletion vector corrupt: " + problem +
                          " (the Puffin file is damaged or not a deletion-vector-v1 blob)");
}

// Little-endian reads over the bitmap's bytes; each fails once the bytes run out.
class LeReader {
 public:
  explicit LeReader(ByteSpan bytes) : bytes_(bytes) {}
  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  template <typename T>
  bool Read(T* out) {
    if (remaining() < sizeof(T)) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<uint64_t>(bytes_[pos_ + i]) << (8 * i);
    pos_ += sizeof(T);
    *out = static_cast<T>(v);
    return true;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  ByteSpan bytes_;
  size_t pos_ = 0;
};

struct ContainerHeader {
  uint16_t key = 0;
  uint32_t cardinality = 0;
  bool run = false;
};

struct BitmapHeader {
  std::vector<ContainerHeader> containers;
  bool offsets = false;  // an offset header follows
  uint64_t cardinality = 0;
};

// The cookie, run flags and descriptive header.
Result<BitmapHeader> ReadHeaders(LeReader& r, uint64_t values_max) {
  uint32_t cookie = 0;
  if (!r.Read(&cookie)) return Corrupt("bitmap ends in its cookie");
  size_t count = 0;
  Bytes run_flags;
  const bool has_runs = (cookie & 0xFFFF) == kCookieWithRuns;
  if (has_runs) {
    count = (cookie >> 16) + 1;
    run_flags.resize((count + 7) / 8);
    for (std::byte& b : run_flags) {
      if (!r.Read(reinterpret_cast<uint8_t*>(&b))) return Corrupt("bitmap ends in its run flags");
    }
  } else if (cookie == kCookieNoRunContainer) {
    uint32_t n = 0;
    if (!r.Read(&n)) return Corrupt("bitmap ends in its container count");
    if (n > kMaxContainers) return Corrupt("more than 65536 containers");
    count = n;
  } else {
    return Corrupt("unknown Roaring cookie " + std::to_string(cookie));
  }
  if (count * 4 > r.remaining()) return Corrupt("container headers run past the blob");
  std::vector<ContainerHeader> headers(count);
  uint64_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    uint16_t card_minus_one = 0;
    if (!r.Read(&headers[i].key) || !r.Read(&card_minus_one)) {
      return Corrupt("bitmap ends in its container headers");
    }
    if (i > 0 && headers[i].key <= headers[i - 1].key) return Corrupt("keys not ascending");
    headers[i].cardinality = uint32_t{card_minus_one} + 1;
    headers[i].run = has_runs && (static_cast<uint8_t>(run_flags[i / 8]) >> (i % 8) & 1) != 0;
    total += headers[i].cardinality;
  }
  if (total > values_max) {
    return Corrupt("holds " + std::to_string(total) + " positions, more than the " +
                   std::to_string(values_max) + " allowed");
  }
  return BitmapHeader{std::move(headers), !has_runs || count >= kNoOffsetThreshold, total};
}

// The container's bytes after the run count (for run containers).
size_t ContainerBytes(const ContainerHeader& h, uint16_t runs) {
  if (h.run) return 4 * size_t{runs};
  return h.cardinality <= kArrayContainerMax ? 2 * size_t{h.cardinality} : kBitmapContainerBytes;
}

Status ReadArray(LeReader& r, const ContainerHeader& h, std::vector<uint32_t>* out) {
  const uint32_t high = uint32_t{h.key} << 16;
  for (uint32_t i = 0; i < h.cardinality; ++i) {
    uint16_t v = 0;
    if (!r.Read(&v)) return Corrupt("array container runs past the blob");
    const uint32_t value = high | v;
    if (i > 0 && value <= out->back()) return Corrupt("array container values not ascending");
    out->push_back(value);
  }
  return Status::Ok();
}

Status ReadBitmap(LeReader& r, const ContainerHeader& h, std::vector<uint32_t>* out) {
  const uint32_t high = uint32_t{h.key} << 16;
  const size_t before = out->size();
  for (uint32_t word = 0; word < kBitmapContainerBytes / 8; ++word) {
    uint64_t bits = 0;
    if (!r.Read(&bits)) return Corrupt("bitmap container runs past the blob");
    if (out->size() - before + std::popcount(bits) > h.cardinality) break;
    for (; bits != 0; bits &= bits - 1) {
      out->push_back(high | (word * 64 + static_cast<uint32_t>(std::countr_zero(bits))));
    }
  }
  if (out->size() - before != h.cardinality) {
    return Corrupt("bitmap container holds other than its header's cardinality");
  }
  return Status::Ok();
}

Status ReadRuns(LeReader& r, const ContainerHeader& h, uint16_t runs, std::vector<uint32_t>* out) {
  const uint32_t high = uint32_t{h.key} << 16;
  uint64_t total = 0;
  int64_t next_free = 0;  // runs must be ascending and not touch
  for (uint16_t i = 0; i < runs; ++i) {
    uint16_t start = 0;
    uint16_t length_minus_one = 0;
    if (!r.Read(&start) || !r.Read(&length_minus_one)) return Corrupt("run container too short");
    const uint32_t end = uint32_t{start} + length_minus_one;  // inclusive
    if (end > 0xFFFF || start < next_free) return Corrupt("run container runs overlap or wrap");
    total += uint64_t{length_minus_one} + 1;
    if (total > h.cardinality) return Corrupt("run container holds more than its cardinality");
    for (uint32_t v = start; v <= end; ++v) out->push_back(high | v);
    next_free = int64_t{end} + 2;
  }
  if (total != h.cardinality) return Corrupt("run container holds fewer than its cardinality");
  return Status::Ok();
}

// The offset header, when present: each container's byte offset from the bitmap's start.
Result<std::vector<uint32_t>> ReadOffsets(LeReader& r, size_t count, bool present) {
  std::vector<uint32_t> offsets;
  if (!present) return offsets;
  offsets.resize(count);
  for (uint32_t& offset : offsets) {
    if (!r.Read(&offset)) return Corrupt("bitmap ends in its offset header");
  }
  return offsets;
}

Status ReadContainer(LeReader& r, const ContainerHeader& h, std::vector<uint32_t>* out) {
  uint16_t runs = 0;
  if (h.run && !r.Read(&runs)) return Corrupt("run container ends in its run count");
  if (ContainerBytes(h, runs) > r.remaining()) return Corrupt("container runs past the blob");
  if (h.run) return ReadRuns(r, h, runs, out);
  if (h.cardinality <= kArrayContainerMax) return ReadArray(r, h, out);
  return ReadBitmap(r, h, out);
}

}  // namespace

Result<std::vector<uint32_t>> DeserializeRoaring32(ByteSpan bytes, uint64_t values_max,
                                                   size_t* consumed) {
  LeReader r(bytes);
  ASSIGN_OR_RETURN(BitmapHeader header, ReadHeaders(r, values_max));
  ASSIGN_OR_RETURN(std::vector<uint32_t> offsets,
                   ReadOffsets(r, header.containers.size(), header.offsets));
  std::vector<uint32_t> values;
  values.reserve(header.cardinality);
  for (size_t i = 0; i < header.containers.size(); ++i) {
    if (!offsets.empty() && offsets[i] != r.position()) {
      return Corrupt("container offset does not match its place");
    }
    RETURN_IF_ERROR(ReadContainer(r, header.containers[i], &values));
  }
  *consumed = r.position();
  return values;
}

namespace {

// The portable 64-bit layout: an 8-byte count of 32-bit bitmaps, then each after its 4-byte
// key (the positions' high 32 bits), keys strictly ascending and below 2^31 (positions are
// non-negative int64).
Result<std::vector<int64_t>> ReadPortable64(ByteSpan bytes, int64_t positions_max) {
  LeReader r(bytes);
  uint64_t count = 0;
  if (!r.Read(&count)) return Corrupt("vector ends in its bitmap count");
  // Each bitmap takes at least 12 bytes (key, cookie, container count).
  if (count > r.remaining() / 12) return Corrupt("bitmap count larger than the blob");
  std::vector<int64_t> positions;
  int64_t previous_key = -1;
  for (uint64_t b = 0; b < count; ++b) {
    uint32_t key = 0;
    if (!r.Read(&key)) return Corrupt("vector ends in a bitmap key");
    if (key > INT32_MAX) return Corrupt("position beyond the int64 range");
    if (int64_t{key} <= previous_key) return Corrupt("bitmap keys not ascending");
    previous_key = key;
    size_t consumed = 0;
    const uint64_t left = static_cast<uint64_t>(positions_max) - positions.size();
    ASSIGN_OR_RETURN(std::vector<uint32_t> low,
                     DeserializeRoaring32(bytes.subspan(r.position()), left, &consumed));
    if (!r.Skip(consumed)) return Corrupt("bitmap runs past the blob");
    for (uint32_t v : low) positions.push_back((int64_t{key} << 32) | v);
  }
  if (r.remaining() != 0) return Corrupt("bytes after the last bitmap");
  return positions;
}

}  // namespace

Result<std::vector<int64_t>> DeserializeDeletionVector(ByteSpan blob, int64_t positions_max) {
  if (positions_max < 0) positions_max = 0;
  if (blob.size() < 12) return Corrupt("blob of " + std::to_string(blob.size()) + " bytes");
  uint32_t length = 0;
  for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<uint8_t>(blob[i]);
  if (length != blob.size() - 8) {
    return Corrupt("length prefix " + std::to_string(length) + " does not match the blob's " +
                   std::to_string(blob.size()) + " bytes");
  }
  const ByteSpan checked = blob.subspan(4, length);
  for (int i = 0; i < 4; ++i) {
    if (static_cast<uint8_t>(checked[i]) != kMagic[i]) return Corrupt("magic bytes wrong");
  }
  uint32_t stored_crc = 0;
  for (int i = 0; i < 4; ++i)
    stored_crc = (stored_crc << 8) | static_cast<uint8_t>(blob[4 + length + i]);
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(checked.data()),
                          static_cast<uInt>(checked.size()));
  if (static_cast<uint32_t>(crc) != stored_crc) return Corrupt("CRC-32 mismatch");
  return ReadPortable64(checked.subspan(4), positions_max);
}

}  // namespace pg2iceberg::iceberg
