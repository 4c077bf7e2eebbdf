#include "parquet/column_chunk_reader.h"

#include <iterator>
#include <optional>

#include "parquet/compression.h"
#include "parquet/format_decoder.h"
#include "parquet/page_decoder.h"

namespace pg2iceberg::parquet {
namespace {

class ChunkReader {
 public:
  ChunkReader(const ChunkContext& chunk, const ReaderOptions& options,
              const std::vector<int64_t>* rows)
      : chunk_(chunk), meta_(*chunk.meta), options_(options), rows_(rows) {}

  Result<std::vector<Value>> Run() {
    ASSIGN_OR_RETURN(ByteSpan bytes, ChunkBytes());
    ASSIGN_OR_RETURN(codec_, ToCodec());
    PageContext page{chunk_.spec, codec_, &options_, chunk_.what};
    size_t pos = 0;
    while (values_seen_ < meta_.num_values) {
      if (pos >= bytes.size()) return Corrupt("column chunk ends before its values");
      ASSIGN_OR_RETURN(DecodedPageHeader header, DecodePageHeader(bytes.subspan(pos)));
      pos += header.header_bytes;
      const auto stored_size = static_cast<size_t>(header.header.compressed_page_size);
      if (stored_size > bytes.size() - pos) return Corrupt("page runs past its column chunk");
      RETURN_IF_ERROR(ReadPage(page, header.header, bytes.subspan(pos, stored_size)));
      pos += stored_size;
    }
    if (row_ != chunk_.num_rows) {
      return Corrupt("column chunk holds " + std::to_string(row_) + " rows, its row group " +
                     std::to_string(chunk_.num_rows));
    }
    return std::move(out_);
  }

 private:
  Status Corrupt(const std::string& problem) const {
    return Status::DataLoss(chunk_.what + ": " + problem + " (file corrupt)");
  }

  Result<ByteSpan> ChunkBytes() const {
    if (meta_.type != ToFormatType(chunk_.spec->physical_type)) {
      return Corrupt("column chunk's physical type differs from the schema's");
    }
    if (meta_.num_values < 0 || meta_.total_compressed_size < 0) {
      return Corrupt("negative value count or size");
    }
    if (meta_.num_values > options_.chunk_values_max) {
      return Status::InvalidArgument(chunk_.what + ": " + std::to_string(meta_.num_values) +
                                     " values exceed the reader's chunk_values_max of " +
                                     std::to_string(options_.chunk_values_max));
    }
    const bool flat = chunk_.spec->max_repetition_level() == 0;
    if (flat ? meta_.num_values != chunk_.num_rows : meta_.num_values < chunk_.num_rows) {
      return Corrupt("value count " + std::to_string(meta_.num_values) + " does not fit " +
                     std::to_string(chunk_.num_rows) + " rows");
    }
    // An empty chunk has no pages to read (pyarrow writes offset 0 and size 0 for it).
    if (meta_.num_values == 0) return ByteSpan();
    int64_t start = meta_.data_page_offset;
    const std::optional<int64_t>& dictionary = meta_.dictionary_page_offset;
    if (dictionary && *dictionary > 0 && *dictionary < start) start = *dictionary;
    const auto size = static_cast<int64_t>(chunk_.data.size());
    if (start < 4 || start > size || meta_.total_compressed_size > size - start) {
      return Corrupt("column chunk's byte range lies outside the file's data");
    }
    return chunk_.data.subspan(static_cast<size_t>(start),
                               static_cast<size_t>(meta_.total_compressed_size));
  }

  Result<Codec> ToCodec() const {
    switch (meta_.codec) {
      case format::CompressionCodec::kUncompressed:
        return Codec::kUncompressed;
      case format::CompressionCodec::kSnappy:
        return Codec::kSnappy;
      case format::CompressionCodec::kZstd:
        return Codec::kZstd;
    }
    static constexpr const char* kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                             "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    const auto value = static_cast<size_t>(meta_.codec);
    const std::string name = value < std::size(kNames) ? kNames[value] : std::to_string(value);
    return Status::InvalidArgument(chunk_.what + ": compression codec " + name +
                                   " is not supported (UNCOMPRESSED, SNAPPY, ZSTD are)");
  }

  bool Selected(int64_t row) {
    if (rows_ == nullptr) return true;
    while (selection_ < rows_->size() && (*rows_)[selection_] < row) ++selection_;
    return selection_ < rows_->size() && (*rows_)[selection_] == row;
  }
  // Whether rows [first, first + count) hold a selected row.
  bool AnySelected(int64_t first, int64_t count) {
    if (rows_ == nullptr) return true;
    while (selection_ < rows_->size() && (*rows_)[selection_] < first) ++selection_;
    return selection_ < rows_->size() && (*rows_)[selection_] < first + count;
  }

  Status ReadPage(const PageContext& page, const format::PageHeader& header, ByteSpan stored) {
    if (header.uncompressed_page_size > options_.page_bytes_max) {
      return Status::InvalidArgument(chunk_.what + ": a page of " +
                                     std::to_string(header.uncompressed_page_size) +
                                     " bytes exceeds the reader's page_bytes_max");
    }
    switch (header.type) {
      case format::PageType::kDictionaryPage:
        return ReadDictionaryPage(page, header, stored);
      case format::PageType::kDataPage:
      case format::PageType::kDataPageV2:
        return ReadDataPage(page, header, stored);
      case format::PageType::kIndexPage:
        return Status::Ok();
    }
    return Corrupt("unknown page type " + std::to_string(static_cast<int>(header.type)));
  }

  Status ReadDictionaryPage(const PageContext& page, const format::PageHeader& header,
                            ByteSpan stored) {
    if (dictionary_ || values_seen_ > 0) return Corrupt("dictionary page after data");
    ASSIGN_OR_RETURN(dictionary_, DecodeDictionaryPage(page, header, stored));
    return Status::Ok();
  }

  Status ReadDataPage(const PageContext& page, const format::PageHeader& header, ByteSpan stored) {
    ASSIGN_OR_RETURN(PageShape shape, DataPageShape(page, header));
    if (shape.num_values > meta_.num_values - values_seen_) {
      return Corrupt("pages hold more values than the column chunk");
    }
    values_seen_ += shape.num_values;
    if (shape.num_rows && !AnySelected(row_, *shape.num_rows)) {
      row_ += *shape.num_rows;  // nothing wanted here: skip without decompressing
      return Status::Ok();
    }
    const std::vector<Scalar>* dictionary = dictionary_ ? &*dictionary_ : nullptr;
    ASSIGN_OR_RETURN(DecodedPage decoded, DecodeDataPage(page, header, stored, dictionary));
    return chunk_.spec->max_repetition_level() == 0 ? AssembleFlat(decoded)
                                                    : AssembleLists(decoded);
  }

  Status AssembleFlat(const DecodedPage& page) {
    const uint32_t max_def = static_cast<uint32_t>(chunk_.spec->max_definition_level());
    size_t next = 0;
    for (size_t i = 0; i < page.count; ++i) {
      const bool present = max_def == 0 || page.definition[i] == max_def;
      const bool selected = Selected(row_++);
      if (!present) {
        if (selected) out_.emplace_back(std::monostate());
        continue;
      }
      if (selected) out_.push_back(ToValue(page.values[next]));
      ++next;
    }
    return Status::Ok();
  }

  Status AssembleLists(const DecodedPage& page);
  static Value ToValue(const Scalar& s) {
    return std::visit([](const auto& x) -> Value { return x; }, s);
  }

  const ChunkContext& chunk_;
  const format::ColumnMetaData& meta_;
  const ReaderOptions& options_;
  const std::vector<int64_t>* rows_;
  Codec codec_ = Codec::kUncompressed;
  std::optional<std::vector<Scalar>> dictionary_;
  int64_t values_seen_ = 0;  // level entries of the pages read or skipped
  int64_t row_ = 0;          // rows assembled or skipped
  size_t selection_ = 0;     // first entry of rows_ not yet passed
  std::vector<Value> out_;
};

// Entries with repetition level 0 start a row; the definition level says how far the entry
// is defined: below the list's own level a NULL list, at it an empty list, at the maximum an
// element, between them a NULL element.
Status ChunkReader::AssembleLists(const DecodedPage& page) {
  const ColumnSpec& spec = *chunk_.spec;
  const uint32_t max_def = static_cast<uint32_t>(spec.max_definition_level());
  const uint32_t list_def = spec.required ? 0 : 1;
  std::optional<Value> row;  // the row being assembled
  bool has_elements = false;
  size_t next = 0;
  auto finish_row = [&] {
    if (row && Selected(row_)) out_.push_back(std::move(*row));
    if (row) ++row_;
  };
  for (size_t i = 0; i < page.count; ++i) {
    const uint32_t def = page.definition[i];
    if (page.repetition[i] == 0) {
      finish_row();
      has_elements = def > list_def;
      row = def < list_def ? Value(std::monostate()) : Value(List());
      if (!has_elements) continue;
    } else if (!row || !has_elements || def <= list_def) {
      return Corrupt("a list entry continues no non-empty list");
    }
    List& list = std::get<List>(*row);
    if (def == max_def) {
      list.push_back(page.values[next++]);
    } else {
      list.emplace_back(std::monostate());
    }
  }
  finish_row();
  return Status::Ok();
}

}  // namespace

Result<std::vector<Value>> ReadColumnChunk(const ChunkContext& chunk, const ReaderOptions& options,
                                           const std::vector<int64_t>* rows) {
  ChunkReader reader(chunk, options, rows);
  return reader.Run();
}

}  // namespace pg2iceberg::parquet
