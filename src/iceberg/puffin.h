// Puffin files (Iceberg's container for blobs such as deletion vectors), as the Puffin spec
// lays them out:
//
//   "PFA1"  blob₁ … blobₙ  "PFA1" FooterPayload FooterPayloadSize Flags "PFA1"
//
// FooterPayload is uncompressed UTF-8 JSON: {"blobs": [BlobMetadata…], "properties":
// {"created-by": …}}; each BlobMetadata has type, fields, snapshot-id, sequence-number, offset,
// length and properties (no compression-codec: blobs are stored as given). FooterPayloadSize is
// a 4-byte little-endian signed integer; Flags are four zero bytes (payload not compressed).
// Pure: the file is produced as bytes; the caller stores it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace pg2iceberg::iceberg {

struct PuffinBlob {
  std::string type;  // e.g. kDeletionVectorBlobType
  std::vector<int> fields;
  // -1 for blobs whose snapshot is not known when the file is written (deletion vectors).
  int64_t snapshot_id = -1;
  int64_t sequence_number = -1;
  Bytes bytes;
  std::map<std::string, std::string> properties;
};

// Where a blob landed: what manifests record as content_offset / content_size_in_bytes.
struct PuffinBlobLocation {
  int64_t offset = 0;
  int64_t length = 0;
};

struct PuffinFile {
  Bytes bytes;
  std::vector<PuffinBlobLocation> blobs;  // in the order given
};

PuffinFile WritePuffin(const std::vector<PuffinBlob>& blobs, const std::string& created_by);

}  // namespace pg2iceberg::iceberg
