// IcebergTable: the TableTarget of a mirrored Iceberg table (cycle.h) — its primary-key index
// rebuilt from the table's live files at open, its rows read back with the project's Parquet
// reader, and each batch's data files (table/data_file_sink.h), delete files (position deletes
// in format version 2, deletion vectors in 3: delete_plan.h) and commit input (with the table's
// live-file model, so commits read no manifest twice).
//
// A batch's rows are staged under the source's table schema; they are written in the Iceberg
// table's column order, matched by column name, with values of a widened column (int → long,
// float → double) widened. A schema change at the source is followed (Evolve, through the
// source catalog, schema_follow.h) before the first batch whose rows carry it. Deletion vectors
// replaced by a batch are removed by its commit; the other vectors stored in the same Puffin file
// are rewritten into the batch's Puffin file, so none is lost.
//
// Borrows the warehouse and the random source, which must outlive it. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/object_store.h"
#include "env/random.h"
#include "iceberg/live_files.h"
#include "iceberg/partition.h"
#include "materializer/data_file_read.h"
#include "materializer/delete_plan.h"
#include "materializer/schema_follow.h"
#include "materializer/table_target.h"
#include "parquet/parquet_reader.h"
#include "table/type_mapping.h"

namespace pg2iceberg::materializer {

struct IcebergTableLayout {
  std::string name;                      // "schema.table" of the source
  int64_t table_id = 0;                  // in the staging log
  std::vector<std::string> key_columns;  // the primary key's column names, in key order
  std::vector<MappedColumn> columns;     // the Iceberg table's columns, in order
  iceberg::Schema schema;                // the schema `columns` are written under
  std::vector<iceberg::BoundPartitionField> partition_fields;  // none: unpartitioned
  std::string data_key_prefix;  // where data and delete files go, e.g. "public/orders/data/"
  int format_version = 2;       // 2: position delete files; 3: deletion vectors
  MappingPolicy mapping;        // how a column added later maps (tables[].wide_numeric_as_string)
  // delete_mode: equality. Rows of files committed before a batch are deleted by equality
  // deletes on the key instead of by position.
  bool equality_deletes = false;
};

// The layout of a mirrored table as its Iceberg metadata describes it: the current schema's
// fields as its columns, the identifier fields as its key (in field order), the default
// partition spec. Errors: no current schema, no identifier field, a spec that does not bind.
Result<IcebergTableLayout> LayoutOfMetadata(std::string name, int64_t table_id,
                                            const iceberg::TableMetadata& metadata,
                                            std::string data_key_prefix, int format_version,
                                            MappingPolicy mapping);

struct IcebergTableOptions {
  int64_t target_file_size_bytes = 128LL * 1024 * 1024;
  parquet::WriterOptions parquet;
  // sink.materializer_index_memory (pk_index.h).
  int64_t index_memory_max_bytes = 1LL << 30;
  // The largest file read back into memory at once (index rebuild, rows read back).
  int64_t file_bytes_max = 1LL << 30;
};

class IcebergTable final : public TableTarget, private RowSource {
 public:
  // Rebuilds the index from the live files of `state` (index_rebuild.h; its errors).
  // `catalog` (borrowed; null: schema changes stop the table) is read when the source's
  // schema changes.
  static Result<std::unique_ptr<IcebergTable>> Open(IcebergTableLayout layout,
                                                    iceberg::TableState state,
                                                    ObjectStore& warehouse, Random& random,
                                                    IcebergTableOptions options,
                                                    SourceCatalog* catalog = nullptr);

  const std::string& name() const override { return layout_.name; }
  int64_t table_id() const override { return layout_.table_id; }
  const std::vector<std::string>& key_columns() const override { return layout_.key_columns; }
  const iceberg::TableState& state() const override { return state_; }
  void Committed(iceberg::TableState state) override;
  Result<bool> Describes(const change::TableSchema& staged) override;
  Result<std::vector<std::string>> Evolve(const change::TableSchema& staged) override;
  Result<std::shared_ptr<const change::TableSchema>> Translate(
      const change::TableSchema& staged) override;
  PrimaryKeyIndex& index() override { return index_; }
  RowSource& rows() override { return *this; }
  Result<std::unique_ptr<BatchFiles>> BeginBatch() override;

 private:
  friend class IcebergBatch;

  IcebergTable(IcebergTableLayout layout, iceberg::TableState state, ObjectStore& warehouse,
               Random& random, IcebergTableOptions options, SourceCatalog* catalog);

  // RowSource: the row at `location` in a data file of the table, as an image under `schema`.
  Result<change::Row> ReadRow(RowLocation location, const change::TableSchema& schema) override;

  IcebergTableLayout layout_;
  iceberg::TableState state_;
  ObjectStore& warehouse_;
  Random& random_;
  IcebergTableOptions options_;
  SourceCatalog* catalog_;
  // Set by Evolve until the commit of the next batch (which carries it) is accepted.
  struct SchemaChange {
    iceberg::Schema schema;
    std::string field_ids;  // kFieldIdsProperty
  };
  std::optional<SchemaChange> schema_change_;
  // attnum → field id of every column the table ever mirrored (kFieldIdsProperty, then as
  // Evolve extends it); read at the first Evolve.
  std::optional<FieldIdMap> field_ids_;
  // Sets of staged columns (name and Iceberg type each) and the field each column is, as
  // Evolve met them, for Translate.
  struct Shape {
    std::vector<std::pair<std::string, iceberg::Type>> columns;
    std::vector<int> field_ids;
  };
  std::vector<Shape> shapes_;
  int last_column_id_ = 0;  // the highest field id Evolve gave
  Result<std::vector<std::pair<std::string, iceberg::Type>>> ShapeOf(
      const change::TableSchema& staged) const;
  iceberg::LiveFiles live_files_;
  PrimaryKeyIndex index_;
  // Per index file number: its data file (path empty while a batch is still writing it).
  std::vector<DataFileRef> files_;
  // Format version 3: each data file's current deletion vector.
  std::map<std::string, ExistingVector> vectors_;
  // What the last Finish will make true once its commit is accepted (Committed).
  struct Pending {
    bool truncated = false;
    std::vector<std::string> removed_vector_files;
    std::map<std::string, ExistingVector> vectors;
  };
  std::optional<Pending> pending_;
  OpenDataFile open_file_;  // the last data file read back (ReadRow reads a file at a time)
};

}  // namespace pg2iceberg::materializer
