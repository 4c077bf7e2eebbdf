#include "mirror/data_file_sink.h"

#include <cstdio>

#include "iceberg/parquet_schema.h"

namespace pg2iceberg {

DataFileSink::DataFileSink(ObjectStore& store, Random& random, iceberg::Schema schema,
                           DataFileSinkOptions options)
    : store_(store), random_(random), schema_(std::move(schema)), options_(std::move(options)) {}

Status DataFileSink::Append(pg::CopyBinaryParser::Fields fields, const RowEncoder& encoder) {
  if (!writer_) RETURN_IF_ERROR(OpenFile());
  RETURN_IF_ERROR(encoder.Encode(fields, *writer_));
  if (writer_->EstimatedFileSizeBytes() >= options_.target_file_size_bytes) return CloseFile();
  return Status::Ok();
}

Result<std::vector<iceberg::DataFile>> DataFileSink::Finish() {
  if (writer_ && writer_->row_count() > 0) RETURN_IF_ERROR(CloseFile());
  writer_.reset();
  return files_;
}

Status DataFileSink::OpenFile() {
  ASSIGN_OR_RETURN(writer_, parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema_),
                                                           options_.parquet));
  return Status::Ok();
}

Status DataFileSink::CloseFile() {
  ASSIGN_OR_RETURN(parquet::ParquetFile file, writer_->Finish());
  writer_.reset();
  char sequence[16];
  std::snprintf(sequence, sizeof sequence, "%05zu", files_.size());
  std::string key = options_.data_key_prefix + sequence + "-" + random_.UuidV4String() + ".parquet";
  written_keys_.push_back(key);
  RETURN_IF_ERROR(store_.Put(key, file.bytes, PutOptions{.if_none_match = true}));
  files_.push_back(iceberg::DataFileFor(store_.Location(key), file, schema_));
  return Status::Ok();
}

}  // namespace pg2iceberg
