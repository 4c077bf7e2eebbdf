// Decompress (compression.h).
#include <snappy.h>
#include <zstd.h>

#include <string>

#include "parquet/compression.h"

namespace pg2iceberg::parquet {
namespace {

Status SizeMismatch(std::string_view what, std::string_view codec, uint64_t declared,
                    size_t expected) {
  return Status::DataLoss(std::string(what) + ": " + std::string(codec) + " data holds " +
                          std::to_string(declared) + " bytes but the page header says " +
                          std::to_string(expected) + " (file corrupt)");
}

Status DecompressSnappy(ByteSpan input, size_t size, std::string_view what, Bytes* out) {
  const char* data = reinterpret_cast<const char*>(input.data());
  size_t declared = 0;
  if (!snappy::GetUncompressedLength(data, input.size(), &declared)) {
    return Status::DataLoss(std::string(what) + ": snappy preamble corrupt");
  }
  if (declared != size) return SizeMismatch(what, "snappy", declared, size);
  out->resize(size);
  if (!snappy::RawUncompress(data, input.size(), reinterpret_cast<char*>(out->data()))) {
    return Status::DataLoss(std::string(what) + ": snappy data corrupt");
  }
  return Status::Ok();
}

Status DecompressZstd(ByteSpan input, size_t size, std::string_view what, Bytes* out) {
  const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) {
    return Status::DataLoss(std::string(what) + ": zstd frame header corrupt");
  }
  // A frame without a content size is decompressed into the page header's size, no more.
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != size) {
    return SizeMismatch(what, "zstd", declared, size);
  }
  out->resize(size);
  const size_t written = ZSTD_decompress(out->data(), size, input.data(), input.size());
  if (ZSTD_isError(written)) {
    return Status::DataLoss(std::string(what) +
                            ": zstd data corrupt: " + ZSTD_getErrorName(written));
  }
  if (written != size) return SizeMismatch(what, "zstd", written, size);
  return Status::Ok();
}

}  // namespace

Status Decompress(Codec codec, ByteSpan input, size_t uncompressed_size, std::string_view what,
                  Bytes* out) {
  switch (codec) {
    case Codec::kUncompressed:
      if (input.size() != uncompressed_size) {
        return SizeMismatch(what, "uncompressed", input.size(), uncompressed_size);
      }
      out->assign(input.begin(), input.end());
      return Status::Ok();
    case Codec::kSnappy:
      return DecompressSnappy(input, uncompressed_size, what, out);
    case Codec::kZstd:
      return DecompressZstd(input, uncompressed_size, what, out);
  }
  return Status::Internal("unknown codec");
}

}  // namespace pg2iceberg::parquet
