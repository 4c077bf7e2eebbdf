#include "parquet/column_writer.h"

#include <algorithm>
#include <limits>
#include <span>
#include <utility>

#include "base/check.h"
#include "parquet/format_encoder.h"
#include "parquet/rle_encoder.h"

namespace pg2iceberg::parquet {
namespace {

// Small files (a few rows per column) should not pay for a full page per column up front.
constexpr size_t kInitialPageCapacityBytes = 64 * 1024;

format::CompressionCodec ToFormatCodec(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return format::CompressionCodec::kUncompressed;
    case Codec::kSnappy:
      return format::CompressionCodec::kSnappy;
    case Codec::kZstd:
      return format::CompressionCodec::kZstd;
  }
  CHECK_MSG(false, "unknown codec");
}

int32_t PageSize(size_t bytes) {
  // ParquetWriter bounds page and value sizes so that a page stays far below 2 GiB.
  CHECK_MSG(bytes <= static_cast<size_t>(std::numeric_limits<int32_t>::max()),
            "parquet page larger than 2 GiB");
  return static_cast<int32_t>(bytes);
}

// Levels as data pages v1 store them: a 4-byte little-endian length, then the RLE/bit-packed
// hybrid at the width of `max_level`.
void AppendLevels(std::span<const uint8_t> levels, int max_level, ByteWriter& body) {
  const size_t start = body.size();
  body.AppendLittleEndian(uint32_t{0});  // the length, patched below
  EncodeRleHybrid(levels, BitWidthForMaxLevel(max_level), &body);
  const auto size = static_cast<uint32_t>(body.size() - start - 4);
  std::memcpy(body.mutable_bytes().data() + start, &size, sizeof size);
}

}  // namespace

ColumnWriter::ColumnWriter(ColumnSpec spec, size_t page_size_bytes,
                           size_t statistics_bound_bytes_max, size_t dictionary_page_bytes_max)
    : spec_(std::move(spec)),
      page_size_bytes_(page_size_bytes),
      statistics_bound_bytes_max_(statistics_bound_bytes_max),
      dictionary_page_bytes_max_(
          spec_.physical_type == PhysicalType::kBoolean ? 0 : dictionary_page_bytes_max),
      bytes_order_(BytesOrderFor(spec_)),
      max_repetition_level_(static_cast<uint8_t>(spec_.max_repetition_level())),
      max_definition_level_(static_cast<uint8_t>(spec_.max_definition_level())),
      dictionary_(spec_.physical_type == PhysicalType::kByteArray),
      dictionary_encoding_(dictionary_page_bytes_max_ > 0),
      chunk_stats_(bytes_order_),
      file_stats_(bytes_order_) {
  values_.reserve(std::min(page_size_bytes_, kInitialPageCapacityBytes));
}

void ColumnWriter::AppendListNull() {
  if (list_open_) {  // a null element
    PushLevels(list_empty_ ? 0 : 1, max_definition_level_ - 1);
    list_empty_ = false;
  } else {  // a null list
    PushLevels(0, 0);
    ++chunk_list_count_;
  }
  chunk_stats_.AddNull();
}

void ColumnWriter::EndList() {
  if (list_empty_) {
    // One entry defined up to the list itself; Parquet counts it among the leaf's nulls.
    PushLevels(0, spec_.required ? 0 : 1);
    chunk_stats_.AddNull();
  }
  list_open_ = false;
  ++chunk_list_count_;
}

void ColumnWriter::FallBackToPlain() {
  for (uint32_t index : indices_) AppendRaw(dictionary_.PlainEntry(index));
  indices_.clear();
  page_plain_bytes_ = 0;
  dictionary_encoding_ = false;
  // Without dictionary-encoded pages the dictionary is never written.
  if (dictionary_pages_ == 0) dictionary_.Clear();
}

ByteSpan ColumnWriter::EncodeValues() {
  if (indices_.empty()) return values_;  // PLAIN, or a page of nulls only
  encoded_indices_.Clear();
  encoded_indices_.AppendByte(static_cast<uint8_t>(IndexBitWidth()));
  EncodeRleHybrid(indices_, IndexBitWidth(), &encoded_indices_);
  if (dictionary_pages_ == 0 &&
      dictionary_.page().size() + encoded_indices_.size() >= page_plain_bytes_) {
    FallBackToPlain();  // the dictionary does not pay
    return values_;
  }
  return encoded_indices_.bytes();
}

ByteSpan ColumnWriter::BuildPageBody() {
  const ByteSpan values = EncodeValues();
  if (max_definition_level_ == 0) return values;  // then no repetition either
  page_body_.Clear();
  if (max_repetition_level_ > 0) {
    AppendLevels(repetition_levels_, max_repetition_level_, page_body_);
  }
  AppendLevels(def_levels_, max_definition_level_, page_body_);
  page_body_.Append(values);
  return page_body_.bytes();
}

void ColumnWriter::ResetPage() {
  values_.clear();
  indices_.clear();
  page_plain_bytes_ = 0;
  def_levels_.clear();
  repetition_levels_.clear();
  // A single huge value can grow a page far beyond the page size; do not keep that memory.
  if (values_.capacity() > 4 * page_size_bytes_) values_.shrink_to_fit();
  page_value_count_ = 0;
  page_bool_count_ = 0;
}

Status ColumnWriter::WritePage(format::PageHeader header, ByteSpan body, Compressor& compressor,
                               ByteWriter* out) {
  ByteSpan stored = body;
  if (compressor.codec() != Codec::kUncompressed) {
    compressed_.clear();
    RETURN_IF_ERROR(compressor.Compress(body, &compressed_));
    stored = compressed_;
  }
  header.uncompressed_page_size = PageSize(body.size());
  header.compressed_page_size = PageSize(stored.size());
  const size_t header_start = out->size();
  EncodePageHeader(header, out);
  const size_t header_size = out->size() - header_start;
  out->Append(stored);
  chunk_uncompressed_bytes_ += static_cast<int64_t>(header_size + body.size());
  return Status::Ok();
}

Status ColumnWriter::FlushPage(Compressor& compressor) {
  if (page_value_count_ == 0) return Status::Ok();
  const ByteSpan body = BuildPageBody();  // may fall back to PLAIN, clearing the indices
  const bool indexed = !indices_.empty();
  format::PageHeader header;
  header.data_page_header.emplace();
  header.data_page_header->num_values = PageSize(static_cast<size_t>(page_value_count_));
  header.data_page_header->encoding =
      indexed ? format::Encoding::kRleDictionary : format::Encoding::kPlain;
  RETURN_IF_ERROR(WritePage(std::move(header), body, compressor, &chunk_));
  ++(indexed ? dictionary_pages_ : plain_pages_);
  flushed_value_count_ += page_value_count_;
  ResetPage();
  return Status::Ok();
}

Result<std::optional<int64_t>> ColumnWriter::WriteDictionaryPage(Compressor& compressor,
                                                                 ByteWriter* file) {
  if (dictionary_pages_ == 0) return std::optional<int64_t>();
  const auto offset = static_cast<int64_t>(file->size());
  format::PageHeader header;
  header.type = format::PageType::kDictionaryPage;
  header.dictionary_page_header.emplace();
  header.dictionary_page_header->num_values = PageSize(dictionary_.size());
  RETURN_IF_ERROR(WritePage(std::move(header), dictionary_.page(), compressor, file));
  return std::optional<int64_t>(offset);
}

format::ColumnMetaData ColumnWriter::ChunkMetaData(Codec codec) const {
  format::ColumnMetaData meta;
  meta.type = ToFormatType(spec_.physical_type);
  // PLAIN for PLAIN data pages and the dictionary page; RLE for definition levels.
  meta.encodings = {format::Encoding::kPlain};
  if (max_definition_level_ > 0) meta.encodings.push_back(format::Encoding::kRle);
  using format::PageEncodingStats;
  using format::PageType;
  if (dictionary_pages_ > 0) {
    meta.encodings.push_back(format::Encoding::kRleDictionary);
    meta.encoding_stats.push_back(
        PageEncodingStats{PageType::kDictionaryPage, format::Encoding::kPlain, 1});
    meta.encoding_stats.push_back(PageEncodingStats{
        PageType::kDataPage, format::Encoding::kRleDictionary, dictionary_pages_});
  }
  if (plain_pages_ > 0) {
    meta.encoding_stats.push_back(
        PageEncodingStats{PageType::kDataPage, format::Encoding::kPlain, plain_pages_});
  }
  meta.path_in_schema = LeafPath(spec_);
  meta.codec = ToFormatCodec(codec);
  meta.num_values = flushed_value_count_;
  meta.statistics = chunk_stats_.ToFormat(spec_.physical_type, statistics_bound_bytes_max_);
  return meta;
}

void ColumnWriter::ResetChunk() {
  chunk_.Clear();
  flushed_value_count_ = 0;
  chunk_list_count_ = 0;
  chunk_uncompressed_bytes_ = 0;
  chunk_stats_ = ColumnStatistics(bytes_order_);
  dictionary_.Clear();
  dictionary_encoding_ = dictionary_page_bytes_max_ > 0;
  dictionary_pages_ = 0;
  plain_pages_ = 0;
}

Result<format::ColumnChunk> ColumnWriter::FinishChunk(Compressor& compressor, ByteWriter* file) {
  RETURN_IF_ERROR(FlushPage(compressor));
  const auto chunk_start = static_cast<int64_t>(file->size());
  format::ColumnMetaData meta = ChunkMetaData(compressor.codec());
  ASSIGN_OR_RETURN(meta.dictionary_page_offset, WriteDictionaryPage(compressor, file));
  meta.data_page_offset = static_cast<int64_t>(file->size());
  file->Append(chunk_.bytes());
  meta.total_uncompressed_size = chunk_uncompressed_bytes_;
  meta.total_compressed_size = static_cast<int64_t>(file->size()) - chunk_start;

  file_stats_.Merge(chunk_stats_);
  file_compressed_bytes_ += meta.total_compressed_size;
  ResetChunk();

  format::ColumnChunk chunk;
  // Deprecated field; like parquet-mr we point it at the chunk's first page.
  chunk.file_offset = chunk_start;
  chunk.meta_data = std::move(meta);
  return chunk;
}

}  // namespace pg2iceberg::parquet
