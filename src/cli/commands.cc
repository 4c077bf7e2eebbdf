#include "cli/commands.h"

#include <cstdio>
#include <cstdlib>

#include "cli/config_yaml.h"
#include "mirror/connect_check.h"
#include "mirror/snapshot.h"

namespace pg2iceberg {

Result<LogLevel> ParseLogLevel(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return Status::InvalidArgument("--log-level: expected debug, info, warn or error, got \"" + name + "\"");
}

namespace {

// The standard AWS environment variables fill S3 settings the file leaves empty.
void ApplyAwsEnvironment(S3Config& s3) {
  auto fill = [](std::string& field, const char* variable) {
    const char* value = std::getenv(variable);
    if (field.empty() && value != nullptr) field = value;
  };
  fill(s3.access_key, "AWS_ACCESS_KEY_ID");
  fill(s3.secret_key, "AWS_SECRET_ACCESS_KEY");
  fill(s3.session_token, "AWS_SESSION_TOKEN");
  fill(s3.region, "AWS_REGION");
  fill(s3.region, "AWS_DEFAULT_REGION");
  if (s3.region.empty()) s3.region = "us-east-1";
}

Result<Config> LoadConfig(const std::string& path, Env& env) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfigFile(path, &warnings);
  for (const std::string& warning : warnings) env.log.Warn(warning);
  if (config.ok()) ApplyAwsEnvironment(config->sink.s3);
  return config;
}

}  // namespace

Status RunCommand(const std::string& name, const std::string& config_path,
                  const std::string& worker_id, Env& env) {
  (void)worker_id;  // used by materializer-only once it exists
  if (name != "snapshot" && name != "connect-pg") {
    return Status::InvalidArgument("subcommand \"" + name +
                                   "\" is not implemented yet in this version of pg2iceberg");
  }
  ASSIGN_OR_RETURN(Config config, LoadConfig(config_path, env));
  if (name == "snapshot") return RunSnapshot(config, env);
  ASSIGN_OR_RETURN(std::string report, CheckPostgresConnection(config, env));
  std::fputs(report.c_str(), stdout);
  return Status::Ok();
}

}  // namespace pg2iceberg
