#include "iceberg/deletion_vector.h"

#include <zlib.h>

#include <string>

namespace pg2iceberg::iceberg {
namespace {

// RoaringFormatSpec cookies.
constexpr uint32_t kCookieNoRunContainer = 12346;
constexpr uint32_t kCookieWithRuns = 12347;
// With run containers, the offset header is written only from this many containers on.
constexpr size_t kNoOffsetThreshold = 4;
// An array container holds at most this many values; more make a bitmap container.
constexpr size_t kArrayContainerMax = 4096;
constexpr size_t kBitmapContainerBytes = 8192;

constexpr std::byte kMagic[] = {std::byte{0xD1}, std::byte{0xD3}, std::byte{0x39}, std::byte{0x64}};

// The values of one container (one high 16-bit key) and the form it is written in.
struct Container {
  uint16_t key = 0;
  std::vector<uint16_t> values;
  std::vector<std::pair<uint16_t, uint16_t>> runs;  // (start, length - 1)
  bool as_run = false;

  size_t PlainBytes() const {
    return values.size() <= kArrayContainerMax ? 2 * values.size() : kBitmapContainerBytes;
  }
  size_t RunBytes() const { return 2 + 4 * runs.size(); }
  size_t Bytes() const { return as_run ? RunBytes() : PlainBytes(); }
};

std::vector<Container> SplitIntoContainers(std::span<const uint32_t> values) {
  std::vector<Container> containers;
  for (uint32_t v : values) {
    const auto key = static_cast<uint16_t>(v >> 16);
    const auto low = static_cast<uint16_t>(v);
    if (containers.empty() || containers.back().key != key) containers.push_back({key});
    Container& c = containers.back();
    if (!c.runs.empty() && c.runs.back().first + c.runs.back().second + 1 == low) {
      ++c.runs.back().second;
    } else {
      c.runs.push_back({low, 0});
    }
    c.values.push_back(low);
  }
  for (Container& c : containers) c.as_run = c.RunBytes() < c.PlainBytes();
  return containers;
}

void WriteContainer(const Container& c, ByteWriter& out) {
  if (c.as_run) {
    out.AppendLittleEndian<uint16_t>(static_cast<uint16_t>(c.runs.size()));
    for (const auto& [start, length_minus_one] : c.runs) {
      out.AppendLittleEndian<uint16_t>(start);
      out.AppendLittleEndian<uint16_t>(length_minus_one);
    }
  } else if (c.values.size() <= kArrayContainerMax) {
    for (uint16_t v : c.values) out.AppendLittleEndian<uint16_t>(v);
  } else {
    uint64_t words[kBitmapContainerBytes / 8] = {};
    for (uint16_t v : c.values) words[v / 64] |= uint64_t{1} << (v % 64);
    for (uint64_t w : words) out.AppendLittleEndian<uint64_t>(w);
  }
}

}  // namespace

Bytes SerializeRoaring32(std::span<const uint32_t> values) {
  const std::vector<Container> containers = SplitIntoContainers(values);
  const size_t n = containers.size();
  bool has_run = false;
  for (const Container& c : containers) has_run = has_run || c.as_run;

  ByteWriter out;
  if (has_run) {
    out.AppendLittleEndian<uint32_t>(kCookieWithRuns | (static_cast<uint32_t>(n - 1) << 16));
    Bytes flags((n + 7) / 8, std::byte{0});
    for (size_t i = 0; i < n; ++i) {
      if (containers[i].as_run) flags[i / 8] |= static_cast<std::byte>(1u << (i % 8));
    }
    out.Append(flags);
  } else {
    out.AppendLittleEndian<uint32_t>(kCookieNoRunContainer);
    out.AppendLittleEndian<uint32_t>(static_cast<uint32_t>(n));
  }
  for (const Container& c : containers) {
    out.AppendLittleEndian<uint16_t>(c.key);
    out.AppendLittleEndian<uint16_t>(static_cast<uint16_t>(c.values.size() - 1));
  }
  if (!has_run || n >= kNoOffsetThreshold) {
    size_t offset = out.size() + 4 * n;
    for (const Container& c : containers) {
      out.AppendLittleEndian<uint32_t>(static_cast<uint32_t>(offset));
      offset += c.Bytes();
    }
  }
  for (const Container& c : containers) WriteContainer(c, out);
  return out.Release();
}

Result<Bytes> SerializeDeletionVector(std::span<const int64_t> positions) {
  if (positions.empty())
    return Status::InvalidArgument("a deletion vector needs at least one position");
  for (size_t i = 0; i < positions.size(); ++i) {
    if (positions[i] < 0 || (i > 0 && positions[i] <= positions[i - 1])) {
      return Status::InvalidArgument(
          "deletion vector positions must be non-negative and strictly ascending (at " +
          std::to_string(i) + ": " + std::to_string(positions[i]) + ")");
    }
  }
  // One 32-bit bitmap per distinct high 32 bits.
  ByteWriter vector;
  std::vector<std::pair<uint32_t, Bytes>> bitmaps;
  std::vector<uint32_t> low;
  for (size_t i = 0; i < positions.size();) {
    const auto key = static_cast<uint32_t>(static_cast<uint64_t>(positions[i]) >> 32);
    low.clear();
    for (; i < positions.size() &&
           static_cast<uint32_t>(static_cast<uint64_t>(positions[i]) >> 32) == key;
         ++i) {
      low.push_back(static_cast<uint32_t>(positions[i]));
    }
    bitmaps.emplace_back(key, SerializeRoaring32(low));
  }
  vector.AppendLittleEndian<uint64_t>(bitmaps.size());
  for (const auto& [key, bitmap] : bitmaps) {
    vector.AppendLittleEndian<uint32_t>(key);
    vector.Append(bitmap);
  }

  ByteWriter blob;
  blob.AppendBigEndian<uint32_t>(static_cast<uint32_t>(sizeof kMagic + vector.size()));
  const size_t checked_from = blob.size();
  blob.Append(ByteSpan(kMagic));
  blob.Append(vector.bytes());
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(blob.bytes().data() + checked_from),
              static_cast<uInt>(blob.size() - checked_from));
  blob.AppendBigEndian<uint32_t>(static_cast<uint32_t>(crc));
  return blob.Release();
}

}  // namespace pg2iceberg::iceberg
