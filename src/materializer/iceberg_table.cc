#include "materializer/iceberg_table.h"

#include <algorithm>
#include <set>

#include "base/check.h"
#include "iceberg/delete_files.h"
#include "iceberg/parquet_schema.h"
#include "iceberg/summary_keys.h"
#include "materializer/data_file_read.h"
#include "materializer/index_rebuild.h"
#include "materializer/primary_key.h"
#include "table/data_file_sink.h"
#include "table/partitioner.h"
#include "table/row_decoder.h"
#include "table/row_encoder.h"
#include "table/schema_evolution.h"

namespace pg2iceberg::materializer {
namespace {

using change::Value;
using change::ValueKind;
using iceberg::TypeId;

// How Translate names a staged column whose field was dropped later in the batch: no source
// column name starts with a control character.
constexpr std::string_view kDroppedColumnPrefix = "\x01dropped field ";

// `value` as a column of `type` holds it: a value staged before the column was widened widens.
Value Widened(Value value, const iceberg::Type& type) {
  if (type.id == TypeId::kLong && value.kind == ValueKind::kInt32) value.kind = ValueKind::kInt64;
  if (type.id == TypeId::kDouble && value.kind == ValueKind::kFloat32) {
    value.kind = ValueKind::kFloat64;
  }
  return value;
}

// Whether a staged column of Iceberg type `staged` is stored as `current` without a schema
// change (a list's element id is the table's own).
bool SameType(const iceberg::Type& staged, const iceberg::Type& current) {
  if (staged.is_list() != current.is_list()) return false;
  if (!staged.is_list()) return staged == current;
  return staged.element->type == current.element->type;
}

bool SameShape(const std::vector<std::pair<std::string, iceberg::Type>>& a,
               const std::vector<std::pair<std::string, iceberg::Type>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first || !SameType(a[i].second, b[i].second)) return false;
  }
  return true;
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
  // Equality deletes on the key for `keys` (primary_key.h bytes), one file per partition.
  Result<std::vector<iceberg::DataFile>> WriteEqualityDeletes(
      const std::vector<std::pair<iceberg::PartitionTuple, std::vector<std::string>>>& groups);
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

Result<IcebergTableLayout> LayoutOfMetadata(std::string name, int64_t table_id,
                                            const iceberg::TableMetadata& metadata,
                                            std::string data_key_prefix, int format_version,
                                            MappingPolicy mapping) {
  const iceberg::Schema* schema = metadata.CurrentSchema();
  if (schema == nullptr) {
    return Status::DataLoss("Iceberg table of " + name + " has no current schema");
  }
  IcebergTableLayout layout{.name = std::move(name),
                            .table_id = table_id,
                            .schema = *schema,
                            .data_key_prefix = std::move(data_key_prefix),
                            .format_version = format_version,
                            .mapping = mapping};
  for (const iceberg::Field& field : schema->fields) {
    MappedColumn column;
    column.pg.name = field.name;
    column.pg.not_null = field.required;
    column.iceberg_type = field.type;
    layout.columns.push_back(std::move(column));
    const auto& ids = schema->identifier_field_ids;
    if (std::find(ids.begin(), ids.end(), field.id) != ids.end()) {
      layout.key_columns.push_back(field.name);
    }
  }
  if (layout.key_columns.empty()) {
    return Status::DataLoss("Iceberg table of " + layout.name +
                            " names no identifier field: it was not written by pg2iceberg's "
                            "initial load, so its rows cannot be found by key. " +
                            ReloadAdvice(layout.name));
  }
  ASSIGN_OR_RETURN(const iceberg::PartitionSpec* spec, iceberg::DefaultPartitionSpec(metadata));
  ASSIGN_OR_RETURN(layout.partition_fields, iceberg::BindPartitionSpec(*spec, layout.schema));
  return layout;
}

IcebergTable::IcebergTable(IcebergTableLayout layout, iceberg::TableState state,
                           ObjectStore& warehouse, Random& random, IcebergTableOptions options,
                           SourceCatalog* catalog)
    : layout_(std::move(layout)),
      state_(std::move(state)),
      warehouse_(warehouse),
      random_(random),
      options_(options),
      catalog_(catalog),
      index_(layout_.name, options.index_memory_max_bytes) {}

Result<std::unique_ptr<IcebergTable>> IcebergTable::Open(IcebergTableLayout layout,
                                                         iceberg::TableState state,
                                                         ObjectStore& warehouse, Random& random,
                                                         IcebergTableOptions options,
                                                         SourceCatalog* catalog) {
  CHECK(layout.format_version == 2 || layout.format_version == 3);
  std::unique_ptr<IcebergTable> table(
      new IcebergTable(std::move(layout), std::move(state), warehouse, random, options, catalog));
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
  schema_change_.reset();
  shapes_.clear();
  if (!pending_) return;
  if (pending_->truncated) vectors_.clear();
  for (const std::string& path : pending_->removed_vector_files) {
    std::erase_if(vectors_, [&](const auto& v) { return v.second.entry.file_path == path; });
  }
  for (auto& [data_file, vector] : pending_->vectors) vectors_[data_file] = std::move(vector);
  pending_.reset();
}

Result<std::vector<std::pair<std::string, iceberg::Type>>> IcebergTable::ShapeOf(
    const change::TableSchema& staged) const {
  std::vector<std::pair<std::string, iceberg::Type>> shape;
  for (const change::ColumnSchema& column : staged.columns) {
    ASSIGN_OR_RETURN(MappedColumn mapped,
                     MapColumn(layout_.name, {column.name, column.type_oid, column.type_modifier},
                               layout_.mapping));
    shape.emplace_back(column.name, std::move(mapped.iceberg_type));
  }
  return shape;
}

Result<bool> IcebergTable::Describes(const change::TableSchema& staged) {
  if (staged.columns.size() != layout_.columns.size()) return false;
  ASSIGN_OR_RETURN(auto shape, ShapeOf(staged));
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i].first != layout_.columns[i].pg.name ||
        !SameType(shape[i].second, layout_.columns[i].iceberg_type)) {
      return false;
    }
  }
  return true;
}

Result<std::vector<std::string>> IcebergTable::Evolve(const change::TableSchema& staged) {
  const std::string iceberg_name = state_.ident.ToString();
  if (catalog_ == nullptr) {
    return Status::InvalidArgument("table " + layout_.name +
                                   ": its columns changed, and this materializer has no source "
                                   "catalog to follow the change with");
  }
  const auto property = state_.metadata.properties.find(std::string(kFieldIdsProperty));
  if (property == state_.metadata.properties.end()) {
    return Status::DataLoss("table " + layout_.name +
                            ": its columns changed, and its Iceberg table " + iceberg_name +
                            " does not record which source column each field is (" +
                            std::string(kFieldIdsProperty) + "). " + ReloadAdvice(iceberg_name));
  }
  if (!field_ids_) {
    Result<FieldIdMap> parsed = ParseFieldIds(property->second);
    if (!parsed.ok()) return parsed.status().WithContext("Iceberg table " + iceberg_name);
    field_ids_ = std::move(*parsed);
  }
  const FieldIdMap& recorded = *field_ids_;
  // The current columns with their attnums, and the key columns' attnums.
  std::map<int, int> attnum_of_field;
  for (const auto& [attnum, field_id] : recorded) attnum_of_field[field_id] = attnum;
  std::vector<MirroredColumn> current_columns;
  FieldIdMap current;
  std::set<int> key_attnums;
  for (const iceberg::Field& field : layout_.schema.fields) {
    const auto it = attnum_of_field.find(field.id);
    if (it == attnum_of_field.end()) {
      return Status::DataLoss("Iceberg table " + iceberg_name + ": " +
                              std::string(kFieldIdsProperty) +
                              " names no source column for field " + std::to_string(field.id) +
                              " (\"" + field.name + "\"). " + ReloadAdvice(iceberg_name));
    }
    current_columns.push_back({it->second, field.name, field.type});
    current.emplace(it->second, field.id);
    const auto& keys = layout_.key_columns;
    if (std::find(keys.begin(), keys.end(), field.name) != keys.end()) {
      key_attnums.insert(it->second);
    }
  }
  // The columns as they stand before this change (the layout), for rows of the same batch
  // staged under them (Translate).
  std::vector<std::pair<std::string, iceberg::Type>> before;
  std::vector<int> before_ids;
  for (const MappedColumn& column : layout_.columns)
    before.emplace_back(column.pg.name, column.iceberg_type);
  for (const iceberg::Field& field : layout_.schema.fields) before_ids.push_back(field.id);
  ASSIGN_OR_RETURN(auto shape, ShapeOf(staged));
  std::vector<iceberg::Type> staged_types;
  for (const auto& [name, type] : shape) staged_types.push_back(type);
  ASSIGN_OR_RETURN(std::vector<pg::AttributeState> attributes, catalog_->Attributes(staged.relid));
  ASSIGN_OR_RETURN(std::vector<int> attnums,
                   ResolveAttnums(layout_.name, iceberg_name, staged, staged_types, current_columns,
                                  attributes));
  std::vector<SourceColumn> columns;
  std::vector<MappedColumn> mapped_columns;
  std::vector<std::string> key_columns;
  for (size_t i = 0; i < staged.columns.size(); ++i) {
    const change::ColumnSchema& staged_column = staged.columns[i];
    ASSIGN_OR_RETURN(std::string type_name,
                     catalog_->TypeName(staged_column.type_oid, staged_column.type_modifier));
    const bool key = key_attnums.count(attnums[i]) != 0;
    const auto known = current.find(attnums[i]);
    const iceberg::Field* field =
        known == current.end() ? nullptr : layout_.schema.FindById(known->second);
    pg::PgColumn pg_column{staged_column.name,
                           staged_column.type_oid,
                           staged_column.type_modifier,
                           field != nullptr && field->required,
                           type_name,
                           attnums[i]};
    ASSIGN_OR_RETURN(MappedColumn mapped, MapColumn(layout_.name, pg_column, layout_.mapping));
    columns.push_back(
        {attnums[i], staged_column.name, type_name, mapped.iceberg_type, pg_column.not_null, key});
    mapped_columns.push_back(std::move(mapped));
    if (key) key_columns.push_back(staged_column.name);
  }
  if (key_columns.size() != key_attnums.size()) {
    return Status::InvalidArgument("table " + layout_.name +
                                   ": a primary-key column was dropped at the source, so the "
                                   "mirror can no longer find its rows by key. " +
                                   ReloadAdvice(iceberg_name));
  }
  // An earlier Evolve of the same batch may have numbered fields past the metadata's (and
  // dropped them again: their ids are not given twice, Translate tells them apart).
  const int last_column_id =
      std::max({state_.metadata.last_column_id, layout_.schema.HighestFieldId(), last_column_id_});
  ASSIGN_OR_RETURN(EvolvedSchema evolved,
                   EvolveSchema(iceberg_name, layout_.schema, last_column_id, recorded, columns));
  // Evolution numbers a new list's element after its own field; the rows are written under
  // the evolved schema's types.
  for (size_t i = 0; i < mapped_columns.size(); ++i) {
    mapped_columns[i].iceberg_type = evolved.schema.fields[i].type;
  }
  ASSIGN_OR_RETURN(const iceberg::PartitionSpec* spec,
                   iceberg::DefaultPartitionSpec(state_.metadata));
  Result<std::vector<iceberg::BoundPartitionField>> partition_fields =
      iceberg::BindPartitionSpec(*spec, evolved.schema);
  if (!partition_fields.ok()) {
    return Status::InvalidArgument("table " + layout_.name +
                                   ": its columns changed so that its Iceberg partitioning no "
                                   "longer applies (" +
                                   partition_fields.status().message() + "). " +
                                   ReloadAdvice(iceberg_name));
  }
  // Key order stays the layout's; only the names follow renames.
  std::vector<std::string> keys;
  for (const std::string& old_name : layout_.key_columns) {
    const iceberg::Field* old_field = layout_.schema.FindByName(old_name);
    CHECK(old_field != nullptr);
    const iceberg::Field* new_field = evolved.schema.FindById(old_field->id);
    CHECK(new_field != nullptr);
    keys.push_back(new_field->name);
  }
  if (std::none_of(shapes_.begin(), shapes_.end(),
                   [&](const Shape& known) { return SameShape(known.columns, before); })) {
    shapes_.push_back({std::move(before), std::move(before_ids)});
  }
  std::vector<int> staged_ids;
  for (const iceberg::Field& field : evolved.schema.fields) staged_ids.push_back(field.id);
  shapes_.push_back({std::move(shape), std::move(staged_ids)});
  field_ids_ = evolved.field_ids;
  last_column_id_ = std::max(last_column_id, evolved.schema.HighestFieldId());
  layout_.key_columns = std::move(keys);
  layout_.columns = std::move(mapped_columns);
  layout_.schema = evolved.schema;
  layout_.partition_fields = std::move(*partition_fields);
  schema_change_ = SchemaChange{std::move(evolved.schema), FormatFieldIds(evolved.field_ids)};
  return std::move(evolved.changes);
}

Result<std::shared_ptr<const change::TableSchema>> IcebergTable::Translate(
    const change::TableSchema& staged) {
  if (shapes_.empty()) return std::shared_ptr<const change::TableSchema>();
  ASSIGN_OR_RETURN(auto shape, ShapeOf(staged));
  auto known = std::find_if(shapes_.begin(), shapes_.end(),
                            [&](const Shape& s) { return SameShape(s.columns, shape); });
  if (known == shapes_.end()) {
    ASSIGN_OR_RETURN(bool current, Describes(staged));
    if (current) return std::shared_ptr<const change::TableSchema>();
    return Status::Internal("table " + layout_.name + ": a change under columns never followed");
  }
  auto named = std::make_shared<change::TableSchema>(staged);
  for (size_t i = 0; i < named->columns.size(); ++i) {
    const iceberg::Field* field = layout_.schema.FindById(known->field_ids[i]);
    named->columns[i].name =
        field != nullptr ? field->name
                         : std::string(kDroppedColumnPrefix) + std::to_string(known->field_ids[i]);
  }
  return std::shared_ptr<const change::TableSchema>(std::move(named));
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
  ASSIGN_OR_RETURN(const parquet::ParquetReader* reader,
                   open_file_.Open(warehouse_, path, options_.file_bytes_max, layout_.name));
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
    if (found == columns.end() && schema.columns[j].name.starts_with(kDroppedColumnPrefix)) {
      continue;  // dropped at the source later in the batch: not in the table any more
    }
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

Result<std::vector<iceberg::DataFile>> IcebergBatch::WriteEqualityDeletes(
    const std::vector<std::pair<iceberg::PartitionTuple, std::vector<std::string>>>& groups) {
  const IcebergTableLayout& layout = table_.layout_;
  std::vector<int> ids;  // the key's fields, in key order
  for (const std::string& name : layout.key_columns) {
    const iceberg::Field* field = layout.schema.FindByName(name);
    CHECK(field != nullptr);
    ids.push_back(field->id);
  }
  ASSIGN_OR_RETURN(iceberg::Schema schema, iceberg::EqualityDeleteSchema(layout.schema, ids));
  // The file holds the key's fields in table order; KeyValues gives them in key order.
  std::vector<size_t> from_key;
  std::vector<MappedColumn> columns;
  for (const iceberg::Field& field : schema.fields) {
    from_key.push_back(
        static_cast<size_t>(std::find(ids.begin(), ids.end(), field.id) - ids.begin()));
    MappedColumn column;
    column.pg.name = field.name;
    column.iceberg_type = field.type;
    columns.push_back(std::move(column));
  }
  const RowEncoder encoder(layout.name, columns);
  std::vector<iceberg::DataFile> out;
  for (const auto& [partition, keys] : groups) {
    ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema),
                                                                 table_.options_.parquet));
    for (const std::string& key : keys) {
      ASSIGN_OR_RETURN(change::Row values, KeyValues(key, ids.size()));
      change::Row row;
      for (size_t i = 0; i < from_key.size(); ++i) {
        Value value = values[from_key[i]];
        // Keys hold the widest kind of a family; the column may be the narrower one.
        if (columns[i].iceberg_type.id == TypeId::kInt && value.kind == ValueKind::kInt64) {
          value.kind = ValueKind::kInt32;
        }
        if (columns[i].iceberg_type.id == TypeId::kFloat && value.kind == ValueKind::kFloat64) {
          value.kind = ValueKind::kFloat32;
        }
        row.push_back(std::move(value));
      }
      RETURN_IF_ERROR(encoder.Write(row, *writer));
    }
    ASSIGN_OR_RETURN(parquet::ParquetFile file, writer->Finish());
    const std::string location = table_.warehouse_.Location(
        layout.data_key_prefix + "eq-deletes-" + table_.random_.UuidV4String() + ".parquet");
    iceberg::WrittenDeleteFile written;
    written.entries.push_back(iceberg::EqualityDeleteFileFor(location, file, schema, ids));
    written.bytes = std::move(file.bytes);
    ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> entries, Put("", std::move(written)));
    for (iceberg::DataFile& entry : entries) entry.partition = partition;
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
    // By name, not by capture: clang before 16 cannot capture a structured binding.
    const std::string& path = data_file;
    auto replaced = std::find_if(vectors.begin(), vectors.end(), [&](const VectorDeletes& v) {
      return v.deletes.data_file == path;
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
  // Equality mode: rows of files live before the batch are deleted by key; rows of the
  // batch's own files by position (an equality delete never applies to a file of its own
  // commit).
  std::vector<RowLocation> by_position;
  std::vector<iceberg::DataFile> equality;
  if (table_.layout_.equality_deletes) {
    std::vector<std::pair<iceberg::PartitionTuple, std::vector<std::string>>> groups;
    for (size_t i = 0; i < batch.deleted().size(); ++i) {
      const RowLocation location = batch.deleted()[i];
      if (location.file >= batch.first_batch_file()) {
        by_position.push_back(location);
        continue;
      }
      CHECK(location.file < table_.files_.size());
      const iceberg::PartitionTuple& partition = table_.files_[location.file].partition;
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.first == partition; });
      if (group == groups.end()) group = groups.insert(groups.end(), {partition, {}});
      group->second.push_back(batch.deleted_keys()[i]);
    }
    ASSIGN_OR_RETURN(equality, WriteEqualityDeletes(groups));
  }
  ASSIGN_OR_RETURN(
      DeletePlan plan,
      PlanDeletes(
          table_.layout_.equality_deletes ? by_position : batch.deleted(), format_version,
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
  deletes.insert(deletes.end(), equality.begin(), equality.end());
  iceberg::TableCommitInput input{
      .table = table_.state_,
      .files = std::move(files),
      .mode = pending.truncated ? iceberg::CommitMode::kReplaceAll : iceberg::CommitMode::kAppend,
      .summary = ProgressSummary(progress)};
  input.summary[std::string(iceberg::summary::kPgOperation)] =
      std::string(iceberg::summary::kPgOperationMaterialize);
  input.store = &table_.warehouse_;
  input.delete_files = std::move(deletes);
  input.format_version = format_version;
  if (!pending.truncated) input.removed_files = pending.removed_vector_files;
  if (table_.schema_change_) {
    input.schema = table_.schema_change_->schema;
    input.properties[std::string(kFieldIdsProperty)] = table_.schema_change_->field_ids;
  }
  input.live_files = &table_.live_files_;
  table_.pending_ = std::move(pending);
  return input;
}

}  // namespace pg2iceberg::materializer
