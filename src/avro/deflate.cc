#include "avro/deflate.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <string>

namespace pg2iceberg::avro {
namespace {

constexpr int kRawWindowBits = -15;  // negative: no zlib header or trailer
constexpr int kMemLevel = 8;         // zlib's default
constexpr size_t kChunkBytes = 64 * 1024;

Bytef* InputPointer(ByteSpan input) {
  // zlib's API is not const-correct; it never writes through next_in.
  return reinterpret_cast<Bytef*>(const_cast<std::byte*>(input.data()));
}

std::string ZlibMessage(const z_stream& stream, int code) {
  return stream.msg != nullptr ? stream.msg : "zlib code " + std::to_string(code);
}

// Inflates into `out` (from `start`) until the stream ends, fails, or passes the limit.
Status InflateLoop(z_stream& stream, size_t max_output_bytes, size_t start, Bytes* out) {
  while (true) {
    // One byte of room past the limit tells "ends exactly at the limit" from "goes past it".
    const size_t produced = out->size() - start;
    const size_t chunk = std::min(kChunkBytes, max_output_bytes + 1 - produced);
    out->resize(start + produced + chunk);
    stream.next_out = reinterpret_cast<Bytef*>(out->data() + start + produced);
    stream.avail_out = static_cast<uInt>(chunk);
    const int code = inflate(&stream, Z_NO_FLUSH);
    out->resize(start + produced + (chunk - stream.avail_out));
    if (out->size() - start > max_output_bytes) {
      return Status::DataLoss("deflate block inflates past " + std::to_string(max_output_bytes) +
                              " bytes");
    }
    // Bytes after the end of the stream are ignored, as Java's and Python's inflaters do:
    // PyIceberg cuts zlib's wrapper off with [2:-1], leaving 3 of the 4 checksum bytes behind.
    if (code == Z_STREAM_END) return Status::Ok();
    if (code != Z_OK) return Status::DataLoss("inflate failed: " + ZlibMessage(stream, code));
  }
}

}  // namespace

Status DeflateRaw(ByteSpan input, int level, Bytes* out) {
  if (level < -1 || level > 9) {
    return Status::InvalidArgument("deflate level " + std::to_string(level) + " outside -1..9");
  }
  if (input.size() > std::numeric_limits<uInt>::max()) {
    return Status::InvalidArgument("deflate input larger than 4 GiB");
  }
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, kRawWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Internal("deflateInit2 failed");
  }
  const size_t start = out->size();
  const size_t bound = deflateBound(&stream, static_cast<uLong>(input.size()));
  out->resize(start + bound);
  stream.next_in = InputPointer(input);
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out->data() + start);
  stream.avail_out = static_cast<uInt>(bound);
  const int code = deflate(&stream, Z_FINISH);
  const size_t written = bound - stream.avail_out;
  const std::string message = ZlibMessage(stream, code);
  deflateEnd(&stream);
  if (code != Z_STREAM_END) {
    out->resize(start);
    return Status::Internal("deflate failed: " + message);
  }
  out->resize(start + written);
  return Status::Ok();
}

Status InflateRaw(ByteSpan input, size_t max_output_bytes, Bytes* out) {
  if (input.size() > std::numeric_limits<uInt>::max()) {
    return Status::DataLoss("deflate block larger than 4 GiB");
  }
  z_stream stream{};
  if (inflateInit2(&stream, kRawWindowBits) != Z_OK) return Status::Internal("inflateInit2 failed");
  stream.next_in = InputPointer(input);
  stream.avail_in = static_cast<uInt>(input.size());
  const size_t start = out->size();
  Status status = InflateLoop(stream, max_output_bytes, start, out);
  inflateEnd(&stream);
  if (!status.ok()) out->resize(start);
  return status;
}

}  // namespace pg2iceberg::avro
