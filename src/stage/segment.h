// Staging segments: the files capture writes to the ObjectStore, holding the row changes of
// committed transactions (possibly only part of a very large one), grouped into one block per
// source table. Each block is compressed and checksummed on its own, so a reader of one table
// fetches just its block with a ranged GET. The byte format is specified in
// docs/staging-segment.md; the constants below are part of it.
//
// Errors: every reader function treats its input as untrusted. A truncated or corrupted
// segment yields kDataLoss saying what did not check out; nothing crashes and no partial
// result is returned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"
#include "change/change_codec.h"

namespace pg2iceberg::stage {

inline constexpr std::string_view kSegmentMagic = "P2ISEG\r\n";     // first 8 bytes
inline constexpr std::string_view kSegmentEndMagic = "P2IEND\r\n";  // last 8 bytes
inline constexpr uint16_t kSegmentFormatVersion = 1;
inline constexpr size_t kSegmentHeaderBytes = 12;   // magic, u16 version, u16 flags
inline constexpr size_t kBlockFrameBytes = 13;      // u8 compression, u32 ×3
inline constexpr size_t kSegmentTrailerBytes = 16;  // u32 crc, u32 length, end magic
inline constexpr uint8_t kCompressionNone = 0;      // block frame compression byte
inline constexpr uint8_t kCompressionZstd = 1;
inline constexpr uint8_t kCommitSame = 0;  // a block change's commit marker: as the previous
inline constexpr uint8_t kCommitNew = 1;   // a CommitInfo follows

// Where one table's block sits in a segment, as the segment's directory records it.
struct BlockInfo {
  std::string table;  // "schema.table" of the block's first change
  uint32_t relid = 0;
  uint64_t offset = 0;  // of the block frame, from the start of the segment
  uint64_t length = 0;  // frame included: segment[offset, offset + length) is the block
  uint64_t change_count = 0;
  change::Lsn first_commit_lsn = 0;  // commit LSN of the block's first change
  change::Lsn last_commit_lsn = 0;   // commit LSN of the block's last change
  bool operator==(const BlockInfo&) const = default;
};

// One change of a decoded block with the transaction it was committed in.
struct StagedChange {
  change::CommitInfo commit;
  change::RowChange change;
};

// Accumulates changes and encodes them as one segment. Not thread-safe.
class SegmentWriter {
 public:
  // Blocks are zstd-compressed at `zstd_level`; 0 stores them uncompressed. A block that zstd
  // does not shrink is stored uncompressed too. A level zstd does not support is reported by
  // Finish as kInvalidArgument.
  explicit SegmentWriter(int zstd_level = 3) : zstd_level_(zstd_level) {}

  // Adds `change` (change.table non-null) committed by `commit` to its table's block; blocks
  // are keyed by relid and their schemas deduplicated by value. Changes of one block keep the
  // order of the calls.
  void Append(const change::CommitInfo& commit, const change::RowChange& change);

  // Encoded, uncompressed bytes appended so far: the measure for deciding when to flush.
  uint64_t buffered_bytes() const { return buffered_bytes_; }
  uint64_t change_count() const { return change_count_; }
  bool empty() const { return change_count_ == 0; }

  struct Finished {
    Bytes bytes;                    // the whole segment file
    std::vector<BlockInfo> blocks;  // its directory, blocks in order of first append
  };
  // Encodes the segment and empties the writer. An empty writer yields a valid segment with no
  // blocks. kInvalidArgument for an unsupported zstd level or a block whose payload exceeds
  // the format's 4 GiB limit (flush sooner); kInternal when zstd fails. On error the writer
  // keeps its changes.
  Result<Finished> Finish();

 private:
  struct Block {
    std::string table;
    uint32_t relid = 0;
    change::SchemaDictionary schemas;
    ByteWriter schema_bytes;  // the distinct schemas, encoded in index order
    ByteWriter change_bytes;  // the encoded changes
    uint64_t change_count = 0;
    change::CommitInfo last_commit;
    change::Lsn first_commit_lsn = 0;
  };

  Block& BlockFor(const change::TableSchema& table);
  // The block's uncompressed payload: schemas, then changes.
  static Bytes Payload(const Block& block);

  int zstd_level_;
  std::vector<Block> blocks_;
  std::unordered_map<uint32_t, size_t> block_by_relid_;
  uint64_t buffered_bytes_ = 0;
  uint64_t change_count_ = 0;
};

// Verifies a whole segment's header (magic, a version this build reads, no unknown flags),
// trailer and directory (checksum, every block inside the file, blocks back to back) and
// returns the directory. A newer format version is kDataLoss "segment format version N is
// newer than this pg2iceberg reads".
Result<std::vector<BlockInfo>> ReadSegmentDirectory(ByteSpan segment);

// Decodes one block, segment[offset, offset + length) of a directory entry: verifies its
// frame, checksum and lengths, decompresses it and decodes its changes in order. The changes'
// `table` pointers share the block's decoded schemas.
Result<std::vector<StagedChange>> DecodeBlock(ByteSpan block);

}  // namespace pg2iceberg::stage
