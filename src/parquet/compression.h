// Page compression for the codecs pg2iceberg writes: none, Snappy (raw block format, as
// Parquet's SNAPPY codec requires) and Zstandard (a zstd frame).
#pragma once

#include <memory>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::parquet {

enum class Codec { kUncompressed, kSnappy, kZstd };

// Compresses pages one at a time, reusing its codec context. Not thread-safe; one per writer.
class Compressor {
 public:
  // `zstd_level` is used only by kZstd. kInvalidArgument when it is outside the library's
  // supported range; kInternal when the codec context cannot be created.
  static Result<std::unique_ptr<Compressor>> Create(Codec codec, int zstd_level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Appends the compressed form of `input` to `out` (a copy for kUncompressed).
  // kInternal if the codec library reports an error.
  Status Compress(ByteSpan input, Bytes* out);

  Codec codec() const { return codec_; }

 private:
  struct ZstdContext;
  Compressor(Codec codec, int zstd_level, std::unique_ptr<ZstdContext> zstd);

  Codec codec_;
  int zstd_level_;
  std::unique_ptr<ZstdContext> zstd_;
};

// Decompresses one page stored with `codec` into `out` (replacing its contents), which must
// come to exactly `uncompressed_size` bytes. The size is checked against what the compressed
// data declares before anything is allocated (Snappy's preamble, the zstd frame's content
// size), so a lying size cannot make the reader allocate beyond it. kDataLoss naming `what`
// for corrupt data or a size mismatch.
Status Decompress(Codec codec, ByteSpan input, size_t uncompressed_size, std::string_view what,
                  Bytes* out);

}  // namespace pg2iceberg::parquet
