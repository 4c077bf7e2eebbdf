#include "materializer/log_reader.h"

#include "base/check.h"

namespace pg2iceberg::materializer {
namespace {

std::string Where(const LogReadOptions& options, const stage::IndexedBlock& block) {
  return "table " + options.table_name + " (table_id " + std::to_string(options.table_id) +
         "), block at offsets " + std::to_string(block.first_offset) + "+" +
         std::to_string(block.change_count) + " of segment " + block.object_key;
}

Status Broken(const LogReadOptions& options, const stage::IndexedBlock& block,
              const std::string& what) {
  return Status::DataLoss(
      "staging log of " + Where(options, block) + ": " + what +
      ". The staging log or its index was changed outside pg2iceberg; the mirror cannot be "
      "continued from it: `pg2iceberg cleanup`, then a fresh start");
}

// Appends the changes of `block` from `next` on that lie at or below the bound; returns whether
// the bound was reached inside the block.
Result<bool> TakeBlock(const LogReadOptions& options, const stage::IndexedBlock& block,
                       std::vector<stage::StagedChange> decoded, int64_t& next,
                       change::Lsn& last_lsn, LogRead& read) {
  if (static_cast<int64_t>(decoded.size()) != block.change_count) {
    return Broken(options, block,
                  "it decodes to " + std::to_string(decoded.size()) + " changes, not the " +
                      std::to_string(block.change_count) + " indexed");
  }
  for (int64_t i = next - block.first_offset; i < block.change_count; ++i) {
    stage::StagedChange& staged = decoded[static_cast<size_t>(i)];
    const change::Lsn lsn = staged.commit.commit_lsn;
    if (lsn < block.first_commit_lsn || lsn > block.last_commit_lsn || lsn < last_lsn) {
      return Broken(options, block,
                    "the change at offset " + std::to_string(block.first_offset + i) +
                        " has commit LSN " + change::FormatLsn(lsn) +
                        ", outside the indexed range or before the change preceding it");
    }
    if (lsn > options.bound) return true;
    last_lsn = lsn;
    read.changes.push_back(LoggedChange{.offset = next, .staged = std::move(staged)});
    ++next;
  }
  return false;
}

}  // namespace

Result<LogRead> ReadTableLog(stage::Coordinator& coordinator, ObjectStore& staging,
                             const LogReadOptions& options) {
  CHECK(options.blocks_per_query > 0);
  LogRead read;
  int64_t next = options.from_offset;
  change::Lsn last_lsn = 0;
  int64_t bytes_read = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<stage::IndexedBlock> blocks,
                     coordinator.BlocksFrom(options.table_id, next, options.blocks_per_query));
    if (blocks.empty()) break;
    for (const stage::IndexedBlock& block : blocks) {
      if (block.first_offset > next || block.first_offset + block.change_count <= next) {
        return Broken(options, block,
                      "the log has no change at offset " + std::to_string(next) +
                          " (offsets must be gapless)");
      }
      if (block.first_commit_lsn > options.bound) {
        read.complete = true;
        return read;
      }
      Result<Bytes> bytes =
          staging.GetRange(block.object_key, block.block_offset, block.block_length);
      if (bytes.status().code() == StatusCode::kNotFound) {
        return Broken(options, block, "the segment object is missing");
      }
      RETURN_IF_ERROR(
          bytes.status().WithContext("reading the staging log of " + Where(options, block)));
      Result<std::vector<stage::StagedChange>> decoded = stage::DecodeBlock(*bytes);
      if (!decoded.ok()) return Broken(options, block, decoded.status().message());
      ASSIGN_OR_RETURN(bool bounded,
                       TakeBlock(options, block, std::move(*decoded), next, last_lsn, read));
      if (bounded) {
        read.complete = true;
        return read;
      }
      bytes_read += static_cast<int64_t>(block.block_length);
      if (static_cast<int64_t>(read.changes.size()) >= options.changes_max ||
          bytes_read >= options.bytes_max) {
        return read;
      }
    }
  }
  read.complete = true;
  return read;
}

}  // namespace pg2iceberg::materializer
