// Coordinator rows as the coordinator reads them back: every query the pipeline's state is
// loaded with (capture, tables, cursors, segments, blocks, recorded types, watched catalog
// fingerprints) answered with rows from the input instead of Postgres, as after an operator's
// edit, a restore or a schema change outside pg2iceberg. Each answer has the column count the
// query selects (Postgres fixes it); the cells' values and NULLs come from the input.
//
// Input: the answers, in the order the queries run. An answer is a row count byte (mod 8),
// then for each row and each column a cell: a length byte (255: NULL), then that many bytes.
// An input used up answers every further query with no rows.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env/pg_connection.h"
#include "fuzz_input.h"
#include "stage/pg_coordinator.h"

namespace pg2iceberg::fuzz {
namespace {

// The number of columns a SELECT returns: top-level commas before its top-level FROM, plus one.
size_t SelectedColumns(std::string_view sql) {
  size_t start = sql.find("SELECT ");
  if (start == std::string_view::npos) return 0;
  size_t columns = 1;
  int depth = 0;
  for (size_t i = start + 7; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && c == ',') ++columns;
    if (depth == 0 && sql.substr(i, 6) == " FROM ") break;
  }
  return columns;
}

class InputConnection final : public PgConnection {
 public:
  explicit InputConnection(FuzzInput& in) : in_(in) {}

  Result<PgRows> Exec(std::string_view sql) override { return Answer(sql); }
  Result<PgRows> ExecParams(std::string_view sql,
                            const std::vector<std::optional<std::string>>&) override {
    return Answer(sql);
  }
  Status CopyOut(std::string_view, const std::function<Status(ByteSpan)>&) override {
    return Status::InvalidArgument("no COPY here");
  }
  Result<std::unique_ptr<ReplicationStream>> StartReplication(std::string_view) override {
    return Status::InvalidArgument("not a replication connection");
  }
  int ServerVersion() const override { return 150000; }

 private:
  Result<PgRows> Answer(std::string_view sql) {
    PgRows rows;
    // The migration's questions get the answers of an up-to-date schema, so the loads run.
    if (sql.starts_with("SELECT version FROM")) {
      rows.rows.push_back({std::to_string(stage::kCoordinatorSchemaVersion)});
      return rows;
    }
    if (sql.starts_with("SELECT (to_regnamespace")) {
      rows.rows.push_back({"false"});
      return rows;
    }
    if (!sql.starts_with("SELECT")) return rows;
    const size_t columns = SelectedColumns(sql);
    const int count = in_.Byte() % 8;
    for (int r = 0; r < count && !in_.empty(); ++r) {
      std::vector<std::optional<std::string>> row;
      for (size_t c = 0; c < columns; ++c) {
        const uint8_t length = in_.Byte();
        if (length == 255) {
          row.emplace_back();
        } else {
          row.emplace_back(std::string(FuzzInput::Text(in_.Take(length))));
        }
      }
      rows.rows.push_back(std::move(row));
    }
    return rows;
  }

  FuzzInput& in_;
};

}  // namespace
}  // namespace pg2iceberg::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  fuzz::InputConnection connection(in);
  Result<std::unique_ptr<stage::PgCoordinator>> opened =
      stage::PgCoordinator::Open(connection, "_pg2iceberg", "default");
  if (!opened.ok()) __builtin_trap();  // the migration's answers above are those of Postgres
  stage::Coordinator& coordinator = **opened;
  (void)coordinator.LoadCapture();
  (void)coordinator.LoadTables();
  (void)coordinator.RecordedFlushed();
  (void)coordinator.LoadCursors("materializer");
  (void)coordinator.BlocksFrom(1, 0, 100);
  (void)coordinator.BlocksOfSegment(1);
  (void)coordinator.NewestSegment();
  (void)coordinator.Segments();
  (void)coordinator.SegmentsPassedByCursors();
  (void)coordinator.LoadTypes();
  (void)coordinator.LoadWatched("publication");
  return 0;
}
