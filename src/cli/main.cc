// pg2iceberg: mirrors PostgreSQL tables into Apache Iceberg tables.
// main() builds the real Env, parses the command line and hands over to one subcommand.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "env/real_env.h"

namespace pg2iceberg {
namespace {

// Set by SIGINT and SIGTERM; long-running subcommands poll it and stop cleanly.
std::atomic<bool> stop_requested{false};

extern "C" void OnStopSignal(int) { stop_requested.store(true); }

void InstallStopHandlers() {
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct Subcommand {
  const char* name;
  const char* description;
  bool built;
};

// Every subcommand of the existing pg2iceberg, so its operators keep their scripts.
constexpr Subcommand kSubcommands[] = {
    {"run", "Snapshot, then stream changes and materialize them continuously", true},
    {"snapshot", "Copy every configured table into its Iceberg table, consistently, and exit",
     true},
    {"cleanup", "Drop the replication slot, publication and coordinator state", true},
    {"compact", "Run one compaction pass over every configured table and exit", false},
    {"maintain", "Expire old snapshots and remove orphan files, then exit", false},
    {"verify", "Compare every configured table with its Iceberg mirror at one point in time", true},
    {"stream-only", "Capture changes into the staging log (distributed mode)", true},
    {"materializer-only", "Materialize staged changes as worker --worker-id (distributed mode)",
     true},
    {"migrate-coord", "Create or upgrade the coordinator schema and exit", true},
    {"connect-pg", "Check the source Postgres connection and report the server", true},
    {"connect-iceberg",
     "Check the Iceberg catalog and the warehouse: list namespaces, load the tables, write and "
     "remove a probe",
     true},
};

struct Options {
  std::string log_level = "info";
  std::string log_format = "text";
  CommandOptions command;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "pg2iceberg: error: %s\n", message.c_str());
  return 1;
}

int Dispatch(const std::string& name, const Options& options) {
  Result<LogLevel> level = ParseLogLevel(options.log_level);
  if (!level.ok()) return Fail(level.status().message());
  Result<LogFormat> format = ParseLogFormat(options.log_format);
  if (!format.ok()) return Fail(format.status().message());
  RealEnvOptions env_options;
  env_options.log_format = *format;
  env_options.log_level = *level;
  // On a terminal, long work (the initial load) shows live progress below the log lines.
  env_options.log_terminal = isatty(STDERR_FILENO) == 1;
  // A test hook (docs/testing.md#failpoints): unset in production, so nothing is armed.
  const char* fail_points = std::getenv(kFailPointsVariable);
  Result<FailPointPlan> plan = ParseFailPointPlan(fail_points == nullptr ? "" : fail_points);
  if (!plan.ok()) return Fail(plan.status().message());
  env_options.fail_points = std::move(*plan);
  RealEnv real_env(env_options);
  Env env = real_env.env();
  InstallStopHandlers();
  Status status = RunCommand(name, options.command, env, stop_requested);
  if (!status.ok()) return Fail(status.ToString());
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"pg2iceberg: mirrors PostgreSQL tables into Apache Iceberg tables", "pg2iceberg"};
  app.require_subcommand(1);
  Options options;
  app.add_option("--log-level", options.log_level, "debug, info, warn or error")
      ->capture_default_str();
  app.add_option("--log-format", options.log_format, "text or json")->capture_default_str();
  for (const Subcommand& sub : kSubcommands) {
    std::string description = sub.description;
    if (!sub.built) description += " (not implemented yet)";
    CLI::App* command = app.add_subcommand(sub.name, description);
    command->add_option("--config", options.command.config_path, "YAML configuration file")
        ->capture_default_str();
    if (std::string(sub.name) == "materializer-only") {
      command->add_option("--worker-id", options.command.worker_id, "This worker's id")->required();
    }
    if (std::string(sub.name) == "cleanup") {
      command->add_flag("--drop-iceberg-tables", options.command.drop_iceberg_tables,
                        "Also drop the configured Iceberg tables and delete their files");
    }
    if (std::string(sub.name) == "verify") {
      command
          ->add_option("--timeout", options.command.verify_timeout_s,
                       "Seconds to wait per table for the mirror to reach the comparison point")
          ->capture_default_str()
          ->check(CLI::PositiveNumber);
      command
          ->add_option("--attempts", options.command.verify_attempts,
                       "Comparison points tried per table while it keeps changing")
          ->capture_default_str()
          ->check(CLI::PositiveNumber);
    }
    command->fallthrough();
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (const Subcommand& sub : kSubcommands) {
    if (app.got_subcommand(sub.name)) return Dispatch(sub.name, options);
  }
  return Fail("no subcommand given");
}

}  // namespace
}  // namespace pg2iceberg

int main(int argc, char** argv) { return pg2iceberg::Main(argc, argv); }
