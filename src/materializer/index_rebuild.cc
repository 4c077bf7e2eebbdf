#include "materializer/index_rebuild.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "base/check.h"
#include "iceberg/deletion_vector.h"
#include "iceberg/schema.h"
#include "materializer/primary_key.h"
#include "parquet/parquet_reader.h"
#include "table/row_decoder.h"

namespace pg2iceberg::materializer {
namespace {

using iceberg::DataFile;
using iceberg::FileContent;

struct LiveFilesByKind {
  std::vector<iceberg::ManifestEntry> data;
  std::vector<DataFile> position_deletes;  // Parquet files
  std::vector<DataFile> vectors;           // deletion vectors
  std::vector<iceberg::ManifestEntry> equality_deletes;
};

// Per key: the partitions and data sequence numbers of the equality deletes naming it. A row
// of the key in a data file of the same partition (any, when the table is unpartitioned) and a
// lower sequence number is deleted (Iceberg's scan planning rule).
using EqualityDeleted =
    std::map<std::string, std::vector<std::pair<iceberg::PartitionTuple, int64_t>>>;

Result<LiveFilesByKind> ListLiveFiles(ObjectStore& warehouse, iceberg::LiveFiles& live) {
  LiveFilesByKind files;
  for (size_t i = 0; i < live.manifests().size(); ++i) {
    ASSIGN_OR_RETURN(const std::vector<iceberg::ManifestEntry>* entries,
                     live.Entries(warehouse, i));
    for (const iceberg::ManifestEntry& entry : *entries) {
      const DataFile& file = entry.file;
      if (file.content == FileContent::kData) {
        files.data.push_back(entry);
      } else if (file.content == FileContent::kEqualityDeletes) {
        files.equality_deletes.push_back(entry);
      } else if (file.file_format == "PUFFIN") {
        files.vectors.push_back(file);
      } else {
        files.position_deletes.push_back(file);
      }
    }
  }
  return files;
}

Result<Bytes> ReadFile(ObjectStore& warehouse, const DataFile& file, const RebuildOptions& options,
                       LiveTableState& state) {
  if (file.file_size_in_bytes > options.file_bytes_max) {
    return Status::InvalidArgument(
        "table " + options.table_name + ": file " + file.file_path + " has " +
        std::to_string(file.file_size_in_bytes) +
        " bytes, more than the index rebuild reads at once (materializer.file_bytes_max, " +
        std::to_string(options.file_bytes_max) + "); raise it");
  }
  ASSIGN_OR_RETURN(std::string key, warehouse.KeyForLocation(file.file_path));
  Result<Bytes> bytes = warehouse.Get(key);
  RETURN_IF_ERROR(bytes.status().WithContext("reading " + file.file_path));
  state.bytes_read += static_cast<int64_t>(bytes->size());
  return bytes;
}

// The positions each data file's position delete files remove, by data file path.
Status ReadPositionDeletes(ObjectStore& warehouse, const std::vector<DataFile>& files,
                           const RebuildOptions& options, LiveTableState& state,
                           std::map<std::string, std::set<int64_t>>& deleted) {
  for (const DataFile& file : files) {
    ASSIGN_OR_RETURN(Bytes bytes, ReadFile(warehouse, file, options, state));
    Result<parquet::ParquetReader> reader = parquet::ParquetReader::Open(bytes);
    RETURN_IF_ERROR(reader.status().WithContext("position delete file " + file.file_path));
    for (size_t g = 0; g < reader->row_group_count(); ++g) {
      ASSIGN_OR_RETURN(std::vector<parquet::Value> paths, reader->ReadColumn(g, 0));
      ASSIGN_OR_RETURN(std::vector<parquet::Value> positions, reader->ReadColumn(g, 1));
      for (size_t i = 0; i < paths.size() && i < positions.size(); ++i) {
        const Bytes* path = std::get_if<Bytes>(&paths[i]);
        const int64_t* pos = std::get_if<int64_t>(&positions[i]);
        if (path == nullptr || pos == nullptr) {
          return Status::DataLoss("position delete file " + file.file_path +
                                  " holds a row that is not (file_path, pos)");
        }
        deleted[std::string(reinterpret_cast<const char*>(path->data()), path->size())].insert(
            *pos);
      }
    }
  }
  return Status::Ok();
}

Status ReadVectors(ObjectStore& warehouse, const std::vector<DataFile>& files,
                   LiveTableState& state, std::map<std::string, std::set<int64_t>>& deleted) {
  for (const DataFile& file : files) {
    if (!file.referenced_data_file || !file.content_offset || !file.content_size_in_bytes) {
      return Status::DataLoss("deletion vector entry " + file.file_path +
                              " lacks its data file, offset or size");
    }
    ASSIGN_OR_RETURN(std::string key, warehouse.KeyForLocation(file.file_path));
    Result<Bytes> blob = warehouse.GetRange(key, static_cast<uint64_t>(*file.content_offset),
                                            static_cast<uint64_t>(*file.content_size_in_bytes));
    RETURN_IF_ERROR(blob.status().WithContext("reading deletion vector in " + file.file_path));
    state.bytes_read += static_cast<int64_t>(blob->size());
    Result<std::vector<int64_t>> positions =
        iceberg::DeserializeDeletionVector(*blob, file.record_count);
    RETURN_IF_ERROR(positions.status().WithContext("deletion vector in " + file.file_path));
    deleted[*file.referenced_data_file].insert(positions->begin(), positions->end());
    state.vectors[*file.referenced_data_file] =
        ExistingVector{.entry = file, .positions = *positions};
  }
  return Status::Ok();
}

// The Parquet columns of the key, by the key fields' ids.
Result<std::vector<size_t>> KeyParquetColumns(const parquet::ParquetReader& reader,
                                              const std::vector<int>& field_ids,
                                              const std::string& path) {
  std::vector<size_t> columns;
  for (int id : field_ids) {
    const auto& specs = reader.columns();
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const parquet::ColumnSpec& c) { return c.field_id == id; });
    if (it == specs.end()) {
      return Status::DataLoss("data file " + path + " has no column with key field id " +
                              std::to_string(id));
    }
    columns.push_back(static_cast<size_t>(it - specs.begin()));
  }
  return columns;
}

struct KeyLayout;
Status ReadEqualityDeletes(ObjectStore& warehouse, const std::vector<iceberg::ManifestEntry>& files,
                           const KeyLayout& layout, const RebuildOptions& options,
                           LiveTableState& state, EqualityDeleted& deleted);

struct KeyLayout {
  change::TableSchema schema;  // the key columns only, for KeyOf and its messages
  std::vector<int> field_ids;
  std::vector<int> row_indexes;  // 0, 1, ...
  std::unique_ptr<RowDecoder> decoder;
};

Result<KeyLayout> KeyLayoutOf(const iceberg::Schema& schema, const RebuildOptions& options) {
  KeyLayout layout;
  std::vector<std::string> names;
  std::vector<iceberg::Type> types;
  for (const std::string& name : options.key_columns) {
    const iceberg::Field* field = schema.FindByName(name);
    if (field == nullptr) {
      return Status::InvalidArgument("table " + options.table_name + ": key column \"" + name +
                                     "\" is not in the Iceberg table's schema");
    }
    layout.schema.columns.push_back({.name = name, .key = true});
    layout.field_ids.push_back(field->id);
    names.push_back(name);
    types.push_back(field->type);
  }
  layout.schema.table_name = options.table_name;
  layout.row_indexes.resize(names.size());
  std::iota(layout.row_indexes.begin(), layout.row_indexes.end(), 0);
  layout.decoder = std::make_unique<RowDecoder>(options.table_name, names, types);
  return layout;
}

Status ReadEqualityDeletes(ObjectStore& warehouse, const std::vector<iceberg::ManifestEntry>& files,
                           const KeyLayout& layout, const RebuildOptions& options,
                           LiveTableState& state, EqualityDeleted& deleted) {
  std::vector<int> key_ids = layout.field_ids;
  std::sort(key_ids.begin(), key_ids.end());
  for (const iceberg::ManifestEntry& entry : files) {
    const DataFile& file = entry.file;
    std::vector<int> ids = file.equality_ids;
    std::sort(ids.begin(), ids.end());
    if (ids != key_ids) {
      return Status::InvalidArgument(
          "table " + options.table_name + ": equality delete file " + file.file_path +
          " deletes by other columns than the primary key, so the index cannot place the rows "
          "it removes; the table was written by another tool: mirror it afresh");
    }
    ASSIGN_OR_RETURN(Bytes bytes, ReadFile(warehouse, file, options, state));
    Result<parquet::ParquetReader> reader = parquet::ParquetReader::Open(bytes);
    RETURN_IF_ERROR(reader.status().WithContext("equality delete file " + file.file_path));
    ASSIGN_OR_RETURN(std::vector<size_t> columns,
                     KeyParquetColumns(*reader, layout.field_ids, file.file_path));
    const int64_t sequence = entry.sequence_number.value_or(0);
    for (size_t g = 0; g < reader->row_group_count(); ++g) {
      std::vector<std::vector<parquet::Value>> values;
      for (size_t column : columns) {
        ASSIGN_OR_RETURN(std::vector<parquet::Value> read, reader->ReadColumn(g, column));
        values.push_back(std::move(read));
      }
      for (int64_t i = 0; i < reader->row_group_row_count(g); ++i) {
        change::Row key_row;
        for (size_t k = 0; k < columns.size(); ++k) {
          ASSIGN_OR_RETURN(change::Value value, layout.decoder->DecodeValue(values[k][i], k));
          key_row.push_back(std::move(value));
        }
        ASSIGN_OR_RETURN(std::string key, KeyOf(layout.schema, key_row, layout.row_indexes));
        deleted[key].emplace_back(file.partition, sequence);
      }
    }
  }
  return Status::Ok();
}

// Whether an equality delete removes the row of `key` in a data file of `partition` and data
// sequence number `sequence`.
bool RemovedByEquality(const EqualityDeleted& deleted, const std::string& key,
                       const iceberg::PartitionTuple& partition, int64_t sequence) {
  auto it = deleted.find(key);
  if (it == deleted.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const auto& d) {
    return d.second > sequence && (d.first.empty() || d.first == partition);
  });
}

Status IndexDataFile(const parquet::ParquetReader& reader, const KeyLayout& layout,
                     uint32_t file_number, const std::set<int64_t>* deleted,
                     const EqualityDeleted& equality, const iceberg::ManifestEntry& entry,
                     const std::string& path, PrimaryKeyIndex& index, LiveTableState& state) {
  const int64_t sequence = entry.sequence_number.value_or(0);
  ASSIGN_OR_RETURN(std::vector<size_t> columns, KeyParquetColumns(reader, layout.field_ids, path));
  if (deleted != nullptr && !deleted->empty() && *deleted->rbegin() >= reader.row_count()) {
    return Status::DataLoss("a delete of data file " + path + " names row " +
                            std::to_string(*deleted->rbegin()) + " of its " +
                            std::to_string(reader.row_count()));
  }
  for (size_t g = 0; g < reader.row_group_count(); ++g) {
    std::vector<std::vector<parquet::Value>> values;
    for (size_t column : columns) {
      ASSIGN_OR_RETURN(std::vector<parquet::Value> read, reader.ReadColumn(g, column));
      values.push_back(std::move(read));
    }
    const int64_t first = reader.row_group_first_row(g);
    for (int64_t i = 0; i < reader.row_group_row_count(g); ++i) {
      if (deleted != nullptr && deleted->count(first + i) != 0) continue;
      change::Row key_row;
      for (size_t k = 0; k < columns.size(); ++k) {
        ASSIGN_OR_RETURN(change::Value value, layout.decoder->DecodeValue(values[k][i], k));
        key_row.push_back(std::move(value));
      }
      ASSIGN_OR_RETURN(std::string key, KeyOf(layout.schema, key_row, layout.row_indexes));
      if (!equality.empty() && RemovedByEquality(equality, key, entry.file.partition, sequence)) {
        ++state.deleted_rows;
        continue;
      }
      if (index.Find(key)) {
        return Status::DataLoss("table " + layout.schema.table_name + ": key (" +
                                DescribeKey(layout.schema, key_row, layout.row_indexes) +
                                ") is live twice (again in " + path +
                                "); the Iceberg table was changed outside pg2iceberg: mirror "
                                "it afresh");
      }
      RETURN_IF_ERROR(index.Put(key, {file_number, first + i}));
      ++state.rows;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<LiveTableState> RebuildIndex(ObjectStore& warehouse, iceberg::LiveFiles& live,
                                    const iceberg::TableMetadata& metadata,
                                    const RebuildOptions& options, PrimaryKeyIndex& index) {
  CHECK_MSG(index.size() == 0 && index.next_file() == 0, "RebuildIndex starts from nothing");
  LiveTableState state;
  if (metadata.CurrentSnapshot() == nullptr) return state;
  const iceberg::Schema* schema = metadata.CurrentSchema();
  if (schema == nullptr) return Status::DataLoss("table " + options.table_name + " has no schema");
  ASSIGN_OR_RETURN(KeyLayout layout, KeyLayoutOf(*schema, options));
  RETURN_IF_ERROR(live.SyncTo(warehouse, metadata));
  ASSIGN_OR_RETURN(LiveFilesByKind files, ListLiveFiles(warehouse, live));
  std::map<std::string, std::set<int64_t>> deleted;
  RETURN_IF_ERROR(ReadPositionDeletes(warehouse, files.position_deletes, options, state, deleted));
  RETURN_IF_ERROR(ReadVectors(warehouse, files.vectors, state, deleted));
  EqualityDeleted equality;
  RETURN_IF_ERROR(
      ReadEqualityDeletes(warehouse, files.equality_deletes, layout, options, state, equality));
  for (const iceberg::ManifestEntry& entry : files.data) {
    const DataFile& file = entry.file;
    ASSIGN_OR_RETURN(uint32_t number, index.AddFile(file.file_path));
    state.data_files.push_back({.path = file.file_path, .partition = file.partition});
    ASSIGN_OR_RETURN(Bytes bytes, ReadFile(warehouse, file, options, state));
    Result<parquet::ParquetReader> reader = parquet::ParquetReader::Open(bytes);
    RETURN_IF_ERROR(reader.status().WithContext("data file " + file.file_path));
    auto it = deleted.find(file.file_path);
    const std::set<int64_t>* removed = it == deleted.end() ? nullptr : &it->second;
    if (removed != nullptr) state.deleted_rows += static_cast<int64_t>(removed->size());
    RETURN_IF_ERROR(IndexDataFile(*reader, layout, number, removed, equality, entry, file.file_path,
                                  index, state));
  }
  return state;
}

}  // namespace pg2iceberg::materializer
