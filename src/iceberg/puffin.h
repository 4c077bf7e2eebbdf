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
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

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

// Reading (puffin_reader.cc): a blob's entry in the footer.
struct PuffinBlobMetadata {
  std::string type;
  std::vector<int32_t> fields;
  int64_t snapshot_id = -1;
  int64_t sequence_number = -1;
  int64_t offset = 0;
  int64_t length = 0;
  std::optional<std::string> compression_codec;  // absent: stored as is
  std::map<std::string, std::string> properties;
};

struct PuffinFooter {
  std::vector<PuffinBlobMetadata> blobs;
  std::map<std::string, std::string> properties;
};

// The footer of the Puffin file `file` (all of its bytes): checks the three magic numbers,
// the payload size and flags, and parses the JSON payload; every blob's offset and length
// must lie between the header magic and the footer. Errors: kDataLoss naming the part for a
// truncated or malformed file; kInvalidArgument for a compressed footer payload (flags bit 0;
// pg2iceberg writes and reads uncompressed footers only).
Result<PuffinFooter> ReadPuffinFooter(ByteSpan file);

// The bytes of the blob at [offset, offset + length) of `file` (from the footer, or from a
// manifest entry's content_offset and content_size_in_bytes), borrowed from `file`: kDataLoss
// unless that range lies between the header magic and the footer.
Result<ByteSpan> ReadPuffinBlob(ByteSpan file, int64_t offset, int64_t length);

}  // namespace pg2iceberg::iceberg
