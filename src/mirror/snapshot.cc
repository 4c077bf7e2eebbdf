#include "mirror/snapshot.h"

#include <memory>
#include <vector>

#include "mirror/catalog_factory.h"
#include "mirror/data_file_sink.h"
#include "mirror/row_encoder.h"
#include "mirror/source_connection.h"
#include "mirror/table_plan.h"
#include "mirror/table_stores.h"
#include "mirror/warehouse.h"
#include "pg/copy_binary.h"

namespace pg2iceberg {
namespace {

parquet::WriterOptions ParquetOptions(const SinkConfig& sink) {
  parquet::WriterOptions options;
  options.codec = sink.compression == "snappy" ? parquet::Codec::kSnappy
                  : sink.compression == "none" ? parquet::Codec::kUncompressed
                                               : parquet::Codec::kZstd;
  return options;
}

std::string CopyStatement(const TablePlan& plan) {
  std::string columns;
  for (const MappedColumn& column : plan.columns) {
    columns += (columns.empty() ? "" : ", ") + QuoteIdentifier(column.pg.name);
  }
  return "COPY (SELECT " + columns + " FROM " + QuoteIdentifier(plan.source.schema_name) + "." +
         QuoteIdentifier(plan.source.table_name) + ") TO STDOUT (FORMAT binary)";
}

void RemoveQuietly(ObjectStore& store, const std::vector<std::string>& keys, Env& env) {
  Status status = store.Delete(keys);
  if (!status.ok()) env.log.Warn("could not remove files of a failed snapshot: " + status.ToString());
}

struct CopiedTable {
  std::vector<iceberg::DataFile> files;
  std::vector<std::string> keys;  // object-store keys of `files`
};

// Streams the table out of the source into data files; on error removes what it wrote.
Result<CopiedTable> CopyTable(const TablePlan& plan, PgConnection& source, ObjectStore& warehouse,
                              const SinkConfig& sink, Env& env) {
  DataFileSink sink_files(warehouse, env.random, plan.schema,
                          {plan.key_prefix + "/data/", sink.target_file_size_bytes, ParquetOptions(sink)});
  RowEncoder encoder(plan.source.QualifiedName(), plan.columns);
  pg::CopyBinaryParser parser(static_cast<int>(plan.columns.size()));
  auto on_row = [&](pg::CopyBinaryParser::Fields fields) { return sink_files.Append(fields, encoder); };
  Status status = source.CopyOut(CopyStatement(plan), [&](ByteSpan chunk) { return parser.Feed(chunk, on_row); });
  if (status.ok()) status = parser.Finish();
  Result<std::vector<iceberg::DataFile>> files =
      status.ok() ? sink_files.Finish() : Result<std::vector<iceberg::DataFile>>(status);
  if (!files.ok()) {
    RemoveQuietly(warehouse, sink_files.written_keys(), env);
    return files.status();
  }
  return CopiedTable{std::move(*files), sink_files.written_keys()};
}

Status SnapshotTable(TablePlan& plan, PgConnection& source, iceberg::Catalog& catalog,
                     const SinkConfig& sink, Env& env) {
  ObjectStore& warehouse = *plan.store;
  int64_t start = env.clock.MonotonicMicros();
  ASSIGN_OR_RETURN(CopiedTable copied, CopyTable(plan, source, warehouse, sink, env));
  const std::vector<iceberg::DataFile>& files = copied.files;
  int64_t rows = 0;
  for (const iceberg::DataFile& f : files) rows += f.record_count;
  iceberg::CommitServices services{warehouse, catalog, env.random, env.clock};
  Result<iceberg::TableState> committed = [&]() -> Result<iceberg::TableState> {
    RETURN_IF_ERROR(catalog.EnsureNamespace(plan.state.ident.table_namespace));
    return iceberg::CommitSnapshot(services, plan.state, files, iceberg::CommitMode::kReplaceAll,
                                   {{"pg2iceberg.operation", "snapshot"}});
  }();
  if (!committed.ok()) {
    // After a lost catalog reply the files may be part of the table: leave them.
    if (committed.status().code() != StatusCode::kOutcomeUnknown) RemoveQuietly(warehouse, copied.keys, env);
    return committed.status();
  }
  plan.state = std::move(*committed);
  double seconds = static_cast<double>(env.clock.MonotonicMicros() - start) / 1e6;
  env.log.Info("snapshot " + plan.source.QualifiedName() + " -> " + plan.state.ident.ToString() + ": " +
               std::to_string(rows) + " rows in " + std::to_string(files.size()) + " data files, " +
               std::to_string(seconds) + " s");
  return Status::Ok();
}

Result<std::vector<TablePlan>> PlanTables(const Config& config, PgConnection& source) {
  std::vector<TablePlan> plans;
  for (const TableConfig& table : config.tables) {
    if (table.skip_snapshot) continue;
    ASSIGN_OR_RETURN(TablePlan plan, PlanSourceTable(table, config.sink, source));
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace

Status RunSnapshot(const Config& config, Env& env) {
  TableStores stores(config.sink, env);
  // Without vended credentials every table is written with the sink's own settings: check
  // them before anything else.
  if (!AsksForVendedCredentials(config.sink)) RETURN_IF_ERROR(stores.Own().status());
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> source, ConnectSource(config.source.postgres, env));
  // One REPEATABLE READ transaction: every table is read as of the same moment.
  RETURN_IF_ERROR(source->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").status());
  ASSIGN_OR_RETURN(std::vector<TablePlan> plans, PlanTables(config, *source));
  ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
  iceberg::Catalog& catalog = *opened.catalog;
  for (TablePlan& plan : plans) RETURN_IF_ERROR(ResolveIcebergTable(plan, catalog, stores, env));
  for (TablePlan& plan : plans) {
    RETURN_IF_ERROR(SnapshotTable(plan, *source, catalog, config.sink, env));
  }
  return source->Exec("COMMIT").status();
}

}  // namespace pg2iceberg
