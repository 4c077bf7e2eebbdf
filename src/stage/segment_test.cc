#include "stage/segment.h"

#include <gtest/gtest.h>

#include <limits>

#include "base/crc32c.h"

namespace pg2iceberg::stage {
namespace {

using change::ChangeKind;
using change::ColumnSchema;
using change::CommitInfo;
using change::OldRow;
using change::RowChange;
using change::SchemaPtr;
using change::TableSchema;
using change::Value;
using change::ValueKind;

SchemaPtr MakeSchema(uint32_t relid, std::string table, std::vector<ColumnSchema> columns) {
  TableSchema schema;
  schema.relid = relid;
  schema.schema_name = "s";
  schema.table_name = std::move(table);
  schema.columns = std::move(columns);
  return std::make_shared<const TableSchema>(std::move(schema));
}

ColumnSchema Column(std::string name, uint32_t type_oid, bool key = false) {
  return ColumnSchema{
      .name = std::move(name), .type_oid = type_oid, .type_modifier = -1, .key = key};
}

RowChange Insert(SchemaPtr table, change::Row row) {
  RowChange change;
  change.kind = ChangeKind::kInsert;
  change.table = std::move(table);
  change.new_row = std::move(row);
  return change;
}

CommitInfo Commit(uint32_t xid, change::Lsn lsn) {
  return CommitInfo{.xid = xid, .commit_lsn = lsn, .end_lsn = lsn + 8, .commit_time_micros = 1};
}

std::vector<int> AsInts(const Bytes& bytes) {
  std::vector<int> out;
  for (std::byte b : bytes) out.push_back(static_cast<int>(b));
  return out;
}

void ExpectSameChange(const StagedChange& got, const CommitInfo& commit, const RowChange& want) {
  EXPECT_EQ(got.commit, commit);
  EXPECT_EQ(got.change.kind, want.kind);
  EXPECT_EQ(*got.change.table, *want.table);
  EXPECT_EQ(got.change.old_kind, want.old_kind);
  EXPECT_EQ(got.change.old_row, want.old_row);
  EXPECT_EQ(got.change.new_row, want.new_row);
}

// Reads the directory and every block; the first error, or the decoded changes by block.
Result<std::vector<std::vector<StagedChange>>> ReadAll(ByteSpan segment) {
  ASSIGN_OR_RETURN(std::vector<BlockInfo> blocks, ReadSegmentDirectory(segment));
  std::vector<std::vector<StagedChange>> out;
  for (const BlockInfo& block : blocks) {
    ASSIGN_OR_RETURN(std::vector<StagedChange> changes,
                     DecodeBlock(segment.subspan(block.offset, block.length)));
    out.push_back(std::move(changes));
  }
  return out;
}

TEST(SegmentTest, TinyUncompressedSegmentGoldenBytes) {
  SegmentWriter writer(/*zstd_level=*/0);
  writer.Append(CommitInfo{.xid = 7, .commit_lsn = 0x10, .end_lsn = 0x18, .commit_time_micros = 1},
                Insert(MakeSchema(1, "t", {Column("a", 23, true)}), {Value::Int32(5)}));
  EXPECT_EQ(writer.buffered_bytes(), 29u);  // the payload less its two counts
  auto finished = writer.Finish();
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  // clang-format off
  const std::vector<int> expected = {
      'P', '2', 'I', 'S', 'E', 'G', '\r', '\n', 1, 0, 0, 0,     // header
      0, 31, 0, 0, 0, 31, 0, 0, 0, 0x03, 0x1a, 0x37, 0xf6,      // block frame
      1, 1, 0, 0, 0, 1, 's', 1, 't', 'd', 1, 1, 'a', 23, 0, 0, 0, 1, 1,  // schemas
      1, 1, 7, 16, 24, 2, 1, 0, 0, 1, 3, 10,                    // one change
      1, 3, 's', '.', 't', 1, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0,  // directory
      44, 0, 0, 0, 0, 0, 0, 0, 1, 16, 16,                       //
      0x79, 0x98, 0x2a, 0x47, 28, 0, 0, 0,                      // trailer
      'P', '2', 'I', 'E', 'N', 'D', '\r', '\n'};
  // clang-format on
  EXPECT_EQ(AsInts(finished->bytes), expected);
  ASSERT_EQ(finished->blocks.size(), 1u);
  EXPECT_EQ(finished->blocks[0], (BlockInfo{.table = "s.t",
                                            .relid = 1,
                                            .offset = 12,
                                            .length = 44,
                                            .change_count = 1,
                                            .first_commit_lsn = 0x10,
                                            .last_commit_lsn = 0x10}));
  EXPECT_TRUE(writer.empty());
  EXPECT_EQ(writer.buffered_bytes(), 0u);
}

std::vector<ColumnSchema> EveryKindColumns() {
  std::vector<ColumnSchema> columns;
  for (int kind = 0; kind <= static_cast<int>(ValueKind::kUuid); ++kind) {
    columns.push_back(Column("c" + std::to_string(kind), 25, kind == 3));
  }
  return columns;
}

change::Row EveryKindRow(int seed) {
  return {Value::Null(),
          Value::UnchangedToast(),
          Value::Bool(seed % 2 == 1),
          Value::Int32(-seed),
          Value::Int64(std::numeric_limits<int64_t>::min() + seed),
          Value::Float32(0.5f * seed),
          Value::Float64(-1.25 * seed),
          Value::Decimal(static_cast<__int128>(seed) << 100),
          Value::String("text " + std::to_string(seed)),
          Value::Binary(std::string(seed, '\0')),
          Value::Date(19000 + seed),
          Value::Time(seed * 1000),
          Value::Timestamp(-seed),
          Value::TimestampTz(1'700'000'000'000'000 + seed),
          Value::Uuid(std::string(16, 'a' + seed))};
}

TEST(SegmentTest, EveryValueKindAndChangeKindRoundTripsThroughZstd) {
  const SchemaPtr wide = MakeSchema(10, "wide", EveryKindColumns());
  const SchemaPtr narrow = MakeSchema(20, "narrow", {Column("id", 20, true)});
  const SchemaPtr altered = MakeSchema(20, "narrow", {Column("id", 20, true), Column("x", 25)});
  std::vector<std::pair<CommitInfo, RowChange>> appended;
  for (int i = 0; i < 20; ++i)
    appended.push_back({Commit(100, 0x1000), Insert(wide, EveryKindRow(i))});
  appended.push_back({Commit(100, 0x1000), Insert(narrow, {Value::Int64(1)})});
  RowChange update = Insert(altered, {Value::Int64(2), Value::String("after alter")});
  update.kind = ChangeKind::kUpdate;
  update.old_kind = OldRow::kKey;
  update.old_row = {Value::Int64(1), Value::Null()};
  appended.push_back({Commit(101, 0x2000), update});
  RowChange remove = Insert(wide, {});
  remove.kind = ChangeKind::kDelete;
  remove.old_kind = OldRow::kFull;
  remove.old_row = EveryKindRow(3);
  appended.push_back({Commit(102, 0x3000), remove});
  RowChange truncate = Insert(narrow, {});
  truncate.kind = ChangeKind::kTruncate;
  appended.push_back({Commit(102, 0x3000), truncate});

  SegmentWriter writer;
  for (const auto& [commit, change] : appended) writer.Append(commit, change);
  EXPECT_EQ(writer.change_count(), appended.size());
  auto finished = writer.Finish();
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  auto directory = ReadSegmentDirectory(finished->bytes);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  EXPECT_EQ(*directory, finished->blocks);
  ASSERT_EQ(directory->size(), 2u);
  EXPECT_EQ((*directory)[0].table, "s.wide");
  EXPECT_EQ((*directory)[0].change_count, 21u);
  EXPECT_EQ((*directory)[0].first_commit_lsn, 0x1000u);
  EXPECT_EQ((*directory)[0].last_commit_lsn, 0x3000u);
  EXPECT_EQ((*directory)[1].relid, 20u);
  EXPECT_EQ(static_cast<uint8_t>(finished->bytes[(*directory)[0].offset]), kCompressionZstd);

  auto blocks = ReadAll(finished->bytes);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  std::vector<std::vector<const std::pair<CommitInfo, RowChange>*>> by_table(2);
  for (const auto& entry : appended)
    by_table[entry.second.table->relid == 10 ? 0 : 1].push_back(&entry);
  for (size_t b = 0; b < 2; ++b) {
    ASSERT_EQ((*blocks)[b].size(), by_table[b].size());
    for (size_t i = 0; i < by_table[b].size(); ++i) {
      ExpectSameChange((*blocks)[b][i], by_table[b][i]->first, by_table[b][i]->second);
    }
  }
}

TEST(SegmentTest, SchemasAreDeduplicatedByValueAndShared) {
  SegmentWriter writer(0);
  writer.Append(Commit(1, 0x10), Insert(MakeSchema(5, "t", {Column("a", 23)}), {Value::Int32(1)}));
  writer.Append(Commit(1, 0x10), Insert(MakeSchema(5, "t", {Column("a", 23)}), {Value::Int32(2)}));
  auto finished = writer.Finish();
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  auto blocks = ReadAll(finished->bytes);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  ASSERT_EQ((*blocks)[0].size(), 2u);
  EXPECT_EQ((*blocks)[0][0].change.table, (*blocks)[0][1].change.table);
}

TEST(SegmentTest, EmptyWriterFinishesAValidSegmentWithoutBlocks) {
  SegmentWriter writer;
  auto finished = writer.Finish();
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_EQ(finished->bytes.size(), kSegmentHeaderBytes + 1 + kSegmentTrailerBytes);
  auto directory = ReadSegmentDirectory(finished->bytes);
  ASSERT_TRUE(directory.ok()) << directory.status().ToString();
  EXPECT_TRUE(directory->empty());
}

TEST(SegmentTest, UnsupportedZstdLevelIsInvalidArgumentAndKeepsTheChanges) {
  SegmentWriter writer(1000);
  writer.Append(Commit(1, 0x10), Insert(MakeSchema(5, "t", {Column("a", 23)}), {Value::Int32(1)}));
  auto finished = writer.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer.change_count(), 1u);
}

Bytes SmallSegment(int zstd_level) {
  SegmentWriter writer(zstd_level);
  const SchemaPtr a = MakeSchema(1, "a", {Column("id", 23, true), Column("v", 25)});
  const SchemaPtr b = MakeSchema(2, "b", {Column("id", 23, true)});
  for (int i = 0; i < 6; ++i) {
    writer.Append(Commit(7 + i / 3, 0x100 + i / 3),
                  Insert(a, {Value::Int32(i), Value::String("vvvvvvvv")}));
    writer.Append(Commit(7 + i / 3, 0x100 + i / 3), Insert(b, {Value::Int32(i)}));
  }
  return writer.Finish().value().bytes;
}

TEST(SegmentTest, NewerFormatVersionIsDataLossNamingTheVersion) {
  Bytes segment = SmallSegment(0);
  segment[8] = std::byte{2};
  auto directory = ReadSegmentDirectory(segment);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(directory.status().message().find(
                "segment format version 2 is newer than this pg2iceberg reads"),
            std::string::npos)
      << directory.status().ToString();
}

TEST(SegmentTest, EveryFlippedByteIsDetected) {
  for (int level : {0, 3}) {
    const Bytes original = SmallSegment(level);
    ASSERT_TRUE(ReadAll(original).ok());
    for (size_t i = 0; i < original.size(); ++i) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        Bytes corrupted = original;
        corrupted[i] ^= std::byte{mask};
        auto result = ReadAll(corrupted);
        ASSERT_FALSE(result.ok()) << "level " << level << " byte " << i << " mask " << int{mask};
        EXPECT_EQ(result.status().code(), StatusCode::kDataLoss);
      }
    }
  }
}

TEST(SegmentTest, EveryTruncationIsDetected) {
  for (int level : {0, 3}) {
    const Bytes original = SmallSegment(level);
    for (size_t n = 0; n < original.size(); ++n) {
      auto result = ReadSegmentDirectory(ByteSpan(original).first(n));
      ASSERT_FALSE(result.ok()) << "level " << level << " length " << n;
      EXPECT_EQ(result.status().code(), StatusCode::kDataLoss);
    }
    const std::vector<BlockInfo> blocks = ReadSegmentDirectory(original).value();
    for (const BlockInfo& block : blocks) {
      const ByteSpan whole = ByteSpan(original).subspan(block.offset, block.length);
      for (size_t n = 0; n < whole.size(); ++n) {
        ASSERT_FALSE(DecodeBlock(whole.first(n)).ok())
            << "block " << block.table << " length " << n;
      }
      // One byte too many (a wrong length from the index) is caught too.
      ASSERT_FALSE(DecodeBlock(ByteSpan(original).subspan(block.offset, block.length + 1)).ok());
    }
  }
}

// A block frame with a valid checksum around arbitrary payload bytes: exercises the payload
// decoder on input the checksum does not reject.
Bytes FrameUncompressed(ByteSpan payload) {
  ByteWriter frame;
  frame.AppendByte(kCompressionNone);
  frame.AppendLittleEndian(static_cast<uint32_t>(payload.size()));
  frame.AppendLittleEndian(static_cast<uint32_t>(payload.size()));
  frame.AppendLittleEndian(Crc32c(payload, Crc32c(frame.bytes())));
  frame.Append(payload);
  return frame.Release();
}

TEST(SegmentTest, ChecksummedGarbagePayloadsAreRejectedWithoutCrashing) {
  const Bytes segment = SmallSegment(0);
  const BlockInfo block = ReadSegmentDirectory(segment).value()[0];
  const ByteSpan payload =
      ByteSpan(segment).subspan(block.offset + kBlockFrameBytes, block.length - kBlockFrameBytes);
  ASSERT_TRUE(DecodeBlock(FrameUncompressed(payload)).ok());
  for (size_t n = 0; n < payload.size(); ++n) {
    auto decoded = DecodeBlock(FrameUncompressed(payload.first(n)));
    ASSERT_FALSE(decoded.ok()) << "payload truncated to " << n;
    EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
  }
  for (size_t i = 0; i < payload.size(); ++i) {
    for (uint8_t mask : {0x01, 0x40, 0x80, 0xff}) {
      Bytes changed(payload.begin(), payload.end());
      changed[i] ^= std::byte{mask};
      // A flipped value may still decode (to a different value); it must never crash.
      auto decoded = DecodeBlock(FrameUncompressed(changed));
      if (!decoded.ok()) {
        EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
      }
    }
  }
}

}  // namespace
}  // namespace pg2iceberg::stage
