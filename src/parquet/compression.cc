#include "parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

#include <string>

namespace pg2iceberg::parquet {

struct Compressor::ZstdContext {
  ZSTD_CCtx* context = nullptr;
  ~ZstdContext() { ZSTD_freeCCtx(context); }
};

Compressor::Compressor(Codec codec, int zstd_level, std::unique_ptr<ZstdContext> zstd)
    : codec_(codec), zstd_level_(zstd_level), zstd_(std::move(zstd)) {}

Compressor::~Compressor() = default;

Result<std::unique_ptr<Compressor>> Compressor::Create(Codec codec, int zstd_level) {
  std::unique_ptr<ZstdContext> zstd;
  if (codec == Codec::kZstd) {
    if (zstd_level < ZSTD_minCLevel() || zstd_level > ZSTD_maxCLevel()) {
      return Status::InvalidArgument("zstd level " + std::to_string(zstd_level) + " outside [" +
                                     std::to_string(ZSTD_minCLevel()) + ", " +
                                     std::to_string(ZSTD_maxCLevel()) + "]");
    }
    zstd = std::make_unique<ZstdContext>();
    zstd->context = ZSTD_createCCtx();
    if (zstd->context == nullptr) return Status::Internal("ZSTD_createCCtx failed");
  }
  return std::unique_ptr<Compressor>(new Compressor(codec, zstd_level, std::move(zstd)));
}

Status Compressor::Compress(ByteSpan input, Bytes* out) {
  const size_t start = out->size();
  switch (codec_) {
    case Codec::kUncompressed:
      out->insert(out->end(), input.begin(), input.end());
      return Status::Ok();
    case Codec::kSnappy: {
      out->resize(start + snappy::MaxCompressedLength(input.size()));
      size_t written = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(input.data()), input.size(),
                          reinterpret_cast<char*>(out->data() + start), &written);
      out->resize(start + written);
      return Status::Ok();
    }
    case Codec::kZstd: {
      out->resize(start + ZSTD_compressBound(input.size()));
      const size_t written =
          ZSTD_compressCCtx(zstd_->context, out->data() + start, out->size() - start, input.data(),
                            input.size(), zstd_level_);
      if (ZSTD_isError(written)) {
        out->resize(start);
        return Status::Internal(std::string("zstd compression failed: ") +
                                ZSTD_getErrorName(written));
      }
      out->resize(start + written);
      return Status::Ok();
    }
  }
  return Status::Internal("unknown codec");
}

}  // namespace pg2iceberg::parquet
