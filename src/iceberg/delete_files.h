// Writing Iceberg delete files, the three kinds the spec defines:
//
//   - equality delete files (format version 2+): Parquet files holding the values of the
//     delete columns (a subset of the table schema, same field ids); a data row whose values
//     equal all delete columns of any delete row is deleted from data files of lower sequence
//     numbers. Written with ParquetWriter on ParquetColumnsFor(EqualityDeleteSchema(…)); the
//     entry comes from EqualityDeleteFileFor.
//   - position delete files (format version 2): Parquet files of (file_path, pos) rows sorted by
//     path then position, the spec's reserved field ids 2147483546 and 2147483545.
//   - deletion vectors (format version 3): one deletion-vector-v1 blob per data file in a Puffin
//     file (deletion_vector.h, puffin.h).
//
// Each writer returns the bytes to store and the DataFile entries to commit
// (TableCommitInput::delete_files). The entries are unpartitioned; in a partitioned table the
// caller sets each entry's `partition` to the tuple of the data files it applies to (a delete
// file applies only within its partition).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "iceberg/data_file.h"
#include "iceberg/schema.h"
#include "parquet/parquet_writer.h"

namespace pg2iceberg::iceberg {

inline constexpr int kDeleteFilePathFieldId = 2147483546;
inline constexpr int kDeletePosFieldId = 2147483545;
// The `_pos` metadata column (Integer.MAX_VALUE - 2): the field a deletion vector's Puffin blob
// names in its `fields`, as Iceberg's reference implementation writes it.
inline constexpr int kRowPositionFieldId = 2147483645;

// The schema of an equality delete file on `equality_ids` (their fields, in table order).
// kInvalidArgument when an id names no top-level field, repeats, or none is given.
Result<Schema> EqualityDeleteSchema(const Schema& table, const std::vector<int>& equality_ids);

// The entry of a finished equality delete file (metrics as for a data file).
DataFile EqualityDeleteFileFor(const std::string& location, const parquet::ParquetFile& file,
                               const Schema& delete_schema, const std::vector<int>& equality_ids);

struct FilePosition {
  std::string file_path;  // the data file's location, as its manifest entry has it
  int64_t pos = 0;        // row position in that file, from 0
};

struct WrittenDeleteFile {
  Bytes bytes;
  std::vector<DataFile> entries;  // one for a Parquet delete file, one per blob for a Puffin file
};

// A position delete file of `deletes` (sorted here; a repeated or negative position is
// kInvalidArgument). Its entry names the one data file it covers as referenced_data_file.
Result<WrittenDeleteFile> WritePositionDeleteFile(const std::string& location,
                                                  std::vector<FilePosition> deletes,
                                                  const parquet::WriterOptions& options);

struct DataFileDeletes {
  std::string data_file;           // location of the data file
  std::vector<int64_t> positions;  // deleted positions (sorted here; repeats refused)
};

// A Puffin file with one deletion vector per entry of `deletes` (each data file at most once).
// Entries: content position deletes, file_format "PUFFIN", record_count = deleted positions,
// referenced_data_file, content_offset and content_size_in_bytes of the blob.
Result<WrittenDeleteFile> WriteDeletionVectorFile(const std::string& location,
                                                  std::vector<DataFileDeletes> deletes,
                                                  const std::string& created_by);

}  // namespace pg2iceberg::iceberg
