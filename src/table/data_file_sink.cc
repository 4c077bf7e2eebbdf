#include "table/data_file_sink.h"

#include <algorithm>
#include <cstdio>

#include "iceberg/parquet_schema.h"

namespace pg2iceberg {

DataFileSink::DataFileSink(ObjectStore& store, Random& random, iceberg::Schema schema,
                           Partitioner partitioner, RowEncoder encoder, DataFileSinkOptions options)
    : store_(store),
      random_(random),
      schema_(std::move(schema)),
      partitioner_(std::move(partitioner)),
      encoder_(std::move(encoder)),
      options_(std::move(options)) {
  CHECK(encoder_.columns().size() == schema_.fields.size());
  options_.max_open_files = std::max<size_t>(options_.max_open_files, 1);
  options_.open_files_bytes_max =
      std::max(options_.open_files_bytes_max, options_.target_file_size_bytes);
}

Result<RowLocation> DataFileSink::Append(const change::Row& row) {
  CHECK(row.size() == schema_.fields.size());
  iceberg::PartitionTuple partition;
  if (partitioner_.partitioned()) {
    ASSIGN_OR_RETURN(partition, partitioner_.TupleOf(row));
  }
  ASSIGN_OR_RETURN(const size_t index, FileFor(std::move(partition)));
  parquet::ParquetWriter& writer = *open_[index].writer;
  const RowLocation location{.file = open_[index].number, .position = writer.row_count()};
  RETURN_IF_ERROR(encoder_.Write(row, writer));
  if (writer.EstimatedFileSizeBytes() >= options_.target_file_size_bytes) {
    RETURN_IF_ERROR(CloseFile(index));
  } else {
    RETURN_IF_ERROR(CloseLargestWhileOverBudget());
  }
  return location;
}

Result<std::string> DataFileSink::ClosedFilePath(size_t file) const {
  if (file >= closed_index_.size()) {
    return Status::NotFound("data file " + std::to_string(file) + " was never opened");
  }
  if (closed_index_[file] == kOpen) {
    return Status::NotFound("data file " + std::to_string(file) + " is not closed yet");
  }
  return files_[closed_index_[file]].file_path;
}

Result<std::vector<iceberg::DataFile>> DataFileSink::Finish() {
  while (!open_.empty()) RETURN_IF_ERROR(CloseFile(open_.size() - 1));
  return files_;
}

// The open file of `partition`, opening one (after closing the largest when at the limit).
Result<size_t> DataFileSink::FileFor(iceberg::PartitionTuple partition) {
  for (size_t i = 0; i < open_.size(); ++i) {
    if (open_[i].partition == partition) return i;
  }
  if (open_.size() >= options_.max_open_files) RETURN_IF_ERROR(CloseFile(LargestOpenFile()));
  ASSIGN_OR_RETURN(
      std::unique_ptr<parquet::ParquetWriter> writer,
      parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema_), options_.parquet));
  open_.push_back({closed_index_.size(), std::move(partition), std::move(writer)});
  closed_index_.push_back(kOpen);
  return open_.size() - 1;
}

size_t DataFileSink::LargestOpenFile() const {
  size_t largest = 0;
  for (size_t i = 1; i < open_.size(); ++i) {
    if (open_[i].writer->EstimatedFileSizeBytes() > open_[largest].writer->EstimatedFileSizeBytes())
      largest = i;
  }
  return largest;
}

Status DataFileSink::CloseLargestWhileOverBudget() {
  while (open_.size() > 1) {
    int64_t total = 0;
    for (const OpenFile& file : open_) total += file.writer->EstimatedFileSizeBytes();
    if (total < options_.open_files_bytes_max) return Status::Ok();
    RETURN_IF_ERROR(CloseFile(LargestOpenFile()));
  }
  return Status::Ok();
}

// Writes the file at `index` out (unless it holds no rows) and forgets it.
Status DataFileSink::CloseFile(size_t index) {
  OpenFile file = std::move(open_[index]);
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  if (file.writer->row_count() == 0) return Status::Ok();
  ASSIGN_OR_RETURN(parquet::ParquetFile parquet_file, file.writer->Finish());
  char sequence[16];
  std::snprintf(sequence, sizeof sequence, "%05zu", files_.size());
  const std::string directory =
      partitioner_.partitioned() ? partitioner_.PathOf(file.partition) + "/" : std::string();
  std::string key =
      options_.data_key_prefix + directory + sequence + "-" + random_.UuidV4String() + ".parquet";
  written_keys_.push_back(key);
  RETURN_IF_ERROR(store_.Put(key, parquet_file.bytes, PutOptions{.if_none_match = true}));
  iceberg::DataFile data_file = iceberg::DataFileFor(store_.Location(key), parquet_file, schema_);
  data_file.partition = std::move(file.partition);
  closed_index_[file.number] = files_.size();
  files_.push_back(std::move(data_file));
  return Status::Ok();
}

}  // namespace pg2iceberg
