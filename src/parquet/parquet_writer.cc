#include "parquet/parquet_writer.h"

#include <limits>
#include <string>

#include "parquet/format_encoder.h"

namespace pg2iceberg::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";

std::string_view PhysicalTypeName(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "?";
}

Status ValidateOptions(const WriterOptions& options) {
  if (options.page_size_bytes == 0 || options.page_size_bytes > kMaxPageSizeBytes) {
    return Status::InvalidArgument("parquet page_size_bytes must be in 1.." +
                                   std::to_string(kMaxPageSizeBytes));
  }
  if (options.dictionary_page_size_bytes_max == 0 ||
      options.dictionary_page_size_bytes_max > kMaxPageSizeBytes) {
    return Status::InvalidArgument("parquet dictionary_page_size_bytes_max must be in 1.." +
                                   std::to_string(kMaxPageSizeBytes));
  }
  if (options.statistics_bound_bytes_max == 0) {
    return Status::InvalidArgument("parquet statistics_bound_bytes_max must be positive");
  }
  if (options.row_group_size_bytes == 0) {
    return Status::InvalidArgument("parquet row_group_size_bytes must be positive");
  }
  return Status::Ok();
}

std::string ColumnLabel(const ColumnSpec& spec) { return "parquet column '" + spec.name + "'"; }

}  // namespace

#ifndef PG2ICEBERG_VERSION
#error "PG2ICEBERG_VERSION must be defined by the build"
#endif
const char kDefaultCreatedBy[] = "pg2iceberg version " PG2ICEBERG_VERSION;

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Create(std::vector<ColumnSpec> columns,
                                                             WriterOptions options) {
  if (columns.empty()) return Status::InvalidArgument("a parquet file needs at least one column");
  RETURN_IF_ERROR(ValidateColumnSpecs(columns));
  RETURN_IF_ERROR(ValidateOptions(options));
  ASSIGN_OR_RETURN(std::unique_ptr<Compressor> compressor,
                   Compressor::Create(options.codec, options.zstd_level));
  std::vector<ColumnWriter> writers;
  writers.reserve(columns.size());
  for (ColumnSpec& spec : columns) {
    writers.emplace_back(std::move(spec), options.page_size_bytes,
                         options.statistics_bound_bytes_max,
                         options.dictionary_enabled ? options.dictionary_page_size_bytes_max : 0);
  }
  return std::unique_ptr<ParquetWriter>(
      new ParquetWriter(std::move(writers), std::move(options), std::move(compressor)));
}

ParquetWriter::ParquetWriter(std::vector<ColumnWriter> columns, WriterOptions options,
                             std::unique_ptr<Compressor> compressor)
    : columns_(std::move(columns)),
      options_(std::move(options)),
      compressor_(std::move(compressor)) {
  // Byte by byte: a range insert into the empty buffer trips a GCC 12 -O3 false positive
  // (-Wstringop-overflow).
  for (char c : kMagic) file_.AppendByte(static_cast<uint8_t>(c));
}

Status ParquetWriter::PrepareError(size_t column, PhysicalType type) const {
  const ColumnSpec& spec = columns_[column].spec();
  if (spec.physical_type != type) {
    return Status::InvalidArgument(ColumnLabel(spec) + " is " +
                                   std::string(PhysicalTypeName(spec.physical_type)) + ", not " +
                                   std::string(PhysicalTypeName(type)));
  }
  if (columns_[column].is_list()) {
    return Status::InvalidArgument(ColumnLabel(spec) +
                                   " is a list: values go between BeginList "
                                   "and EndList");
  }
  return Status::InvalidArgument(ColumnLabel(spec) + " already has a value in this row");
}

Status ParquetWriter::PrepareRowValue(size_t column) const {
  CHECK_MSG(column < columns_.size(), "parquet column index out of range");
  const ColumnWriter& c = columns_[column];
  if (c.list_open() || c.chunk_row_count() != rows_in_group_) {
    return Status::InvalidArgument(ColumnLabel(c.spec()) + " already has a value in this row");
  }
  return Status::Ok();
}

Status ParquetWriter::AppendNull(size_t column) {
  CHECK_MSG(column < columns_.size(), "parquet column index out of range");
  ColumnWriter& c = columns_[column];
  const ColumnSpec& spec = c.spec();
  if (c.is_list() && !c.list_open()) {  // a null list
    RETURN_IF_ERROR(PrepareRowValue(column));
    if (spec.required) {
      return Status::InvalidArgument(ColumnLabel(spec) + " is required and cannot be NULL");
    }
  } else {
    RETURN_IF_ERROR(Prepare(column, spec.physical_type));
    if (spec.list_element ? spec.list_element->required : spec.required) {
      return Status::InvalidArgument(ColumnLabel(spec) +
                                     (spec.list_element ? " elements are" : " is") +
                                     " required and cannot be NULL");
    }
  }
  c.AppendNull();
  return Status::Ok();
}

Status ParquetWriter::BeginList(size_t column) {
  RETURN_IF_ERROR(PrepareRowValue(column));
  ColumnWriter& c = columns_[column];
  if (!c.is_list()) return Status::InvalidArgument(ColumnLabel(c.spec()) + " is not a list");
  c.BeginList();
  return Status::Ok();
}

Status ParquetWriter::EndList(size_t column) {
  CHECK_MSG(column < columns_.size(), "parquet column index out of range");
  ColumnWriter& c = columns_[column];
  if (!c.list_open()) {
    return Status::InvalidArgument(ColumnLabel(c.spec()) + " has no open list (BeginList)");
  }
  c.EndList();
  return Status::Ok();
}

Status ParquetWriter::AppendBytes(size_t column, ByteSpan value) {
  CHECK_MSG(column < columns_.size(), "parquet column index out of range");
  ColumnWriter& c = columns_[column];
  const ColumnSpec& spec = c.spec();
  if (spec.physical_type == PhysicalType::kFixedLenByteArray) {
    RETURN_IF_ERROR(Prepare(column, PhysicalType::kFixedLenByteArray));
    if (value.size() != static_cast<size_t>(spec.type_length)) {
      return Status::InvalidArgument(ColumnLabel(spec) + " takes " +
                                     std::to_string(spec.type_length) + " bytes per value, not " +
                                     std::to_string(value.size()));
    }
    c.AppendFixedLenByteArray(value);
    return Status::Ok();
  }
  RETURN_IF_ERROR(Prepare(column, PhysicalType::kByteArray));
  if (value.size() > kMaxByteArrayValueBytes) {
    return Status::InvalidArgument(ColumnLabel(spec) + ": value of " +
                                   std::to_string(value.size()) + " bytes exceeds the limit of " +
                                   std::to_string(kMaxByteArrayValueBytes));
  }
  c.AppendByteArray(value);
  return Status::Ok();
}

Status ParquetWriter::CheckNoPartialRow() const {
  for (const ColumnWriter& c : columns_) {
    if (c.chunk_row_count() != rows_in_group_ || c.list_open()) {
      return Status::InvalidArgument("Finish: " + ColumnLabel(c.spec()) +
                                     " has a value in a row that EndRow did not complete");
    }
  }
  return Status::Ok();
}

Status ParquetWriter::EndRow() {
  CHECK_MSG(!finished_, "ParquetWriter used after Finish");
  size_t buffered = 0;
  for (ColumnWriter& c : columns_) {
    if (c.chunk_row_count() != rows_in_group_ + 1) [[unlikely]] {
      return Status::InvalidArgument("EndRow: " + ColumnLabel(c.spec()) +
                                     (c.list_open() ? " has a list without EndList in this row"
                                                    : " has no value in this row"));
    }
    if (c.PageFull()) RETURN_IF_ERROR(c.FlushPage(*compressor_));
    buffered += c.BufferedBytes();
  }
  ++rows_in_group_;
  ++row_count_;
  buffered_bytes_ = buffered;
  if (buffered >= options_.row_group_size_bytes) return FlushRowGroup();
  return Status::Ok();
}

Status ParquetWriter::FlushRowGroup() {
  format::RowGroup group;
  group.num_rows = rows_in_group_;
  group.file_offset = static_cast<int64_t>(file_.size());
  int64_t compressed = 0;
  for (ColumnWriter& c : columns_) {
    ASSIGN_OR_RETURN(format::ColumnChunk chunk, c.FinishChunk(*compressor_, &file_));
    group.total_byte_size += chunk.meta_data.total_uncompressed_size;
    compressed += chunk.meta_data.total_compressed_size;
    group.columns.push_back(std::move(chunk));
  }
  group.total_compressed_size = compressed;
  if (row_groups_.size() <= static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    group.ordinal = static_cast<int16_t>(row_groups_.size());
  }
  row_groups_.push_back(std::move(group));
  rows_in_group_ = 0;
  buffered_bytes_ = 0;
  return Status::Ok();
}

format::FileMetaData ParquetWriter::BuildFileMetaData() {
  format::FileMetaData meta;
  std::vector<ColumnSpec> specs;
  specs.reserve(columns_.size());
  for (const ColumnWriter& c : columns_) specs.push_back(c.spec());
  meta.schema = ToSchemaElements(specs);
  meta.num_rows = row_count_;
  meta.row_groups = std::move(row_groups_);
  for (const auto& [key, value] : options_.key_value_metadata) {
    meta.key_value_metadata.push_back(format::KeyValue{key, value});
  }
  meta.created_by = options_.created_by;
  return meta;
}

std::vector<ColumnSummary> ParquetWriter::BuildSummaries() const {
  std::vector<ColumnSummary> summaries;
  summaries.reserve(columns_.size());
  for (const ColumnWriter& c : columns_) {
    const ColumnStatistics& stats = c.file_stats();
    const PhysicalType type = c.spec().physical_type;
    ColumnSummary summary;
    summary.field_id = c.spec().leaf_field_id();
    summary.compressed_size_bytes = c.file_compressed_bytes();
    summary.value_count = stats.non_null_count() + stats.null_count();
    summary.null_count = stats.null_count();
    if (type == PhysicalType::kFloat || type == PhysicalType::kDouble) {
      summary.nan_count = stats.nan_count();
    }
    summary.min = stats.Min(type);
    summary.max = stats.Max(type);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

Result<ParquetFile> ParquetWriter::Finish() {
  CHECK_MSG(!finished_, "ParquetWriter::Finish called twice");
  RETURN_IF_ERROR(CheckNoPartialRow());
  if (rows_in_group_ > 0) RETURN_IF_ERROR(FlushRowGroup());
  finished_ = true;

  ParquetFile result;
  for (const format::RowGroup& group : row_groups_) {
    result.row_group_offsets.push_back(*group.file_offset);
  }
  const size_t footer_start = file_.size();
  EncodeFileMetaData(BuildFileMetaData(), &file_);
  file_.AppendLittleEndian(static_cast<uint32_t>(file_.size() - footer_start));
  file_.Append(kMagic);

  result.row_count = row_count_;
  result.columns = BuildSummaries();
  result.bytes = file_.Release();
  return result;
}

}  // namespace pg2iceberg::parquet
