// Writes an Avro object container file in memory: header (magic, metadata map with avro.schema,
// avro.codec and the caller's keys, sync marker), then data blocks of encoded objects, each
// followed by the sync marker. A block is closed once its encoded objects reach
// `block_size_bytes`, and at Finish(). The whole file is returned by Finish(); callers that
// write manifests or similar small files put it to the object store in one piece.
//
// The sync marker is supplied by the caller (from the Env's Random), so the same inputs give
// the same bytes. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "avro/binary_encoder.h"
#include "avro/datum.h"
#include "avro/object_container.h"
#include "avro/schema.h"
#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg::avro {

struct ContainerWriterOptions {
  Codec codec = Codec::kDeflate;
  int deflate_level = -1;  // zlib level: -1 (zlib's default, 6) or 0..9
  // A block is closed when its uncompressed objects reach this size. Default: 64 KiB.
  size_t block_size_bytes = 64 * 1024;
  SyncMarker sync_marker{};
  // Extra header metadata. Keys starting with "avro." are reserved. Written in key order after
  // avro.schema and avro.codec.
  std::map<std::string, std::string> metadata;
};

class ContainerWriter {
 public:
  // kInvalidArgument for a reserved metadata key, a zero block size or a bad deflate level.
  static Result<std::unique_ptr<ContainerWriter>> Create(Schema schema,
                                                         ContainerWriterOptions options);

  // Encodes `datum` as the next object. kInvalidArgument if it does not match the schema (the
  // object is then not written); kInternal if compression fails.
  Status Append(const Datum& datum);
  // Closes the last block and returns the file. The writer must not be used afterwards.
  Result<Bytes> Finish();

  const Schema& schema() const { return schema_; }
  int64_t object_count() const { return total_objects_; }

 private:
  ContainerWriter(Schema schema, ContainerWriterOptions options);
  void WriteHeader();
  Status FlushBlock();

  Schema schema_;
  ContainerWriterOptions options_;
  ByteWriter file_;
  Encoder block_;
  Encoder object_;
  int64_t block_objects_ = 0;
  int64_t total_objects_ = 0;
  bool finished_ = false;
};

}  // namespace pg2iceberg::avro
