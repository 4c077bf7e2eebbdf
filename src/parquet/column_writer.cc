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
                           size_t statistics_bound_bytes_max)
    : spec_(std::move(spec)),
      page_size_bytes_(page_size_bytes),
      statistics_bound_bytes_max_(statistics_bound_bytes_max),
      bytes_order_(BytesOrderFor(spec_)),
      max_repetition_level_(static_cast<uint8_t>(spec_.max_repetition_level())),
      max_definition_level_(static_cast<uint8_t>(spec_.max_definition_level())),
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

ByteSpan ColumnWriter::BuildPageBody() {
  if (max_definition_level_ == 0) return values_;  // then no repetition either
  page_body_.Clear();
  if (max_repetition_level_ > 0) {
    AppendLevels(repetition_levels_, max_repetition_level_, page_body_);
  }
  AppendLevels(def_levels_, max_definition_level_, page_body_);
  page_body_.Append(values_);
  return page_body_.bytes();
}

void ColumnWriter::ResetPage() {
  values_.clear();
  def_levels_.clear();
  repetition_levels_.clear();
  // A single huge value can grow a page far beyond the page size; do not keep that memory.
  if (values_.capacity() > 4 * page_size_bytes_) values_.shrink_to_fit();
  page_value_count_ = 0;
  page_bool_count_ = 0;
}

Status ColumnWriter::FlushPage(Compressor& compressor) {
  if (page_value_count_ == 0) return Status::Ok();
  const ByteSpan body = BuildPageBody();
  ByteSpan stored = body;
  if (compressor.codec() != Codec::kUncompressed) {
    compressed_.clear();
    RETURN_IF_ERROR(compressor.Compress(body, &compressed_));
    stored = compressed_;
  }
  format::PageHeader header;
  header.uncompressed_page_size = PageSize(body.size());
  header.compressed_page_size = PageSize(stored.size());
  header.data_page_header.emplace();
  header.data_page_header->num_values = PageSize(static_cast<size_t>(page_value_count_));
  const size_t header_start = chunk_.size();
  EncodePageHeader(header, &chunk_);
  const size_t header_size = chunk_.size() - header_start;
  chunk_.Append(stored);
  chunk_uncompressed_bytes_ += static_cast<int64_t>(header_size + body.size());
  flushed_value_count_ += page_value_count_;
  ResetPage();
  return Status::Ok();
}

Result<format::ColumnChunk> ColumnWriter::FinishChunk(Compressor& compressor, ByteWriter* file) {
  RETURN_IF_ERROR(FlushPage(compressor));
  format::ColumnMetaData meta;
  meta.type = ToFormatType(spec_.physical_type);
  meta.encodings = {format::Encoding::kPlain};
  if (max_definition_level_ > 0) meta.encodings.push_back(format::Encoding::kRle);
  meta.path_in_schema = LeafPath(spec_);
  meta.codec = ToFormatCodec(compressor.codec());
  meta.num_values = flushed_value_count_;
  meta.total_uncompressed_size = chunk_uncompressed_bytes_;
  meta.total_compressed_size = static_cast<int64_t>(chunk_.size());
  meta.data_page_offset = static_cast<int64_t>(file->size());
  meta.statistics = chunk_stats_.ToFormat(spec_.physical_type, statistics_bound_bytes_max_);

  file->Append(chunk_.bytes());
  file_stats_.Merge(chunk_stats_);
  file_compressed_bytes_ += meta.total_compressed_size;
  chunk_.Clear();
  flushed_value_count_ = 0;
  chunk_list_count_ = 0;
  chunk_uncompressed_bytes_ = 0;
  chunk_stats_ = ColumnStatistics(bytes_order_);

  format::ColumnChunk chunk;
  // Deprecated field; like parquet-mr we point it at the chunk's first page.
  chunk.file_offset = meta.data_page_offset;
  chunk.meta_data = std::move(meta);
  return chunk;
}

}  // namespace pg2iceberg::parquet
