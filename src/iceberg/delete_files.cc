#include "iceberg/delete_files.h"

#include <algorithm>
#include <set>

#include "iceberg/deletion_vector.h"
#include "iceberg/parquet_schema.h"
#include "iceberg/puffin.h"

namespace pg2iceberg::iceberg {

Result<Schema> EqualityDeleteSchema(const Schema& table, const std::vector<int>& equality_ids) {
  if (equality_ids.empty())
    return Status::InvalidArgument("an equality delete file needs at least one column");
  std::set<int> wanted;
  for (int id : equality_ids) {
    if (table.FindById(id) == nullptr) {
      return Status::InvalidArgument("equality delete column " + std::to_string(id) +
                                     " is not a table field");
    }
    if (!wanted.insert(id).second) {
      return Status::InvalidArgument("equality delete column " + std::to_string(id) +
                                     " is given twice");
    }
  }
  Schema schema;
  schema.schema_id = table.schema_id;
  for (const Field& field : table.fields) {
    if (wanted.count(field.id) != 0) schema.fields.push_back(field);
  }
  return schema;
}

DataFile EqualityDeleteFileFor(const std::string& location, const parquet::ParquetFile& file,
                               const Schema& delete_schema, const std::vector<int>& equality_ids) {
  DataFile entry = DataFileFor(location, file, delete_schema);
  entry.content = FileContent::kEqualityDeletes;
  entry.equality_ids = equality_ids;
  return entry;
}

Result<WrittenDeleteFile> WritePositionDeleteFile(const std::string& location,
                                                  std::vector<FilePosition> deletes,
                                                  const parquet::WriterOptions& options) {
  if (deletes.empty())
    return Status::InvalidArgument("a position delete file needs at least one position");
  std::sort(deletes.begin(), deletes.end(), [](const FilePosition& a, const FilePosition& b) {
    return a.file_path != b.file_path ? a.file_path < b.file_path : a.pos < b.pos;
  });
  Schema schema;
  schema.fields = {
      {kDeleteFilePathFieldId, "file_path", true, Type::Primitive(TypeId::kString), ""},
      {kDeletePosFieldId, "pos", true, Type::Primitive(TypeId::kLong), ""}};
  ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Create(ParquetColumnsFor(schema), options));
  for (size_t i = 0; i < deletes.size(); ++i) {
    const FilePosition& d = deletes[i];
    if (d.pos < 0 ||
        (i > 0 && d.file_path == deletes[i - 1].file_path && d.pos == deletes[i - 1].pos)) {
      return Status::InvalidArgument("position " + std::to_string(d.pos) + " of " + d.file_path +
                                     " is negative or given twice");
    }
    RETURN_IF_ERROR(writer->AppendBytes(0, AsBytes(d.file_path)));
    RETURN_IF_ERROR(writer->AppendInt64(1, d.pos));
    RETURN_IF_ERROR(writer->EndRow());
  }
  ASSIGN_OR_RETURN(parquet::ParquetFile file, writer->Finish());
  DataFile entry = DataFileFor(location, file, schema);
  entry.content = FileContent::kPositionDeletes;
  if (deletes.front().file_path == deletes.back().file_path)
    entry.referenced_data_file = deletes.front().file_path;
  WrittenDeleteFile written;
  written.bytes = std::move(file.bytes);
  written.entries.push_back(std::move(entry));
  return written;
}

Result<WrittenDeleteFile> WriteDeletionVectorFile(const std::string& location,
                                                  std::vector<DataFileDeletes> deletes,
                                                  const std::string& created_by) {
  if (deletes.empty())
    return Status::InvalidArgument("a deletion vector file needs at least one vector");
  std::vector<PuffinBlob> blobs;
  std::set<std::string> seen;
  for (DataFileDeletes& d : deletes) {
    if (!seen.insert(d.data_file).second) {
      return Status::InvalidArgument("data file " + d.data_file + " given two deletion vectors");
    }
    std::sort(d.positions.begin(), d.positions.end());
    Result<Bytes> blob = SerializeDeletionVector(d.positions);
    if (!blob.ok()) return blob.status().WithContext("deletion vector of " + d.data_file);
    blobs.push_back({kDeletionVectorBlobType,
                     {kRowPositionFieldId},
                     -1,
                     -1,
                     std::move(*blob),
                     {{kReferencedDataFileProperty, d.data_file},
                      {kCardinalityProperty, std::to_string(d.positions.size())}}});
  }
  PuffinFile puffin = WritePuffin(blobs, created_by);
  WrittenDeleteFile written;
  for (size_t i = 0; i < deletes.size(); ++i) {
    DataFile entry;
    entry.content = FileContent::kPositionDeletes;
    entry.file_path = location;
    entry.file_format = "PUFFIN";
    entry.record_count = static_cast<int64_t>(deletes[i].positions.size());
    entry.file_size_in_bytes = static_cast<int64_t>(puffin.bytes.size());
    entry.referenced_data_file = deletes[i].data_file;
    entry.content_offset = puffin.blobs[i].offset;
    entry.content_size_in_bytes = puffin.blobs[i].length;
    written.entries.push_back(std::move(entry));
  }
  written.bytes = std::move(puffin.bytes);
  return written;
}

}  // namespace pg2iceberg::iceberg
