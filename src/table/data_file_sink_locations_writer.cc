// Test tool for data_file_sink_pyarrow_locations (data_file_sink_locations_check.py): appends
// rows to a partitioned DataFileSink with small files, so that files roll by size and are
// closed for room, and prints every row with the location Append reported for it, so that an
// independent reader can check that the file at that location holds the row at that position.
//
//   data_file_sink_locations_writer <out_dir> <seed> <rows>
//
// Writes under <out_dir>/wh. Table: id long (required), k int (partition: identity, 4 values
// and NULL; see RandomRow), name string (NULL in some rows), amount decimal(10,2). Prints JSON:
//   {"rows": [{"id", "k", "name", "amount" (unscaled), "file", "position"}],
//    "files": {"<file number>": "<path>"}}
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "base/parse_number.h"
#include "env/local_object_store.h"
#include "env/random.h"
#include "table/data_file_sink.h"

namespace pg2iceberg {
namespace {

using Json = nlohmann::json;

std::vector<MappedColumn> Columns() {
  const pg::PgColumn columns[] = {{"id", 20, -1, true, "bigint"},
                                  {"k", 23, -1, false, "integer"},
                                  {"name", 25, -1, false, "text"},
                                  {"amount", 1700, ((10 << 16) | 2) + 4, false, "numeric(10,2)"}};
  std::vector<MappedColumn> mapped;
  for (const pg::PgColumn& column : columns) mapped.push_back(*MapColumn("public.t", column));
  return mapped;
}

Result<DataFileSink> MakeSink(ObjectStore& store, Random& random) {
  const std::vector<MappedColumn> columns = Columns();
  iceberg::Schema schema;
  for (size_t i = 0; i < columns.size(); ++i) {
    schema.fields.push_back(
        {static_cast<int>(i + 1), columns[i].pg.name, i == 0, columns[i].iceberg_type, ""});
  }
  ASSIGN_OR_RETURN(iceberg::PartitionSpec spec,
                   iceberg::BuildPartitionSpec("public.t", schema, {"k"}));
  ASSIGN_OR_RETURN(auto bound, iceberg::BindPartitionSpec(spec, schema));
  ASSIGN_OR_RETURN(Partitioner partitioner, Partitioner::Create("public.t", schema, bound));
  DataFileSinkOptions options{.data_key_prefix = "public/t/data/",
                              .target_file_size_bytes = 16 * 1024,
                              .max_open_files = 3};
  return DataFileSink(store, random, schema, std::move(partitioner),
                      RowEncoder("public.t", columns), options);
}

// The first half of the rows falls in partitions 0 and 1 only (their files roll by size), the
// second half in 0..3 and NULL at random (files are closed for room, max_open_files 3).
change::Row RandomRow(Random& random, int64_t id, int64_t rows) {
  const uint64_t k = id < rows / 2 ? random.Uniform(2) : random.Uniform(5);
  std::string name(5 + random.Uniform(30), 'a');
  for (char& c : name) c = static_cast<char>('a' + random.Uniform(26));
  const auto amount = static_cast<int64_t>(random.Uniform(2'000'000'000)) - 1'000'000'000;
  return {change::Value::Int64(id),
          k == 4 ? change::Value::Null() : change::Value::Int32(static_cast<int32_t>(k)),
          random.Uniform(8) == 0 ? change::Value::Null() : change::Value::String(name),
          change::Value::Decimal(amount)};
}

Json RowJson(const change::Row& row, RowLocation location) {
  auto nullable = [](const change::Value& v, Json value) {
    return v.kind == change::ValueKind::kNull ? Json() : value;
  };
  return {{"id", row[0].int_value},
          {"k", nullable(row[1], row[1].int_value)},
          {"name", nullable(row[2], row[2].bytes)},
          {"amount", static_cast<int64_t>(row[3].decimal_unscaled)},
          {"file", location.file},
          {"position", location.position}};
}

Status Run(const std::string& out_dir, uint64_t seed, int64_t rows) {
  SeededRandom random(seed);
  ASSIGN_OR_RETURN(auto store, LocalObjectStore::Open(out_dir + "/wh", random));
  ASSIGN_OR_RETURN(DataFileSink sink, MakeSink(*store, random));
  Json out = {{"rows", Json::array()}, {"files", Json::object()}};
  size_t file_count = 0;
  for (int64_t id = 0; id < rows; ++id) {
    const change::Row row = RandomRow(random, id, rows);
    ASSIGN_OR_RETURN(const RowLocation location, sink.Append(row));
    out["rows"].push_back(RowJson(row, location));
    file_count = std::max(file_count, location.file + 1);
  }
  RETURN_IF_ERROR(sink.Finish().status());
  for (size_t file = 0; file < file_count; ++file) {
    ASSIGN_OR_RETURN(std::string path, sink.ClosedFilePath(file));
    out["files"][std::to_string(file)] = path;
  }
  std::printf("%s\n", out.dump().c_str());
  return Status::Ok();
}

}  // namespace
}  // namespace pg2iceberg

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <out_dir> <seed> <rows>\n", argv[0]);
    return 2;
  }
  pg2iceberg::Result<uint64_t> seed = pg2iceberg::ParseUint64(argv[2], "seed");
  pg2iceberg::Result<int64_t> rows = pg2iceberg::ParseInt64(argv[3], "rows");
  pg2iceberg::Status status = !seed.ok()   ? seed.status()
                              : !rows.ok() ? rows.status()
                                           : pg2iceberg::Run(argv[1], *seed, *rows);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
