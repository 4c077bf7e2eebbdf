#include "mirror/run.h"

#include <map>

#include "mirror/capture_session.h"
#include "mirror/initial_load.h"
#include "mirror/materialize_loop.h"
#include "pg/privileges.h"
#include "pg/source_connection.h"

namespace pg2iceberg {
namespace {

// The first error of `statuses`, else OK.
Status FirstError(const std::vector<Status>& statuses) {
  for (const Status& status : statuses) {
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

// What `run` needs of the source's role: everything capture needs, and SELECT on the tables.
pg::PrivilegeNeeds MirrorPrivileges(const Config& config, const std::vector<TablePlan>& plans) {
  std::vector<pg::SourceTable> tables;
  for (const TablePlan& plan : plans) tables.push_back(plan.source);
  pg::PrivilegeNeeds needs = CapturePrivileges(config, tables);
  needs.tables = tables;
  needs.sql_catalog =
      config.sink.catalog_type == CatalogType::kSql && config.sink.catalog_uri.empty();
  return needs;
}

const TableConfig* ConfiguredTable(const Config& config, const std::string& qualified_name) {
  for (const TableConfig& table : config.tables) {
    if (table.schema_name + "." + table.table_name == qualified_name) return &table;
  }
  return nullptr;
}

// One session of `run`: capture, initial load and materializer side by side until `stop` or a
// failure of any (which stops the others).
Status MirrorOnce(const Config& config, Env& env, const std::atomic<bool>& stop) {
  // Every table is planned, and refused if it cannot be mirrored, before anything is created.
  std::vector<TablePlan> plans;
  {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> source,
                     ConnectSource(config.source.postgres, env));
    for (const TableConfig& table : config.tables) {
      ASSIGN_OR_RETURN(TablePlan plan, PlanSourceTable(table, config.sink, *source));
      RETURN_IF_ERROR(MirroredKey(table, plan).status());
      plans.push_back(std::move(plan));
    }
    RETURN_IF_ERROR(pg::CheckPrivileges(*source, MirrorPrivileges(config, plans)));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<CaptureSession> session, OpenCaptureSession(config, env));
  ASSIGN_OR_RETURN(auto cursors, session->coordinator->LoadCursors("materializer"));
  ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
  TableStores stores(config.sink, env);
  ASSIGN_OR_RETURN(std::unique_ptr<MaterializeLoop> loop, MaterializeLoop::Open(config, env));
  std::vector<LoadRequest> requests;
  std::map<std::string, int64_t> table_ids;
  for (size_t i = 0; i < config.tables.size(); ++i) {
    const TableConfig& table = config.tables[i];
    TablePlan& plan = plans[i];
    RETURN_IF_ERROR(ResolveIcebergTable(plan, *opened.catalog, stores, env));
    const std::string name = plan.source.QualifiedName();
    const stage::TableState* registered = nullptr;
    for (const stage::TableState& state : session->prepared.tables) {
      if (state.QualifiedName() == name) registered = &state;
    }
    if (registered == nullptr) return Status::Internal("table " + name + " is not registered");
    table_ids[name] = registered->table_id;
    if (InitialLoadCopied(plan.state)) {
      loop->Add(table, std::move(plan), registered->table_id);
      continue;
    }
    auto cursor = cursors.find(registered->table_id);
    requests.push_back({.table = table,
                        .log_offset = cursor == cursors.end() ? 0 : cursor->second,
                        .not_before = registered->added_lsn});
  }
  opened = {};  // the planning catalog is not needed beyond this point

  std::atomic<bool> session_stop{false};
  std::atomic<bool> drained{false};
  std::atomic<int> running{3};
  auto finish = [&](Status status) {
    if (!status.ok()) session_stop = true;
    --running;
    return status;
  };
  std::vector<std::function<Status()>> work;
  work.push_back([&]() -> Status {
    Status status = StreamChanges(*session, config, env, session_stop);
    drained = true;
    return finish(status.WithContext("capture"));
  });
  work.push_back([&]() -> Status {
    return finish(
        RunInitialLoad(config, requests, env, session_stop, [&](const TablePlan& plan) -> Status {
          const std::string name = plan.source.QualifiedName();
          const TableConfig* table = ConfiguredTable(config, name);
          if (table == nullptr) {
            return Status::Internal("loaded an unconfigured table " + name);
          }
          loop->Add(*table, plan, table_ids[name]);
          return Status::Ok();
        }));
  });
  work.push_back([&]() -> Status {
    return finish(loop->Run(session_stop, drained).WithContext("materializer"));
  });
  work.push_back([&]() -> Status {
    while (running.load() > 0) {
      if (stop.load()) session_stop = true;
      env.clock.SleepMicros(100'000);
    }
    return Status::Ok();
  });
  return FirstError(env.tasks.RunAll(std::move(work)));
}

}  // namespace

Status RunMirror(const Config& config, Env& env, const std::atomic<bool>& stop) {
  if (config.source.mode != "logical") {
    return Status::InvalidArgument("run needs source.mode: logical (got \"" + config.source.mode +
                                   "\")");
  }
  return RunRetryingSessions("mirror", env, stop,
                             [&]() -> Status { return MirrorOnce(config, env, stop); });
}

Status RunMaterializerOnly(const Config& config, Env& env, const std::atomic<bool>& stop) {
  return RunRetryingSessions("materializer", env, stop, [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> source,
                     ConnectSource(config.source.postgres, env));
    ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
    TableStores stores(config.sink, env);
    ASSIGN_OR_RETURN(std::unique_ptr<MaterializeLoop> loop, MaterializeLoop::Open(config, env));
    ASSIGN_OR_RETURN(std::vector<stage::TableState> registered, loop->RegisteredTables());
    for (const TableConfig& table : config.tables) {
      ASSIGN_OR_RETURN(TablePlan plan, PlanSourceTable(table, config.sink, *source));
      RETURN_IF_ERROR(ResolveIcebergTable(plan, *opened.catalog, stores, env));
      const std::string name = plan.source.QualifiedName();
      int64_t table_id = 0;
      for (const stage::TableState& state : registered) {
        if (state.QualifiedName() == name) table_id = state.table_id;
      }
      if (table_id == 0) {
        return Status::InvalidArgument(
            "table " + name + " is not captured by coordinator group \"" + config.state.group +
            "\": start `pg2iceberg stream-only` (or `run`) with it "
            "configured first");
      }
      if (!InitialLoadCopied(plan.state)) {
        return Status::InvalidArgument(
            "table " + name +
            " has no copied initial load in Iceberg, so the staged changes have nothing to "
            "apply to: load it with `pg2iceberg run` (which also captures), then use "
            "stream-only and materializer-only");
      }
      loop->Add(table, std::move(plan), table_id);
    }
    return loop->Run(stop, stop);
  });
}

}  // namespace pg2iceberg
