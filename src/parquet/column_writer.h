// Buffers the values of one leaf column for the open row group: the encoded values and
// repetition and definition levels of the open data page, the finished (compressed) pages of
// the open column chunk, the chunk's dictionary, and statistics per chunk and per file.
//
// Value encoding. Each column chunk except BOOLEAN ones starts dictionary-encoded: values go
// into the chunk's ValueDictionary and pages hold RLE_DICTIONARY indices. The chunk switches
// to PLAIN for the rest of the chunk (pages already written keep their indices, and the
// dictionary page is still written for them) when
//   - a new distinct value would grow the dictionary page beyond its size cap, or
//   - the chunk's first 1024 values are all distinct (a dictionary of a column that distinct
//     cannot pay: see AddToDictionary), or
//   - the dictionary does not pay: when the chunk's first page is cut, the dictionary plus that
//     page's encoded indices are not smaller than the page's values PLAIN-encoded (so a column
//     of mostly distinct values never pays for a dictionary).
// Each switch rewrites the open page's indices as PLAIN values, so a page is always wholly
// one encoding.
//
// Internal to the Parquet writer: ParquetWriter validates types, nullability and lengths
// before calling the Append methods, which therefore cannot fail. Not thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "parquet/column_spec.h"
#include "parquet/compression.h"
#include "parquet/parquet_format.h"
#include "parquet/statistics.h"
#include "parquet/value_dictionary.h"

namespace pg2iceberg::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding copies values in host byte order");

class ColumnWriter {
 public:
  // `page_size_bytes`: an open page is cut once its values plus levels reach this size
  // (see OpenPageBytes). `statistics_bound_bytes_max`: cap on byte-array min/max in chunk
  // statistics (see ColumnStatistics::ToFormat). `dictionary_page_bytes_max`: cap on the
  // dictionary page's size (uncompressed); 0 disables dictionary encoding.
  ColumnWriter(ColumnSpec spec, size_t page_size_bytes, size_t statistics_bound_bytes_max,
               size_t dictionary_page_bytes_max);

  const ColumnSpec& spec() const { return spec_; }
  // Level entries (values, nulls, and for a list column empty and null lists) appended to the
  // open row group.
  int64_t chunk_value_count() const { return flushed_value_count_ + page_value_count_; }
  // Rows appended to the open row group (a list open in the current row not yet counted).
  int64_t chunk_row_count() const {
    return max_repetition_level_ == 0 ? chunk_value_count() : chunk_list_count_;
  }
  bool is_list() const { return max_repetition_level_ > 0; }
  bool list_open() const { return list_open_; }
  // Whether a value (or null) may be appended now, the open row group holding `rows` rows:
  // a flat column takes one per row, a list column any number while a list is open.
  bool AcceptsValue(int64_t rows) const {
    return max_repetition_level_ == 0 ? chunk_value_count() == rows : list_open_;
  }

  // A null: for a list column a null element inside the open list, else a null list (outside
  // a list). The caller guarantees that level is optional.
  void AppendNull() {
    if (max_repetition_level_ > 0) return AppendListNull();
    def_levels_.push_back(0);
    ++page_value_count_;
    chunk_stats_.AddNull();
  }
  // List columns only; the caller guarantees the row has no list yet. Elements follow as
  // values and nulls, then EndList; an EndList right after BeginList writes the empty list.
  void BeginList() {
    list_open_ = true;
    list_empty_ = true;
  }
  void EndList();
  void AppendBool(bool value) {
    Define();
    if (page_bool_count_ % 8 == 0) values_.push_back(std::byte{0});
    values_.back() |= static_cast<std::byte>(uint8_t{value} << (page_bool_count_ % 8));
    ++page_bool_count_;
    chunk_stats_.AddInteger(value);
  }
  void AppendInt32(int32_t value) {
    AppendFixed(value);
    chunk_stats_.AddInteger(value);
  }
  void AppendInt64(int64_t value) {
    AppendFixed(value);
    chunk_stats_.AddInteger(value);
  }
  void AppendFloat(float value) {
    AppendFixed(value);
    chunk_stats_.AddReal(value);
  }
  void AppendDouble(double value) {
    AppendFixed(value);
    chunk_stats_.AddReal(value);
  }
  // BYTE_ARRAY: PLAIN as a 4-byte little-endian length, then the bytes. The caller checked
  // the size.
  void AppendByteArray(ByteSpan value) {
    Define();
    if (!AddToDictionary(value)) {
      AppendPlain(static_cast<uint32_t>(value.size()));
      AppendRaw(value);
    }
    chunk_stats_.AddBytes(value);
  }
  // FIXED_LEN_BYTE_ARRAY: PLAIN as the bytes only. The caller checked the length.
  void AppendFixedLenByteArray(ByteSpan value) {
    Define();
    if (!AddToDictionary(value)) AppendRaw(value);
    chunk_stats_.AddBytes(value);
  }

  // Bytes held for the open row group: finished compressed pages, the dictionary page (when
  // the chunk has one) and the open page.
  size_t BufferedBytes() const {
    return chunk_.size() + (HasDictionaryPage() ? dictionary_.page().size() : 0) + OpenPageBytes();
  }
  // The open page's uncompressed size: exact for PLAIN values; for dictionary indices their
  // size bit-packed at the current bit width plus the bit-width byte (run headers, at most a
  // few bytes per 8 values and usually fewer than RLE runs save, are not counted); one byte
  // per level.
  size_t OpenPageBytes() const {
    return values_.size() + def_levels_.size() + repetition_levels_.size() +
           (indices_.empty() ? 0 : 1 + (indices_.size() * IndexBitWidth() + 7) / 8);
  }
  // A page is also cut once it holds page_size_bytes indices, which bounds the memory of the
  // index buffer (4 bytes each) when narrow indices encode to far less than the page size.
  bool PageFull() const {
    return OpenPageBytes() >= page_size_bytes_ || indices_.size() >= page_size_bytes_;
  }

  // Compresses the open page (if any) and appends it, with its header, to the open chunk.
  // kInternal when compression fails; the writer is then unusable.
  Status FlushPage(Compressor& compressor);

  // Flushes the open page and appends the column chunk's bytes to `file` (its dictionary page
  // first, when it has one), whose current size is the chunk's file offset. Returns the
  // chunk's metadata and resets for the next row group. kInternal as FlushPage.
  Result<format::ColumnChunk> FinishChunk(Compressor& compressor, ByteWriter* file);

  // Totals over the chunks finished so far.
  const ColumnStatistics& file_stats() const { return file_stats_; }
  int64_t file_compressed_bytes() const { return file_compressed_bytes_; }

 private:
  // Levels of a present value: fully defined, and inside a list repeated after its first.
  void Define() {
    if (max_repetition_level_ > 0) {
      repetition_levels_.push_back(list_empty_ ? 0 : 1);
      list_empty_ = false;
    }
    if (max_definition_level_ > 0) def_levels_.push_back(max_definition_level_);
    ++page_value_count_;
  }
  void AppendListNull();
  void PushLevels(uint8_t repetition, uint8_t definition) {
    repetition_levels_.push_back(repetition);
    def_levels_.push_back(definition);
    ++page_value_count_;
  }
  template <typename T>
  void AppendFixed(T value) {
    Define();
    const ByteSpan bytes(reinterpret_cast<const std::byte*>(&value), sizeof(T));
    if (!AddToDictionary(bytes)) AppendRaw(bytes);
  }
  template <typename T>
  void AppendPlain(T value) {
    AppendRaw(ByteSpan(reinterpret_cast<const std::byte*>(&value), sizeof(T)));
  }
  void AppendRaw(ByteSpan value) { values_.insert(values_.end(), value.begin(), value.end()); }
  // Dictionary-encodes `value` (its bytes, without a length prefix) into the open page; false,
  // having appended nothing, when the chunk is (or just switched to) PLAIN.
  bool AddToDictionary(ByteSpan value) {
    if (!dictionary_encoding_) return false;
    const uint32_t index = dictionary_.Insert(value, dictionary_page_bytes_max_);
    if (index == ValueDictionary::kFull) [[unlikely]] {
      FallBackToPlain();
      return false;
    }
    indices_.push_back(index);
    page_plain_bytes_ += dictionary_.PlainSize(value.size());
    // A chunk whose first kDistinctProbeValues values are all distinct has, by the birthday
    // bound, hundreds of thousands of distinct values or more: a dictionary of them cannot pay
    // for a page of that size, so stop hashing now rather than at the first page's cut.
    if (dictionary_pages_ == 0 && indices_.size() == kDistinctProbeValues &&
        dictionary_.size() == kDistinctProbeValues) [[unlikely]] {
      FallBackToPlain();
    }
    return true;
  }
  static constexpr size_t kDistinctProbeValues = 1024;
  // Bits per index of the open page: enough for every dictionary entry, at least 1.
  int IndexBitWidth() const {
    return dictionary_.size() <= 2 ? 1 : static_cast<int>(std::bit_width(dictionary_.size() - 1));
  }
  // The chunk's dictionary is written: dictionary-encoded pages exist or may follow.
  bool HasDictionaryPage() const { return dictionary_encoding_ || dictionary_pages_ > 0; }
  // Rewrites the open page's indices as PLAIN values and encodes the rest of the chunk PLAIN.
  void FallBackToPlain();
  // The open page's encoded values: PLAIN bytes, or the bit width and RLE/bit-packed indices.
  // Applies the first page's "does the dictionary pay" rule.
  ByteSpan EncodeValues();
  // The uncompressed page body: repetition levels (list columns), definition levels (when
  // any level is optional or repeated), each length-prefixed, then the values.
  ByteSpan BuildPageBody();
  void ResetPage();
  // Compresses `body` and appends its page header and stored bytes to `out`.
  Status WritePage(format::PageHeader header, ByteSpan body, Compressor& compressor,
                   ByteWriter* out);
  // Writes the dictionary page to `file` when the chunk has one; returns its offset.
  Result<std::optional<int64_t>> WriteDictionaryPage(Compressor& compressor, ByteWriter* file);
  format::ColumnMetaData ChunkMetaData(Codec codec) const;
  void ResetChunk();

  ColumnSpec spec_;
  size_t page_size_bytes_;
  size_t statistics_bound_bytes_max_;
  size_t dictionary_page_bytes_max_;  // 0: no dictionary
  BytesOrder bytes_order_;
  uint8_t max_repetition_level_;  // 1 for a list column, else 0
  uint8_t max_definition_level_;  // see ColumnSpec::max_definition_level

  // Open page.
  Bytes values_;                     // PLAIN-encoded non-null values (PLAIN pages)
  std::vector<uint32_t> indices_;    // dictionary indices of non-null values (dictionary pages)
  size_t page_plain_bytes_ = 0;      // dictionary pages: the values' PLAIN size
  std::vector<uint8_t> def_levels_;  // one per value, when max_definition_level_ > 0
  std::vector<uint8_t> repetition_levels_;  // one per value, list columns only
  int64_t page_value_count_ = 0;            // nulls included
  int64_t page_bool_count_ = 0;             // BOOLEAN: non-null values packed into values_

  // The list of the current row (list columns).
  bool list_open_ = false;
  bool list_empty_ = true;  // no element yet: the next one starts the list (repetition 0)

  // Open column chunk.
  ByteWriter chunk_;              // data page headers and compressed data pages
  int64_t chunk_list_count_ = 0;  // list columns: rows (lists, null or not) appended
  ValueDictionary dictionary_;
  bool dictionary_encoding_ = false;  // new values go to the dictionary
  int32_t dictionary_pages_ = 0;      // data pages written with RLE_DICTIONARY
  int32_t plain_pages_ = 0;           // data pages written with PLAIN
  int64_t flushed_value_count_ = 0;
  int64_t chunk_uncompressed_bytes_ = 0;
  ColumnStatistics chunk_stats_;

  // Scratch buffers reused across pages.
  ByteWriter encoded_indices_;
  ByteWriter page_body_;
  Bytes compressed_;

  // Whole file.
  ColumnStatistics file_stats_;
  int64_t file_compressed_bytes_ = 0;
};

}  // namespace pg2iceberg::parquet
