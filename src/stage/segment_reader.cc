// ReadSegmentDirectory and DecodeBlock: the decoding half of segment.h. Every field read from a
// segment is checked before it is used; see docs/staging-segment.md for what readers verify.
#include <zstd.h>

#include <unordered_set>

#include "base/crc32c.h"
#include "stage/segment.h"

namespace pg2iceberg::stage {
namespace {

using change::CodecReader;

// The smallest directory entry: empty name, relid, offset, length, three one-byte varints.
constexpr size_t kMinDirectoryEntryBytes = 1 + 4 + 8 + 8 + 1 + 1 + 1;
// The smallest change: commit marker, kind, schema index, old row kind.
constexpr size_t kMinChangeBytes = 4;
constexpr size_t kFrameChecksumOffset = 9;

Status CheckHeader(ByteSpan segment) {
  CodecReader reader(segment, "segment header");
  ASSIGN_OR_RETURN(ByteSpan magic, reader.ReadBytes(kSegmentMagic.size(), "magic"));
  if (AsStringView(magic) != kSegmentMagic) {
    return Status::DataLoss("not a pg2iceberg staging segment: the magic bytes do not match");
  }
  ASSIGN_OR_RETURN(uint16_t version, reader.ReadU16("format version"));
  if (version > kSegmentFormatVersion) {
    return Status::DataLoss("segment format version " + std::to_string(version) +
                            " is newer than this pg2iceberg reads (up to " +
                            std::to_string(kSegmentFormatVersion) + "): upgrade pg2iceberg");
  }
  if (version == 0) return Status::DataLoss("segment format version 0 is not valid");
  ASSIGN_OR_RETURN(uint16_t flags, reader.ReadU16("flags"));
  if (flags != 0) {
    return Status::DataLoss("segment header has unknown flags " + std::to_string(flags));
  }
  return Status::Ok();
}

// The directory bytes, located from the trailer and checked against its checksum.
Result<ByteSpan> LocateDirectory(ByteSpan segment) {
  CodecReader trailer(segment.last(kSegmentTrailerBytes), "segment trailer");
  ASSIGN_OR_RETURN(uint32_t checksum, trailer.ReadU32("directory checksum"));
  ASSIGN_OR_RETURN(uint32_t length, trailer.ReadU32("directory length"));
  ASSIGN_OR_RETURN(ByteSpan magic, trailer.ReadBytes(kSegmentEndMagic.size(), "end magic"));
  if (AsStringView(magic) != kSegmentEndMagic) {
    return Status::DataLoss("segment does not end with its end magic: truncated or overwritten");
  }
  const size_t available = segment.size() - kSegmentHeaderBytes - kSegmentTrailerBytes;
  if (length > available) {
    return Status::DataLoss("segment directory length " + std::to_string(length) + " exceeds the " +
                            std::to_string(available) + " bytes available");
  }
  const ByteSpan directory =
      segment.subspan(segment.size() - kSegmentTrailerBytes - length, length);
  if (Crc32c(directory) != checksum) return Status::DataLoss("segment directory checksum mismatch");
  return directory;
}

Result<BlockInfo> DecodeBlockInfo(CodecReader& reader) {
  BlockInfo block;
  ASSIGN_OR_RETURN(block.table, reader.ReadString("table name"));
  ASSIGN_OR_RETURN(block.relid, reader.ReadU32("relid"));
  ASSIGN_OR_RETURN(block.offset, reader.ReadU64("block offset"));
  ASSIGN_OR_RETURN(block.length, reader.ReadU64("block length"));
  ASSIGN_OR_RETURN(block.change_count, reader.ReadVarint("change count"));
  ASSIGN_OR_RETURN(block.first_commit_lsn, reader.ReadVarint("first commit lsn"));
  ASSIGN_OR_RETURN(block.last_commit_lsn, reader.ReadVarint("last commit lsn"));
  return block;
}

// Blocks lie back to back from the header to the directory, one per relid, none empty.
Status CheckBlockPlacement(const std::vector<BlockInfo>& blocks, uint64_t directory_offset) {
  uint64_t expected = kSegmentHeaderBytes;
  std::unordered_set<uint32_t> relids;
  for (const BlockInfo& block : blocks) {
    const std::string which = "segment block of " + block.table;
    if (block.offset != expected || block.length < kBlockFrameBytes ||
        block.length > directory_offset - block.offset) {
      return Status::DataLoss(which + " at [" + std::to_string(block.offset) + ", +" +
                              std::to_string(block.length) + ") is out of place");
    }
    if (block.change_count == 0) return Status::DataLoss(which + " has no changes");
    if (!relids.insert(block.relid).second) {
      return Status::DataLoss(which + " repeats relid " + std::to_string(block.relid));
    }
    expected += block.length;
  }
  if (expected != directory_offset) {
    return Status::DataLoss("segment has " + std::to_string(directory_offset - expected) +
                            " bytes between its last block and its directory");
  }
  return Status::Ok();
}

Result<Bytes> Decompress(ByteSpan stored, uint32_t uncompressed_length) {
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  if (uncompressed_length == 0 || size != uncompressed_length) {
    return Status::DataLoss("segment block zstd frame does not hold the " +
                            std::to_string(uncompressed_length) + " bytes its frame declares");
  }
  Bytes payload(uncompressed_length);
  const size_t written =
      ZSTD_decompress(payload.data(), payload.size(), stored.data(), stored.size());
  if (ZSTD_isError(written) || written != payload.size()) {
    return Status::DataLoss(std::string("segment block zstd data is corrupt: ") +
                            (ZSTD_isError(written) ? ZSTD_getErrorName(written) : "short"));
  }
  return payload;
}

// The block's payload, after checking its frame and checksum.
Result<Bytes> Unframe(ByteSpan block) {
  CodecReader frame(block, "segment block frame");
  ASSIGN_OR_RETURN(uint8_t compression, frame.ReadU8("compression"));
  ASSIGN_OR_RETURN(uint32_t uncompressed_length, frame.ReadU32("uncompressed length"));
  ASSIGN_OR_RETURN(uint32_t stored_length, frame.ReadU32("stored length"));
  ASSIGN_OR_RETURN(uint32_t checksum, frame.ReadU32("checksum"));
  if (stored_length != frame.remaining()) {
    return Status::DataLoss("segment block frame declares " + std::to_string(stored_length) +
                            " stored bytes but " + std::to_string(frame.remaining()) + " follow");
  }
  const ByteSpan stored = block.subspan(kBlockFrameBytes);
  if (Crc32c(stored, Crc32c(block.first(kFrameChecksumOffset))) != checksum) {
    return Status::DataLoss("segment block checksum mismatch");
  }
  if (compression == kCompressionZstd) return Decompress(stored, uncompressed_length);
  if (compression != kCompressionNone) {
    return Status::DataLoss("segment block has unknown compression " + std::to_string(compression));
  }
  if (uncompressed_length != stored_length) {
    return Status::DataLoss("uncompressed segment block declares two different lengths");
  }
  return Bytes(stored.begin(), stored.end());
}

Result<std::vector<change::SchemaPtr>> DecodeBlockSchemas(CodecReader& reader) {
  ASSIGN_OR_RETURN(std::vector<change::SchemaPtr> schemas, change::DecodeSchemaList(reader));
  if (schemas.empty()) return reader.Corrupt("block without a schema");
  for (const change::SchemaPtr& schema : schemas) {
    if (schema->relid != schemas[0]->relid) {
      return reader.Corrupt("block mixes relids " + std::to_string(schemas[0]->relid) + " and " +
                            std::to_string(schema->relid));
    }
  }
  return schemas;
}

Result<std::vector<StagedChange>> DecodePayload(ByteSpan payload) {
  CodecReader reader(payload, "segment block");
  ASSIGN_OR_RETURN(std::vector<change::SchemaPtr> schemas, DecodeBlockSchemas(reader));
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("change count", kMinChangeBytes));
  if (count == 0) return reader.Corrupt("block without changes");
  std::vector<StagedChange> changes;
  changes.reserve(count);
  change::CommitInfo commit;
  for (uint64_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(uint8_t marker, reader.ReadU8("commit marker"));
    if (marker == kCommitNew) {
      ASSIGN_OR_RETURN(commit, change::DecodeCommitInfo(reader));
    } else if (marker != kCommitSame || i == 0) {
      return reader.Corrupt("commit marker " + std::to_string(marker) + " for change " +
                            std::to_string(i));
    }
    ASSIGN_OR_RETURN(change::RowChange row_change, change::DecodeRowChange(reader, schemas));
    changes.push_back(StagedChange{.commit = commit, .change = std::move(row_change)});
  }
  if (!reader.at_end()) return reader.Corrupt("trailing bytes after the last change");
  return changes;
}

}  // namespace

Result<std::vector<BlockInfo>> ReadSegmentDirectory(ByteSpan segment) {
  if (segment.size() < kSegmentHeaderBytes + kSegmentTrailerBytes) {
    return Status::DataLoss("segment of " + std::to_string(segment.size()) +
                            " bytes is shorter than a header and trailer: truncated");
  }
  RETURN_IF_ERROR(CheckHeader(segment));
  ASSIGN_OR_RETURN(ByteSpan directory, LocateDirectory(segment));
  CodecReader reader(directory, "segment directory");
  ASSIGN_OR_RETURN(uint64_t count, reader.ReadCount("block count", kMinDirectoryEntryBytes));
  std::vector<BlockInfo> blocks;
  blocks.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(BlockInfo block, DecodeBlockInfo(reader));
    blocks.push_back(std::move(block));
  }
  if (!reader.at_end()) return reader.Corrupt("trailing bytes after the last entry");
  const uint64_t directory_offset = segment.size() - kSegmentTrailerBytes - directory.size();
  RETURN_IF_ERROR(CheckBlockPlacement(blocks, directory_offset));
  return blocks;
}

Result<std::vector<StagedChange>> DecodeBlock(ByteSpan block) {
  ASSIGN_OR_RETURN(Bytes payload, Unframe(block));
  return DecodePayload(payload);
}

}  // namespace pg2iceberg::stage
