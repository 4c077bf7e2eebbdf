#include "materializer/iceberg_table.h"

#include <algorithm>
#include <set>

#include "base/check.h"
#include "iceberg/delete_files.h"
#include "iceberg/summary_keys.h"
#include "materializer/data_file_read.h"
#include "materializer/index_rebuild.h"
#include "table/data_file_sink.h"
#include "table/partitioner.h"
#include "table/row_decoder.h"
#include "table/row_encoder.h"

namespace pg2iceberg::materializer {
namespace {

using change::Value;
using change::ValueKind;
using iceberg::TypeId;

// `value` as a column of `type` holds it: a value staged before the column was widened widens.
Value Widened(Value value, const iceberg::Type& type) {
  if (type.id == TypeId::kLong && value.kind == ValueKind::kInt32) value.kind = ValueKind::kInt64;
  if (type.id == TypeId::kDouble && value.kind == ValueKind::kFloat32) {
    value.kind = ValueKind::kFloat64;
  }
  return value;
}

std::string KeyOfLocation(ObjectStore& store, const std::string& location) {
  Result<std::string> key = store.KeyForLocation(location);
  CHECK_MSG(key.ok(), "the table's own files lie in its warehouse");
  return *key;
}

}  // namespace

// The files of one batch of an IcebergTable.
class IcebergBatch final : public BatchFiles {
 public:
  IcebergBatch(IcebergTable& table, std::unique_ptr<DataFileSink> sink)
      : table_(table), sink_(std::move(sink)) {}

  Result<RowLocation> Append(const change::TableSchema& schema, const change::Row& row) override;
  Result<iceberg::TableCommitInput> Finish(const TableBatch& batch,
                                           const CommittedProgress& progress) override;

 private:
  Result<const std::vector<int>*> ColumnMap(const change::TableSchema& schema);
  Status NameClosedFiles(const std::vector<iceberg::DataFile>& files);
  Result<std::vector<iceberg::DataFile>> WritePositionDeletes(const DeletePlan& plan);
  Result<std::vector<iceberg::DataFile>> WriteVectors(const DeletePlan& plan,
                                                      IcebergTable::Pending& pending);
  Result<std::vector<iceberg::DataFile>> Put(const std::string& suffix,
                                             Result<iceberg::WrittenDeleteFile> written);

  IcebergTable& table_;
  std::unique_ptr<DataFileSink> sink_;
  std::map<size_t, uint32_t> numbers_;  // the sink's file number → the index's
  // Per staged schema (alive while the batch's changes are): for each Iceberg column, the
  // staged column it comes from (-1: none, NULL).
  std::map<const change::TableSchema*, std::vector<int>> column_maps_;
};

IcebergTable::IcebergTable(IcebergTableLayout layout, iceberg::TableState state,
                           ObjectStore& warehouse, Random& random, IcebergTableOptions options)
    : layout_(std::move(layout)),
      state_(std::move(state)),
      warehouse_(warehouse),
      random_(random),
      options_(options),
      index_(layout_.name, options.index_memory_max_bytes) {}

Result<std::unique_ptr<IcebergTable>> IcebergTable::Open(IcebergTableLayout layout,
                                                         iceberg::TableState state,
                                                         ObjectStore& warehouse, Random& random,
                                                         IcebergTableOptions options) {
  CHECK(layout.format_version == 2 || layout.format_version == 3);
  std::unique_ptr<IcebergTable> table(
      new IcebergTable(std::move(layout), std::move(state), warehouse, random, options));
  ASSIGN_OR_RETURN(LiveTableState live,
                   RebuildIndex(warehouse, table->live_files_, table->state_.metadata,
                                {.table_name = table->layout_.name,
                                 .key_columns = table->layout_.key_columns,
                                 .file_bytes_max = options.file_bytes_max},
                                table->index_));
  table->files_ = std::move(live.data_files);
  table->vectors_ = std::move(live.vectors);
  return table;
}

void IcebergTable::Committed(iceberg::TableState state) {
  state_ = std::move(state);
  if (!pending_) return;
  if (pending_->truncated) vectors_.clear();
  for (const std::string& path : pending_->removed_vector_files) {
    std::erase_if(vectors_, [&](const auto& v) { return v.second.entry.file_path == path; });
  }
  for (auto& [data_file, vector] : pending_->vectors) vectors_[data_file] = std::move(vector);
  pending_.reset();
}

Result<std::unique_ptr<BatchFiles>> IcebergTable::BeginBatch() {
  pending_.reset();
  ASSIGN_OR_RETURN(Partitioner partitioner,
                   Partitioner::Create(layout_.name, layout_.schema, layout_.partition_fields));
  auto sink = std::make_unique<DataFileSink>(
      warehouse_, random_, layout_.schema, std::move(partitioner),
      RowEncoder(layout_.name, layout_.columns),
      DataFileSinkOptions{.data_key_prefix = layout_.data_key_prefix,
                          .target_file_size_bytes = options_.target_file_size_bytes,
                          .parquet = options_.parquet});
  return std::unique_ptr<BatchFiles>(new IcebergBatch(*this, std::move(sink)));
}

Result<const parquet::ParquetReader*> IcebergTable::OpenFile(const std::string& path) {
  if (open_reader_ && open_path_ == path) return &*open_reader_;
  open_reader_.reset();
  open_path_.clear();
  Result<Bytes> bytes = ReadDataFile(warehouse_, path, options_.file_bytes_max, layout_.name);
  RETURN_IF_ERROR(bytes.status());
  open_bytes_ = std::move(*bytes);
  Result<parquet::ParquetReader> reader = parquet::ParquetReader::Open(open_bytes_);
  RETURN_IF_ERROR(reader.status().WithContext("data file " + path));
  open_reader_.emplace(std::move(*reader));
  open_path_ = path;
  return &*open_reader_;
}

Result<change::Row> IcebergTable::ReadRow(RowLocation location, const change::TableSchema& schema) {
  CHECK(location.file < files_.size());
  const std::string& path = files_[location.file].path;
  if (path.empty()) {
    return Status::InvalidArgument(
        "table " + layout_.name +
        ": an update left a TOASTed value unchanged in a row written earlier in the same batch, "
        "and the batch no longer holds that row's image (one source transaction wrote more "
        "than the batch's 256 MiB image bound before updating the row); such transactions are "
        "not mirrored yet");
  }
  ASSIGN_OR_RETURN(const parquet::ParquetReader* reader, OpenFile(path));
  std::vector<size_t> columns;
  std::vector<std::string> names;
  std::vector<iceberg::Type> types;
  std::vector<int> wanted(schema.columns.size(), -1);  // per schema column: its read column
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const iceberg::Field* field = layout_.schema.FindByName(schema.columns[i].name);
    if (field == nullptr) continue;
    const auto& specs = reader->columns();
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const parquet::ColumnSpec& c) { return c.field_id == field->id; });
    if (it == specs.end()) continue;  // added after the file was written: NULL
    wanted[i] = static_cast<int>(columns.size());
    columns.push_back(static_cast<size_t>(it - specs.begin()));
    names.push_back(field->name);
    types.push_back(field->type);
  }
  const int64_t position = location.position;
  ASSIGN_OR_RETURN(auto rows, reader->ReadRows(std::span<const int64_t>(&position, 1), columns));
  if (rows.size() != 1) return Status::NotFound("no row " + std::to_string(position));
  RowDecoder decoder(layout_.name, names, types);
  change::Row out(schema.columns.size(), Value::Null());
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    if (wanted[i] < 0) continue;
    ASSIGN_OR_RETURN(out[i], decoder.DecodeValue(rows[0][wanted[i]], wanted[i]));
  }
  return out;
}

Result<const std::vector<int>*> IcebergBatch::ColumnMap(const change::TableSchema& schema) {
  auto it = column_maps_.find(&schema);
  if (it != column_maps_.end()) return &it->second;
  const std::vector<MappedColumn>& columns = table_.layout_.columns;
  std::vector<int> map(columns.size(), -1);
  for (size_t j = 0; j < schema.columns.size(); ++j) {
    auto found = std::find_if(columns.begin(), columns.end(), [&](const MappedColumn& c) {
      return c.pg.name == schema.columns[j].name;
    });
    if (found == columns.end()) {
      return Status::InvalidArgument(
          "table " + table_.layout_.name + ": column \"" + schema.columns[j].name +
          "\" arrived in a change but is not in the Iceberg table; following schema changes "
          "mid-stream is not built yet: mirror the table afresh after the change");
    }
    map[static_cast<size_t>(found - columns.begin())] = static_cast<int>(j);
  }
  return &column_maps_.emplace(&schema, std::move(map)).first->second;
}

Result<RowLocation> IcebergBatch::Append(const change::TableSchema& schema,
                                         const change::Row& row) {
  ASSIGN_OR_RETURN(const std::vector<int>* map, ColumnMap(schema));
  const std::vector<MappedColumn>& columns = table_.layout_.columns;
  change::Row out;
  out.reserve(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const int from = (*map)[i];
    out.push_back(from < 0 ? Value::Null() : Widened(row[from], columns[i].iceberg_type));
  }
  ASSIGN_OR_RETURN(pg2iceberg::RowLocation at, sink_->Append(out));
  auto [it, added] = numbers_.try_emplace(at.file, 0);
  if (added) {
    ASSIGN_OR_RETURN(it->second, table_.index_.AddFile(""));
    CHECK(it->second == table_.files_.size());
    table_.files_.push_back({});
  }
  return RowLocation{it->second, at.position};
}

Status IcebergBatch::NameClosedFiles(const std::vector<iceberg::DataFile>& files) {
  for (const auto& [sink_number, index_number] : numbers_) {
    ASSIGN_OR_RETURN(std::string path, sink_->ClosedFilePath(sink_number));
    auto file = std::find_if(files.begin(), files.end(),
                             [&](const iceberg::DataFile& f) { return f.file_path == path; });
    CHECK_MSG(file != files.end(), "every closed file is among those Finish returns");
    table_.index_.SetFilePath(index_number, path);
    table_.files_[index_number] = {.path = path, .partition = file->partition};
  }
  return Status::Ok();
}

Result<std::vector<iceberg::DataFile>> IcebergBatch::Put(
    const std::string& suffix, Result<iceberg::WrittenDeleteFile> written) {
  RETURN_IF_ERROR(written.status().WithContext("table " + table_.layout_.name));
  const std::string key = KeyOfLocation(table_.warehouse_, written->entries.front().file_path);
  RETURN_IF_ERROR(table_.warehouse_.Put(key, written->bytes, {.if_none_match = true})
                      .WithContext("writing delete file " + key + suffix));
  return written->entries;
}

Result<std::vector<iceberg::DataFile>> IcebergBatch::WritePositionDeletes(const DeletePlan& plan) {
  std::vector<iceberg::DataFile> out;
  for (const PositionDeleteGroup& group : plan.position_deletes) {
    const std::string location = table_.warehouse_.Location(
        table_.layout_.data_key_prefix + "deletes-" + table_.random_.UuidV4String() + ".parquet");
    ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> entries,
                     Put("", iceberg::WritePositionDeleteFile(location, group.deletes,
                                                              table_.options_.parquet)));
    for (iceberg::DataFile& entry : entries) entry.partition = group.partition;
    out.insert(out.end(), entries.begin(), entries.end());
  }
  return out;
}

Result<std::vector<iceberg::DataFile>> IcebergBatch::WriteVectors(const DeletePlan& plan,
                                                                  IcebergTable::Pending& pending) {
  std::vector<VectorDeletes> vectors = plan.vectors;
  std::set<std::string> removed;
  for (const iceberg::DataFile& old : plan.removed_vectors) removed.insert(old.file_path);
  // The other vectors of a Puffin file being removed move into the new one.
  for (const auto& [data_file, vector] : table_.vectors_) {
    if (pending.truncated || removed.count(vector.entry.file_path) == 0) continue;
    auto replaced = std::find_if(vectors.begin(), vectors.end(), [&](const VectorDeletes& v) {
      return v.deletes.data_file == data_file;
    });
    if (replaced != vectors.end()) continue;
    vectors.push_back({.partition = vector.entry.partition,
                       .deletes = {.data_file = data_file, .positions = vector.positions}});
  }
  pending.removed_vector_files.assign(removed.begin(), removed.end());
  if (vectors.empty()) return std::vector<iceberg::DataFile>{};
  std::vector<iceberg::DataFileDeletes> deletes;
  std::map<std::string, iceberg::PartitionTuple> partition_of;
  for (const VectorDeletes& v : vectors) {
    deletes.push_back(v.deletes);
    partition_of[v.deletes.data_file] = v.partition;
  }
  const std::string location = table_.warehouse_.Location(
      table_.layout_.data_key_prefix + "deletes-" + table_.random_.UuidV4String() + ".puffin");
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> entries,
                   Put("", iceberg::WriteDeletionVectorFile(location, deletes, "pg2iceberg")));
  for (iceberg::DataFile& entry : entries) {
    CHECK(entry.referenced_data_file.has_value());
    entry.partition = partition_of[*entry.referenced_data_file];
    auto v = std::find_if(vectors.begin(), vectors.end(), [&](const VectorDeletes& d) {
      return d.deletes.data_file == *entry.referenced_data_file;
    });
    pending.vectors[*entry.referenced_data_file] = {.entry = entry,
                                                    .positions = v->deletes.positions};
  }
  return entries;
}

Result<iceberg::TableCommitInput> IcebergBatch::Finish(const TableBatch& batch,
                                                       const CommittedProgress& progress) {
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files, sink_->Finish());
  RETURN_IF_ERROR(NameClosedFiles(files));
  const int format_version = table_.layout_.format_version;
  IcebergTable::Pending pending{.truncated = batch.truncated()};
  ASSIGN_OR_RETURN(DeletePlan plan,
                   PlanDeletes(
                       batch.deleted(), format_version,
                       [&](uint32_t file) -> const DataFileRef& {
                         CHECK(file < table_.files_.size());
                         return table_.files_[file];
                       },
                       [&](const std::string& path) -> Result<std::optional<ExistingVector>> {
                         auto it = table_.vectors_.find(path);
                         if (pending.truncated || it == table_.vectors_.end()) {
                           return std::optional<ExistingVector>();
                         }
                         return std::optional<ExistingVector>(it->second);
                       }));
  std::vector<iceberg::DataFile> deletes;
  if (format_version == 2) {
    ASSIGN_OR_RETURN(deletes, WritePositionDeletes(plan));
  } else {
    ASSIGN_OR_RETURN(deletes, WriteVectors(plan, pending));
  }
  iceberg::TableCommitInput input{
      .table = table_.state_,
      .files = std::move(files),
      .mode = pending.truncated ? iceberg::CommitMode::kReplaceAll : iceberg::CommitMode::kAppend,
      .summary = ProgressSummary(progress)};
  input.summary[std::string(iceberg::summary::kPgOperation)] =
      std::string(iceberg::summary::kPgOperationMaterialize);
  input.summary[std::string(iceberg::summary::kInitialLoad)] =
      std::string(iceberg::summary::kInitialLoadComplete);
  input.store = &table_.warehouse_;
  input.delete_files = std::move(deletes);
  input.format_version = format_version;
  if (!pending.truncated) input.removed_files = pending.removed_vector_files;
  input.live_files = &table_.live_files_;
  table_.pending_ = std::move(pending);
  return input;
}

}  // namespace pg2iceberg::materializer
