#include "avro/container_writer.h"

#include <utility>

#include "avro/deflate.h"
#include "avro/schema_declaration.h"

namespace pg2iceberg::avro {

Result<std::unique_ptr<ContainerWriter>> ContainerWriter::Create(Schema schema,
                                                                 ContainerWriterOptions options) {
  for (const auto& [key, value] : options.metadata) {
    if (key.starts_with("avro.")) {
      return Status::InvalidArgument("avro metadata key \"" + key + "\" is reserved");
    }
  }
  if (options.block_size_bytes == 0) return Status::InvalidArgument("avro block size is zero");
  if (options.deflate_level < -1 || options.deflate_level > 9) {
    return Status::InvalidArgument("deflate level " + std::to_string(options.deflate_level) +
                                   " outside -1..9");
  }
  auto writer =
      std::unique_ptr<ContainerWriter>(new ContainerWriter(std::move(schema), std::move(options)));
  writer->WriteHeader();
  return writer;
}

ContainerWriter::ContainerWriter(Schema schema, ContainerWriterOptions options)
    : schema_(std::move(schema)), options_(std::move(options)) {}

// The header's metadata is an Avro map<bytes>, written as one block.
void ContainerWriter::WriteHeader() {
  Encoder header;
  header.WriteFixed(AsBytes(kMagic));
  header.WriteBlockCount(int64_t(2 + options_.metadata.size()));
  header.WriteString(kSchemaKey);
  header.WriteString(RenderSchemaJson(schema_));
  header.WriteString(kCodecKey);
  header.WriteString(CodecName(options_.codec));
  for (const auto& [key, value] : options_.metadata) {
    header.WriteString(key);
    header.WriteString(value);
  }
  header.WriteEndOfBlocks();
  file_.Append(header.bytes());
  file_.Append(ByteSpan(reinterpret_cast<const std::byte*>(options_.sync_marker.data()),
                        options_.sync_marker.size()));
}

Status ContainerWriter::Append(const Datum& datum) {
  CHECK_MSG(!finished_, "ContainerWriter::Append after Finish");
  object_.Clear();
  RETURN_IF_ERROR(EncodeDatum(schema_, datum, object_));
  block_.WriteFixed(object_.bytes());
  ++block_objects_;
  ++total_objects_;
  if (block_.size() >= options_.block_size_bytes) return FlushBlock();
  return Status::Ok();
}

// A block: object count, byte size of the (compressed) objects, the objects, the sync marker.
Status ContainerWriter::FlushBlock() {
  if (block_objects_ == 0) return Status::Ok();
  Bytes data;
  if (options_.codec == Codec::kDeflate) {
    RETURN_IF_ERROR(DeflateRaw(block_.bytes(), options_.deflate_level, &data));
  } else {
    data = block_.bytes();
  }
  Encoder framing;
  framing.WriteLong(block_objects_);
  framing.WriteLong(int64_t(data.size()));
  file_.Append(framing.bytes());
  file_.Append(data);
  file_.Append(ByteSpan(reinterpret_cast<const std::byte*>(options_.sync_marker.data()),
                        options_.sync_marker.size()));
  block_.Clear();
  block_objects_ = 0;
  return Status::Ok();
}

Result<Bytes> ContainerWriter::Finish() {
  CHECK_MSG(!finished_, "ContainerWriter::Finish called twice");
  RETURN_IF_ERROR(FlushBlock());
  finished_ = true;
  return file_.Release();
}

}  // namespace pg2iceberg::avro
