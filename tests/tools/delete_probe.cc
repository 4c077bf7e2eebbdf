// delete_probe: a test tool (not shipped) that commits one delete file of a chosen kind to a
// table pg2iceberg mirrored, through the production writers (iceberg/delete_files.h) and commit
// path (iceberg/table_commit.h), so the e2e suite can check that DuckDB, PyIceberg and Spark
// apply every kind of delete we write — and, with its optional keys, the commit's other
// operations (removed files, rewrites, data files added with deletes). pg2iceberg itself writes
// delete files once the materializer lands; until then this is their only caller.
//
//   delete_probe CONFIG NAMESPACE TABLE INPUT_JSON
//
// INPUT_JSON is one of
//   {"kind": "equality", "columns": ["id"], "rows": [[3], [null]]}  (int, long, string columns)
//   {"kind": "position", "positions": {"<data file location>": [0, 5]}}
//   {"kind": "dv", "positions": {"<data file location>": [0, 5]}}
//   {"kind": "none"}  (no delete file: only what the keys below ask for)
// plus, optionally, what else the same commit does (TableCommitInput):
//   "remove": ["<live file location>", ...]   files removed (removed_files)
//   "copy": ["<live data file location>", ...]  each copied to a new object and added
//   "add_from": {"table": "<table in NAMESPACE>", "files": ["<its live data file>", ...]}
//                                             data files of another table added by reference
//   "rewrite": true                           the commit is a rewrite (operation "replace")
// Prints the committed snapshot id; exits 1 with the error otherwise.
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/config_yaml.h"
#include "env/real_env.h"
#include "iceberg/delete_files.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata_json.h"
#include "iceberg/parquet_schema.h"
#include "iceberg/summary_keys.h"
#include "iceberg/table_commit.h"
#include "table/catalog_factory.h"
#include "table/table_stores.h"

namespace pg2iceberg {
namespace {

using iceberg::Json;

Result<iceberg::TableState> Load(iceberg::Catalog& catalog, ObjectStore& store,
                                 iceberg::TableIdentifier ident) {
  ASSIGN_OR_RETURN(iceberg::LoadedTable loaded, catalog.LoadTable(ident));
  if (!loaded.metadata) {
    ASSIGN_OR_RETURN(std::string key, store.KeyForLocation(loaded.metadata_location));
    ASSIGN_OR_RETURN(Bytes bytes, store.Get(key));
    ASSIGN_OR_RETURN(loaded.metadata, iceberg::TableMetadataFromJsonString(AsStringView(bytes)));
  }
  return iceberg::TableState{std::move(ident), std::move(*loaded.metadata),
                             loaded.metadata_location};
}

Status AppendJsonValue(parquet::ParquetWriter& writer, size_t column, const iceberg::Field& field,
                       const Json& value) {
  if (value.is_null()) return writer.AppendNull(column);
  switch (field.type.id) {
    case iceberg::TypeId::kInt:
      return writer.AppendInt32(column, value.get<int32_t>());
    case iceberg::TypeId::kLong:
      return writer.AppendInt64(column, value.get<int64_t>());
    case iceberg::TypeId::kString:
      return writer.AppendBytes(column, AsBytes(value.get<std::string>()));
    default:
      return Status::InvalidArgument("delete_probe: column " + field.name +
                                     " has a type it cannot encode");
  }
}

Result<iceberg::WrittenDeleteFile> EqualityDeletes(const iceberg::Schema& table, const Json& input,
                                                   const std::string& location) {
  std::vector<int> ids;
  for (const Json& name : input.at("columns")) {
    const iceberg::Field* field = table.FindByName(name.get<std::string>());
    if (field == nullptr)
      return Status::InvalidArgument("delete_probe: no column " + name.get<std::string>());
    ids.push_back(field->id);
  }
  ASSIGN_OR_RETURN(iceberg::Schema schema, iceberg::EqualityDeleteSchema(table, ids));
  ASSIGN_OR_RETURN(auto writer,
                   parquet::ParquetWriter::Create(iceberg::ParquetColumnsFor(schema), {}));
  for (const Json& row : input.at("rows")) {
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      // Values are given in "columns" order; the file has table order.
      size_t given = 0;
      while (ids[given] != schema.fields[i].id) ++given;
      RETURN_IF_ERROR(AppendJsonValue(*writer, i, schema.fields[i], row.at(given)));
    }
    RETURN_IF_ERROR(writer->EndRow());
  }
  ASSIGN_OR_RETURN(parquet::ParquetFile file, writer->Finish());
  iceberg::WrittenDeleteFile written;
  written.entries.push_back(iceberg::EqualityDeleteFileFor(location, file, schema, ids));
  written.bytes = std::move(file.bytes);
  return written;
}

// The live entries of `table` at `paths`, found through a LiveFiles model.
Result<std::vector<iceberg::DataFile>> LiveDataFiles(ObjectStore& store,
                                                     const iceberg::TableState& table,
                                                     const Json& paths) {
  iceberg::LiveFiles live;
  RETURN_IF_ERROR(live.SyncTo(store, table.metadata));
  std::set<std::string> wanted;
  for (const Json& path : paths) wanted.insert(path.get<std::string>());
  ASSIGN_OR_RETURN(std::vector<iceberg::LiveFile> found, live.Find(store, wanted));
  std::vector<iceberg::DataFile> files;
  for (iceberg::LiveFile& file : found) {
    file.entry.file.first_row_id.reset();  // added again: takes new row ids
    files.push_back(std::move(file.entry.file));
  }
  return files;
}

// The data files the commit adds: copies of this table's files, and another table's files.
Result<std::vector<iceberg::DataFile>> AddedDataFiles(const Json& input, iceberg::Catalog& catalog,
                                                      ObjectStore& store,
                                                      const iceberg::TableState& table,
                                                      Random& random) {
  std::vector<iceberg::DataFile> added;
  if (input.contains("copy")) {
    ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> originals,
                     LiveDataFiles(store, table, input.at("copy")));
    ASSIGN_OR_RETURN(std::string table_key, store.KeyForLocation(table.metadata.location));
    for (iceberg::DataFile& file : originals) {
      ASSIGN_OR_RETURN(std::string from, store.KeyForLocation(file.file_path));
      ASSIGN_OR_RETURN(Bytes bytes, store.Get(from));
      const std::string key = table_key + "/data/" + random.UuidV4String() + "-copy.parquet";
      RETURN_IF_ERROR(store.Put(key, bytes, PutOptions{.if_none_match = true}));
      file.file_path = store.Location(key);
      added.push_back(std::move(file));
    }
  }
  if (input.contains("add_from")) {
    const Json& from = input.at("add_from");
    iceberg::TableIdentifier other{table.ident.table_namespace,
                                   from.at("table").get<std::string>()};
    ASSIGN_OR_RETURN(iceberg::TableState other_table, Load(catalog, store, other));
    ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> files,
                     LiveDataFiles(store, other_table, from.at("files")));
    for (iceberg::DataFile& file : files) added.push_back(std::move(file));
  }
  return added;
}

Status Run(int argc, char** argv) {
  if (argc != 5)
    return Status::InvalidArgument("usage: delete_probe CONFIG NAMESPACE TABLE INPUT_JSON");
  std::vector<std::string> warnings;
  ASSIGN_OR_RETURN(Config config, LoadConfigFile(argv[1], &warnings));
  std::ifstream in(argv[4]);
  std::stringstream text;
  text << in.rdbuf();
  ASSIGN_OR_RETURN(Json input, iceberg::ParseJson(text.str()));

  RealEnv real_env;
  Env env = real_env.env();
  ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
  TableStores stores(config.sink, env);
  ASSIGN_OR_RETURN(ObjectStore * own, stores.Own());
  iceberg::TableIdentifier ident{{argv[2]}, argv[3]};
  ASSIGN_OR_RETURN(iceberg::TableState table, Load(*opened.catalog, *own, ident));

  const std::string kind = input.at("kind").get<std::string>();
  ASSIGN_OR_RETURN(std::string table_key, own->KeyForLocation(table.metadata.location));
  const std::string key = table_key + "/data/" + env.random.UuidV4String() + "-deletes" +
                          (kind == "dv" ? ".puffin" : ".parquet");
  const std::string location = own->Location(key);
  iceberg::WrittenDeleteFile written;
  if (kind == "equality") {
    ASSIGN_OR_RETURN(written, EqualityDeletes(*table.metadata.CurrentSchema(), input, location));
  } else if (kind == "position" || kind == "dv") {
    std::vector<iceberg::FilePosition> positions;
    std::vector<iceberg::DataFileDeletes> vectors;
    for (const auto& [file, list] : input.at("positions").items()) {
      vectors.push_back({file, list.get<std::vector<int64_t>>()});
      for (int64_t pos : vectors.back().positions) positions.push_back({file, pos});
    }
    if (kind == "position") {
      ASSIGN_OR_RETURN(written, iceberg::WritePositionDeleteFile(location, positions, {}));
    } else {
      ASSIGN_OR_RETURN(
          written, iceberg::WriteDeletionVectorFile(location, vectors, parquet::kDefaultCreatedBy));
    }
  } else if (kind != "none") {
    return Status::InvalidArgument("delete_probe: kind must be equality, position, dv or none");
  }
  if (kind != "none") {
    RETURN_IF_ERROR(own->Put(key, written.bytes, PutOptions{.if_none_match = true}));
  }
  ASSIGN_OR_RETURN(std::vector<iceberg::DataFile> added,
                   AddedDataFiles(input, *opened.catalog, *own, table, env.random));
  iceberg::TableCommitInput commit{table,
                                   std::move(added),
                                   iceberg::CommitMode::kAppend,
                                   {{std::string(iceberg::summary::kPgOperation), "delete-probe"}}};
  commit.delete_files = written.entries;
  if (input.contains("remove")) {
    commit.removed_files = input.at("remove").get<std::vector<std::string>>();
  }
  commit.rewrite = input.value("rewrite", false);
  iceberg::CommitServices services{*own, *opened.catalog, env.random, env.clock};
  std::vector<Result<iceberg::TableState>> committed = iceberg::CommitSnapshots(services, {commit});
  RETURN_IF_ERROR(committed.front().status());
  std::printf("%lld\n", static_cast<long long>(*committed.front()->metadata.current_snapshot_id));
  return Status::Ok();
}

}  // namespace
}  // namespace pg2iceberg

int main(int argc, char** argv) {
  pg2iceberg::Status status = pg2iceberg::Status::Ok();
  try {
    status = pg2iceberg::Run(argc, argv);
  } catch (const std::exception& e) {  // malformed INPUT_JSON
    status = pg2iceberg::Status::InvalidArgument(e.what());
  }
  if (!status.ok()) {
    std::fprintf(stderr, "delete_probe: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
