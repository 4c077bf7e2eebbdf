// RealEnv: owns the production implementations of every Env member and hands out the Env
// that borrows them. main() builds one and keeps it alive for the whole run.
// Not copyable or movable (the Env holds references into it).
#pragma once

#include <cstdio>

#include "base/log.h"
#include "env/curl_http_transport.h"
#include "env/default_object_store_opener.h"
#include "env/env.h"
#include "env/libpq_connection.h"
#include "env/process_fail_points.h"
#include "env/real_clock.h"
#include "env/stderr_logger.h"
#include "env/system_random.h"

namespace pg2iceberg {

struct RealEnvOptions {
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  bool log_terminal = false;  // stderr is a terminal: show live progress (StderrLogger)
  CurlHttpTransportOptions http;
  FailPointPlan fail_points;  // empty in production: nothing armed
};

class RealEnv {
 public:
  explicit RealEnv(const RealEnvOptions& options = {});
  RealEnv(const RealEnv&) = delete;
  RealEnv& operator=(const RealEnv&) = delete;

  // Valid while this RealEnv lives.
  Env env();

 private:
  // Declaration order is construction order: the logger reads the clock, the connector
  // logs, the opener draws temp names from the random source.
  RealClock clock_;
  SystemRandom random_;
  StderrLogger log_;
  LibpqConnector pg_;
  CurlHttpTransport http_;
  DefaultObjectStoreOpener object_stores_;
  ProcessFailPoints fail_points_;
};

}  // namespace pg2iceberg
