// Reads an Avro object container file held in memory: parses the header (magic, metadata,
// writer schema, codec, sync marker), then yields data blocks or decoded objects in order.
// Objects are decoded with the writer's schema (no schema resolution).
//
// Errors: kDataLoss for anything malformed (bad magic, truncated header or block, a sync
// marker that does not match the header's, a block whose objects do not fill it exactly, an
// unparsable writer schema, a block inflating past the limit); kInvalidArgument for a codec we
// do not support. Never reads out of bounds. The file bytes must outlive the reader. Not
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "avro/datum.h"
#include "avro/object_container.h"
#include "avro/schema.h"
#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::avro {

struct ContainerReaderOptions {
  // Largest block accepted, after decompression. Default: 16 MiB (our writers close blocks
  // at 64 KiB, Avro's Java writer at 64,000 bytes).
  size_t max_block_bytes = 16 * 1024 * 1024;
};

// One data block: how many objects it holds and their encodings (decompressed).
struct ContainerBlock {
  int64_t object_count = 0;
  Bytes data;
};

class ContainerReader {
 public:
  static Result<ContainerReader> Open(ByteSpan file, ContainerReaderOptions options = {});

  const Schema& schema() const { return schema_; }
  std::string_view schema_json() const;
  Codec codec() const { return codec_; }
  // Every header entry, avro.schema and avro.codec included.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  std::optional<std::string_view> Metadata(std::string_view key) const;

  // Reads the next block into `out`; false at the end of the file.
  Result<bool> NextBlock(ContainerBlock* out);
  // Reads the next object into `out`; false at the end of the file. Do not mix with NextBlock.
  Result<bool> Next(Datum* out);

 private:
  ContainerReader(ByteSpan file, ContainerReaderOptions options) : file_(file), options_(options) {}
  Status ReadHeader();
  Status ReadMetadata(Decoder& decoder);

  ByteSpan file_;
  ContainerReaderOptions options_;
  size_t position_ = 0;  // start of the next block in file_
  std::map<std::string, std::string> metadata_;
  Schema schema_;
  Codec codec_ = Codec::kNull;
  SyncMarker sync_marker_{};
  // Next(): the current block and how much of it is still unread.
  ContainerBlock block_;
  size_t block_offset_ = 0;
  int64_t block_remaining_ = 0;
};

}  // namespace pg2iceberg::avro
