#include "avro/container_reader.h"

#include <cstring>
#include <string>
#include <utility>

#include "avro/binary_decoder.h"
#include "avro/deflate.h"
#include "avro/schema_declaration.h"

namespace pg2iceberg::avro {
namespace {

// Objects of a schema that may encode to zero bytes are not bounded by the block's size.
constexpr int64_t kMaxEmptyObjectsPerBlock = int64_t{1} << 20;

Status Corrupt(std::string_view what) {
  return Status::DataLoss("avro container: " + std::string(what));
}

bool SameMarker(ByteSpan bytes, const SyncMarker& marker) {
  return bytes.size() == marker.size() &&
         std::memcmp(bytes.data(), marker.data(), marker.size()) == 0;
}

}  // namespace

Result<ContainerReader> ContainerReader::Open(ByteSpan file, ContainerReaderOptions options) {
  ContainerReader reader(file, options);
  RETURN_IF_ERROR(reader.ReadHeader());
  return reader;
}

std::string_view ContainerReader::schema_json() const { return *Metadata(kSchemaKey); }

std::optional<std::string_view> ContainerReader::Metadata(std::string_view key) const {
  auto it = metadata_.find(std::string(key));
  if (it == metadata_.end()) return std::nullopt;
  return it->second;
}

Status ContainerReader::ReadHeader() {
  Decoder decoder(file_);
  Result<ByteSpan> magic = decoder.ReadFixed(kMagic.size());
  if (!magic.ok() || AsStringView(*magic) != kMagic) return Corrupt("bad magic");
  RETURN_IF_ERROR(ReadMetadata(decoder));
  ASSIGN_OR_RETURN(const ByteSpan sync, decoder.ReadFixed(kSyncMarkerBytes));
  std::memcpy(sync_marker_.data(), sync.data(), kSyncMarkerBytes);
  position_ = decoder.position();

  std::optional<std::string_view> schema = Metadata(kSchemaKey);
  if (!schema) return Corrupt("header has no avro.schema");
  Result<Schema> parsed = ParseSchemaJson(*schema);
  if (!parsed.ok()) return Corrupt("writer schema: " + parsed.status().message());
  schema_ = std::move(parsed).value();

  std::optional<std::string_view> codec_name = Metadata(kCodecKey);
  std::optional<Codec> codec = CodecFromName(codec_name.value_or("null"));
  if (!codec) {
    return Status::InvalidArgument("avro container: unsupported codec \"" +
                                   std::string(*codec_name) + "\"");
  }
  codec_ = *codec;
  return Status::Ok();
}

// The metadata is a map<bytes> in one or more blocks.
Status ContainerReader::ReadMetadata(Decoder& decoder) {
  while (true) {
    ASSIGN_OR_RETURN(const int64_t count, decoder.ReadBlockCount());
    if (count == 0) return Status::Ok();
    if (uint64_t(count) > decoder.remaining()) return Corrupt("metadata count too large");
    for (int64_t i = 0; i < count; ++i) {
      ASSIGN_OR_RETURN(const std::string_view key, decoder.ReadString());
      ASSIGN_OR_RETURN(const ByteSpan value, decoder.ReadBytes());
      if (!metadata_.emplace(std::string(key), std::string(AsStringView(value))).second) {
        return Corrupt("duplicate metadata key \"" + std::string(key) + "\"");
      }
    }
  }
}

Result<bool> ContainerReader::NextBlock(ContainerBlock* out) {
  if (position_ == file_.size()) return false;
  Decoder decoder(file_.subspan(position_));
  ASSIGN_OR_RETURN(const int64_t count, decoder.ReadLong());
  ASSIGN_OR_RETURN(const int64_t size, decoder.ReadLong());
  if (count < 0 || size < 0 || uint64_t(size) > decoder.remaining()) {
    return Corrupt("bad block framing");
  }
  ASSIGN_OR_RETURN(const ByteSpan data, decoder.ReadFixed(size_t(size)));
  Result<ByteSpan> sync = decoder.ReadFixed(kSyncMarkerBytes);
  if (!sync.ok() || !SameMarker(*sync, sync_marker_)) return Corrupt("sync marker mismatch");

  out->object_count = count;
  out->data.clear();
  if (codec_ == Codec::kDeflate) {
    Status inflated = InflateRaw(data, options_.max_block_bytes, &out->data);
    if (!inflated.ok()) return inflated.WithContext("avro container block");
  } else {
    if (data.size() > options_.max_block_bytes) return Corrupt("block larger than the limit");
    out->data.assign(data.begin(), data.end());
  }
  const int64_t max_objects =
      schema_.CanEncodeEmpty() ? kMaxEmptyObjectsPerBlock : int64_t(out->data.size());
  if (count > max_objects) return Corrupt("block object count exceeds its bytes");
  position_ += decoder.position();
  return true;
}

Result<bool> ContainerReader::Next(Datum* out) {
  while (block_remaining_ == 0) {
    ASSIGN_OR_RETURN(const bool more, NextBlock(&block_));
    if (!more) return false;
    block_offset_ = 0;
    block_remaining_ = block_.object_count;
    if (block_remaining_ == 0 && !block_.data.empty()) return Corrupt("bytes in an empty block");
  }
  Decoder decoder(ByteSpan(block_.data).subspan(block_offset_));
  Result<Datum> datum = DecodeDatum(schema_, decoder);
  if (!datum.ok()) return datum.status().WithContext("avro container object");
  *out = std::move(datum).value();
  block_offset_ += decoder.position();
  --block_remaining_;
  if (block_remaining_ == 0 && block_offset_ != block_.data.size()) {
    return Corrupt("block has bytes after its last object");
  }
  return true;
}

}  // namespace pg2iceberg::avro
