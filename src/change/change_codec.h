// The change codec: a compact binary encoding of values, rows, table schemas, row changes and
// commit identities, shared by the staging segment format (docs/staging-segment.md) and the
// capture spill files. The encoding is part of those formats: never change it in place.
//
// Primitives: fixed-width integers are little-endian; "varint" is unsigned LEB128; signed
// integers marked "zigzag" are zigzag-mapped then varint-encoded; a "string" is a varint byte
// length followed by the bytes.
//
//   Value        u8 tag (ValueKind's number), then by kind:
//                  null, unchanged-toast: nothing; bool: u8 0 or 1;
//                  int32, int64, date, time, timestamp, timestamptz: zigzag;
//                  float32: u32 bits of the float; float64: u64 bits of the double;
//                  decimal: u8 n (1..16), then n bytes of big-endian two's complement, the
//                    fewest that hold the value; string, binary: string; uuid: 16 bytes;
//                  list: varint count, then count Values — null or all of one kind, never
//                    unchanged-toast; lists nest at most kMaxListDepth deep.
//   Row          varint count, then count Values.
//   TableSchema  u32 relid, string schema_name, string table_name, u8 replica_identity,
//                varint column count, per column: string name, u32 type_oid,
//                zigzag type_modifier, u8 key (0 or 1).
//   RowChange    u8 kind, varint schema index (into a schema list the container carries),
//                u8 old_kind, old Row when old_kind != none, new Row for insert and update.
//   CommitInfo   varint xid, varint commit_lsn, varint end_lsn, zigzag commit_time_micros.
//
// Decoders never trust their input: truncated or malformed bytes (including a list that breaks
// the rules above) yield kDataLoss naming what was being read and the byte position; they never
// crash and never allocate more than the input could describe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::change {

using SchemaPtr = std::shared_ptr<const TableSchema>;

void EncodeValue(const Value& value, ByteWriter* out);
void EncodeRow(const Row& row, ByteWriter* out);
void EncodeTableSchema(const TableSchema& schema, ByteWriter* out);
// varint count, then each schema.
void EncodeSchemaList(std::span<const SchemaPtr> schemas, ByteWriter* out);
// `schema_index` is the position of change.table in the list the container carries.
// CHECKs that every row has one value per column of change.table (a capture bug otherwise).
void EncodeRowChange(const RowChange& change, uint64_t schema_index, ByteWriter* out);
void EncodeCommitInfo(const CommitInfo& commit, ByteWriter* out);

// Reads codec primitives from a span it does not own. Every read fails with kDataLoss
// "<context>: truncated <what> at byte N" (or another reason) instead of reading past the end.
class CodecReader {
 public:
  // `context` names the container in messages ("segment block", "spill chunk ...").
  CodecReader(ByteSpan data, std::string context) : data_(data), context_(std::move(context)) {}

  size_t remaining() const { return data_.size() - position_; }
  size_t position() const { return position_; }
  bool at_end() const { return position_ == data_.size(); }

  Result<uint8_t> ReadU8(std::string_view what);
  Result<uint16_t> ReadU16(std::string_view what);
  Result<uint32_t> ReadU32(std::string_view what);
  Result<uint64_t> ReadU64(std::string_view what);
  Result<uint64_t> ReadVarint(std::string_view what);  // at most 10 bytes, no 64-bit overflow
  Result<int64_t> ReadZigZag(std::string_view what);
  Result<ByteSpan> ReadBytes(size_t n, std::string_view what);
  Result<std::string> ReadString(std::string_view what);
  // A varint count of items that each take at least `min_item_bytes`; a count the remaining
  // bytes cannot hold is kDataLoss (so garbage never triggers a huge allocation).
  Result<uint64_t> ReadCount(std::string_view what, size_t min_item_bytes);

  // kDataLoss "<context>: <message> at byte <position>".
  Status Corrupt(std::string_view message) const;

 private:
  Result<uint64_t> ReadLittleEndian(size_t width, std::string_view what);

  ByteSpan data_;
  std::string context_;
  size_t position_ = 0;
};

Result<Value> DecodeValue(CodecReader& reader);
Result<Row> DecodeRow(CodecReader& reader);
Result<TableSchema> DecodeTableSchema(CodecReader& reader);
Result<std::vector<SchemaPtr>> DecodeSchemaList(CodecReader& reader);
// Resolves the schema index against `schemas` (the change's table points into it) and checks
// that every row has one value per column of that schema.
Result<RowChange> DecodeRowChange(CodecReader& reader, std::span<const SchemaPtr> schemas);
Result<CommitInfo> DecodeCommitInfo(CodecReader& reader);

// Numbers the distinct schemas (by value) that a container's changes reference, in order of
// first use. Keeps every schema it was shown alive, so pointer lookups stay valid. Not
// thread-safe.
class SchemaDictionary {
 public:
  // The index of the schema equal to `*schema`, adding it when there is none yet; sets
  // *added (when given) to whether it was added. `schema` is non-null.
  uint64_t IndexOf(const SchemaPtr& schema, bool* added = nullptr);
  // The distinct schemas, in index order.
  const std::vector<SchemaPtr>& schemas() const { return schemas_; }
  void Clear();

 private:
  std::vector<SchemaPtr> schemas_;
  std::vector<SchemaPtr> aliases_;  // pointers equal by value to an earlier schema
  std::unordered_map<const TableSchema*, uint64_t> index_by_pointer_;
};

}  // namespace pg2iceberg::change
