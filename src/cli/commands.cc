#include "cli/commands.h"

#include <cstdio>
#include <cstdlib>

#include "cli/config_yaml.h"
#include "mirror/cleanup.h"
#include "mirror/connect_check.h"
#include "mirror/connect_iceberg.h"
#include "mirror/migrate_coord.h"
#include "mirror/run.h"
#include "mirror/snapshot.h"
#include "mirror/stream_only.h"
#include "mirror/verify.h"

namespace pg2iceberg {

Result<LogLevel> ParseLogLevel(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return Status::InvalidArgument("--log-level: expected debug, info, warn or error, got \"" + name +
                                 "\"");
}

namespace {

// The standard AWS environment variables fill S3 settings the file leaves empty. Credentials
// are one set: the environment's (key id, secret, session token) only when the file names no
// key, so a stray AWS_SESSION_TOKEN is never sent with the file's keys (S3 would refuse them).
void ApplyAwsEnvironment(S3Config& s3) {
  auto fill = [](std::string& field, const char* variable) {
    const char* value = std::getenv(variable);
    if (field.empty() && value != nullptr) field = value;
  };
  if (s3.access_key.empty() && s3.secret_key.empty()) {
    fill(s3.access_key, "AWS_ACCESS_KEY_ID");
    fill(s3.secret_key, "AWS_SECRET_ACCESS_KEY");
    fill(s3.session_token, "AWS_SESSION_TOKEN");
  }
  fill(s3.region, "AWS_REGION");
  fill(s3.region, "AWS_DEFAULT_REGION");
  if (s3.region.empty()) s3.region = "us-east-1";
}

Result<Config> LoadConfig(const std::string& path, Env& env) {
  std::vector<std::string> warnings;
  Result<Config> config =
      LoadConfigFile(path, &warnings, [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      });
  for (const std::string& warning : warnings) env.log.Warn(warning);
  if (!config.ok()) return config;
  ApplyAwsEnvironment(config->sink.s3);
  if (config->source.spill_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    config->source.spill_dir = std::string(tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp") +
                               "/pg2iceberg-spill-" + config->state.group;
  }
  return config;
}

Status MigrateCoordinatorCommand(const Config& config, Env& env) {
  ASSIGN_OR_RETURN(CoordinatorMigration migration, MigrateCoordinatorSchema(config, env));
  std::printf("coordinator schema %s: version %d (was %d)\n",
              config.state.coordinator_schema.c_str(), migration.version, migration.found_version);
  return Status::Ok();
}

}  // namespace

Status RunCommand(const std::string& name, const CommandOptions& options, Env& env,
                  const std::atomic<bool>& stop) {
  if (name != "snapshot" && name != "connect-pg" && name != "connect-iceberg" &&
      name != "stream-only" && name != "migrate-coord" && name != "cleanup" && name != "run" &&
      name != "materializer-only" && name != "verify") {
    return Status::InvalidArgument("subcommand \"" + name +
                                   "\" is not implemented yet in this version of pg2iceberg");
  }
  ASSIGN_OR_RETURN(Config config, LoadConfig(options.config_path, env));
  if (name == "snapshot") return RunSnapshot(config, env);
  if (name == "stream-only") return RunStreamOnly(config, env, stop);
  if (name == "run") return RunMirror(config, env, stop);
  if (name == "materializer-only") return RunMaterializerOnly(config, env, stop);
  if (name == "migrate-coord") return MigrateCoordinatorCommand(config, env);
  if (name == "cleanup") {
    return RunCleanup(config, env, {.drop_iceberg_tables = options.drop_iceberg_tables});
  }
  if (name == "verify") {
    return RunVerify(
        config, env,
        {.timeout_ms = options.verify_timeout_s * 1000, .attempts = options.verify_attempts},
        [](const std::string& line) {
          std::fputs((line + "\n").c_str(), stdout);
          std::fflush(stdout);
        });
  }
  if (name == "connect-iceberg") {
    ASSIGN_OR_RETURN(std::string report, CheckIcebergConnection(config, env));
    std::fputs(report.c_str(), stdout);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::string report, CheckPostgresConnection(config, env));
  std::fputs(report.c_str(), stdout);
  return Status::Ok();
}

}  // namespace pg2iceberg
