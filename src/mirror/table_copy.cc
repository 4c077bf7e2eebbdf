#include "mirror/table_copy.h"

#include "iceberg/partition.h"
#include "mirror/snapshot_source.h"
#include "pg/copy_binary.h"
#include "pg/copy_row_decoder.h"
#include "pg/source_connection.h"
#include "table/data_file_sink.h"
#include "table/row_encoder.h"

namespace pg2iceberg {
namespace {

std::string CopyStatement(const TablePlan& plan, const std::string& where) {
  std::string columns;
  for (const MappedColumn& column : plan.columns) {
    columns += (columns.empty() ? "" : ", ") + QuoteIdentifier(column.pg.name);
  }
  return "COPY (SELECT " + columns + " FROM " + QuoteIdentifier(plan.source.schema_name) + "." +
         QuoteIdentifier(plan.source.table_name) + (where.empty() ? "" : " WHERE " + where) +
         ") TO STDOUT (FORMAT binary)";
}

constexpr int64_t kRowsPerProgressCall = 10'000;

}  // namespace

parquet::WriterOptions ParquetOptionsOf(const SinkConfig& sink) {
  parquet::WriterOptions options;
  options.codec = sink.compression == "snappy" ? parquet::Codec::kSnappy
                  : sink.compression == "none" ? parquet::Codec::kUncompressed
                                               : parquet::Codec::kZstd;
  options.dictionary_enabled = sink.parquet_dictionary;
  return options;
}

Status StreamTableRows(const TablePlan& plan, PgConnection& source, const std::string& where,
                       const std::function<Status(const change::Row&)>& on_row) {
  const pg::CopyRowDecoder decoder(plan.source.QualifiedName(), SourceColumnsOf(plan.columns),
                                   DecodeOptionsOf(plan.columns));
  pg::CopyBinaryParser parser(static_cast<int>(plan.columns.size()));
  change::Row row;  // reused: decoding allocates only for values longer than before
  Status status = ExplainCopyRefusal(
      source.CopyOut(CopyStatement(plan, where),
                     [&](ByteSpan chunk) {
                       return parser.Feed(chunk,
                                          [&](pg::CopyBinaryParser::Fields fields) -> Status {
                                            RETURN_IF_ERROR(decoder.Decode(fields, row));
                                            return on_row(row);
                                          });
                     }),
      plan);
  if (status.ok()) status = parser.Finish();
  return status;
}

void RemoveQuietly(ObjectStore& store, const std::vector<std::string>& keys, Env& env) {
  if (keys.empty()) return;
  Status status = store.Delete(keys);
  if (!status.ok()) env.log.Warn("could not remove files of a failed copy: " + status.ToString());
}

Result<CopiedFiles> CopyTableRows(const TablePlan& plan, PgConnection& source,
                                  ObjectStore& warehouse, const SinkConfig& sink,
                                  const std::string& where, Env& env,
                                  const std::function<Status(int64_t)>& on_rows) {
  ASSIGN_OR_RETURN(const iceberg::PartitionSpec* spec,
                   iceberg::DefaultPartitionSpec(plan.state.metadata));
  ASSIGN_OR_RETURN(std::vector<iceberg::BoundPartitionField> fields,
                   iceberg::BindPartitionSpec(*spec, plan.schema));
  ASSIGN_OR_RETURN(Partitioner partitioner, Partitioner::Create(plan.source.QualifiedName(),
                                                                plan.schema, std::move(fields)));
  DataFileSinkOptions options{.data_key_prefix = plan.key_prefix + "/data/",
                              .target_file_size_bytes = sink.target_file_size_bytes,
                              .parquet = ParquetOptionsOf(sink)};
  DataFileSink sink_files(warehouse, env.random, plan.schema, std::move(partitioner),
                          RowEncoder(plan.source.QualifiedName(), plan.columns),
                          std::move(options));
  int64_t rows = 0;
  Status status = StreamTableRows(plan, source, where, [&](const change::Row& row) -> Status {
    RETURN_IF_ERROR(sink_files.Append(row).status());
    if (++rows % kRowsPerProgressCall == 0 && on_rows) return on_rows(kRowsPerProgressCall);
    return Status::Ok();
  });
  if (status.ok() && on_rows) status = on_rows(rows % kRowsPerProgressCall);
  Result<std::vector<iceberg::DataFile>> files =
      status.ok() ? sink_files.Finish() : Result<std::vector<iceberg::DataFile>>(status);
  if (!files.ok()) {
    RemoveQuietly(warehouse, sink_files.written_keys(), env);
    return files.status();
  }
  return CopiedFiles{std::move(*files), sink_files.written_keys(), rows};
}

}  // namespace pg2iceberg
