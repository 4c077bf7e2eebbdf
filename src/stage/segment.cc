// SegmentWriter: the encoding half of segment.h.
#include "stage/segment.h"

#include <zstd.h>

#include <limits>
#include <memory>

#include "base/check.h"
#include "base/crc32c.h"

namespace pg2iceberg::stage {
namespace {

struct ZstdContextDeleter {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};
using ZstdContext = std::unique_ptr<ZSTD_CCtx, ZstdContextDeleter>;

// The frame and stored bytes of one block: zstd-compressed when `context` is given and zstd
// shrinks the payload, else the payload itself.
Result<Bytes> FrameBlock(ByteSpan payload, ZSTD_CCtx* context, int zstd_level) {
  uint8_t compression = kCompressionNone;
  Bytes compressed;
  if (context != nullptr) {
    compressed.resize(ZSTD_compressBound(payload.size()));
    const size_t written = ZSTD_compressCCtx(context, compressed.data(), compressed.size(),
                                             payload.data(), payload.size(), zstd_level);
    if (ZSTD_isError(written)) {
      return Status::Internal(std::string("zstd compression of a segment block failed: ") +
                              ZSTD_getErrorName(written));
    }
    if (written < payload.size()) {
      compressed.resize(written);
      compression = kCompressionZstd;
    }
  }
  const ByteSpan stored = compression == kCompressionZstd ? ByteSpan(compressed) : payload;
  ByteWriter frame;
  frame.AppendByte(compression);
  frame.AppendLittleEndian(static_cast<uint32_t>(payload.size()));
  frame.AppendLittleEndian(static_cast<uint32_t>(stored.size()));
  // The checksum covers the frame fields before it as well as the stored bytes.
  frame.AppendLittleEndian(Crc32c(stored, Crc32c(frame.bytes())));
  frame.Append(stored);
  return frame.Release();
}

void AppendDirectory(const std::vector<BlockInfo>& blocks, ByteWriter* out) {
  ByteWriter directory;
  directory.AppendVarint(blocks.size());
  for (const BlockInfo& block : blocks) {
    directory.AppendVarint(block.table.size());
    directory.Append(block.table);
    directory.AppendLittleEndian(block.relid);
    directory.AppendLittleEndian(block.offset);
    directory.AppendLittleEndian(block.length);
    directory.AppendVarint(block.change_count);
    directory.AppendVarint(block.first_commit_lsn);
    directory.AppendVarint(block.last_commit_lsn);
  }
  out->Append(directory.bytes());
  out->AppendLittleEndian(Crc32c(directory.bytes()));
  out->AppendLittleEndian(static_cast<uint32_t>(directory.size()));
  out->Append(kSegmentEndMagic);
}

Result<ZstdContext> MakeZstdContext(int zstd_level) {
  if (zstd_level == 0) return ZstdContext();
  if (zstd_level < ZSTD_minCLevel() || zstd_level > ZSTD_maxCLevel()) {
    return Status::InvalidArgument("segment zstd level " + std::to_string(zstd_level) +
                                   " outside [" + std::to_string(ZSTD_minCLevel()) + ", " +
                                   std::to_string(ZSTD_maxCLevel()) + "] (0 for none)");
  }
  ZstdContext context(ZSTD_createCCtx());
  if (context == nullptr) return Status::Internal("ZSTD_createCCtx failed");
  return context;
}

}  // namespace

SegmentWriter::Block& SegmentWriter::BlockFor(const change::TableSchema& table) {
  auto [it, inserted] = block_by_relid_.emplace(table.relid, blocks_.size());
  if (inserted) {
    blocks_.emplace_back();
    blocks_.back().table = table.QualifiedName();
    blocks_.back().relid = table.relid;
  }
  return blocks_[it->second];
}

void SegmentWriter::Append(const change::CommitInfo& commit, const change::RowChange& change) {
  CHECK_MSG(change.table != nullptr, "segment change without a table schema");
  Block& block = BlockFor(*change.table);
  const size_t before = block.schema_bytes.size() + block.change_bytes.size();
  bool added = false;
  const uint64_t schema_index = block.schemas.IndexOf(change.table, &added);
  if (added) change::EncodeTableSchema(*change.table, &block.schema_bytes);
  if (block.change_count > 0 && commit == block.last_commit) {
    block.change_bytes.AppendByte(kCommitSame);
  } else {
    block.change_bytes.AppendByte(kCommitNew);
    change::EncodeCommitInfo(commit, &block.change_bytes);
  }
  change::EncodeRowChange(change, schema_index, &block.change_bytes);
  if (block.change_count == 0) block.first_commit_lsn = commit.commit_lsn;
  block.last_commit = commit;
  ++block.change_count;
  ++change_count_;
  buffered_bytes_ += block.schema_bytes.size() + block.change_bytes.size() - before;
}

Bytes SegmentWriter::Payload(const Block& block) {
  ByteWriter payload;
  payload.AppendVarint(block.schemas.schemas().size());
  payload.Append(block.schema_bytes.bytes());
  payload.AppendVarint(block.change_count);
  payload.Append(block.change_bytes.bytes());
  return payload.Release();
}

Result<SegmentWriter::Finished> SegmentWriter::Finish() {
  ASSIGN_OR_RETURN(ZstdContext context, MakeZstdContext(zstd_level_));
  Finished finished;
  ByteWriter out;
  out.Append(kSegmentMagic);
  out.AppendLittleEndian(kSegmentFormatVersion);
  out.AppendLittleEndian(uint16_t{0});  // flags
  for (const Block& block : blocks_) {
    const Bytes payload = Payload(block);
    if (payload.size() > std::numeric_limits<uint32_t>::max()) {
      return Status::InvalidArgument("segment block of " + block.table + " is " +
                                     std::to_string(payload.size()) +
                                     " bytes, over the format's 4 GiB limit: flush sooner");
    }
    ASSIGN_OR_RETURN(Bytes framed, FrameBlock(payload, context.get(), zstd_level_));
    finished.blocks.push_back(BlockInfo{.table = block.table,
                                        .relid = block.relid,
                                        .offset = out.size(),
                                        .length = framed.size(),
                                        .change_count = block.change_count,
                                        .first_commit_lsn = block.first_commit_lsn,
                                        .last_commit_lsn = block.last_commit.commit_lsn});
    out.Append(framed);
  }
  AppendDirectory(finished.blocks, &out);
  finished.bytes = out.Release();
  blocks_.clear();
  block_by_relid_.clear();
  buffered_bytes_ = 0;
  change_count_ = 0;
  return finished;
}

}  // namespace pg2iceberg::stage
