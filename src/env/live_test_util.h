// Test support for live unit tests: the Postgres that scripts/with_postgres.py starts
// (PG2ICEBERG_TEST_PG_CONNINFO), the S3 server that scripts/with_moto.py starts
// (PG2ICEBERG_TEST_S3_*), the REST catalog that scripts/with_rest_catalog.py starts
// (PG2ICEBERG_TEST_REST_*), and names no other test process uses. A live test whose
// server is missing fails, never skips.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "env/pg_connection.h"

namespace pg2iceberg {

// Connects `*out` to the live test server, or fails the test saying how to run it. Use as
// ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_)).
inline void ConnectLivePostgres(PgConnector& connector, std::unique_ptr<PgConnection>* out) {
  const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
  if (conninfo == nullptr || *conninfo == '\0') {
    FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
              "it under scripts/with_postgres.py, as scripts/test.sh does)";
  }
  Result<std::unique_ptr<PgConnection>> connected =
      connector.Connect(PgConnectParams{.conninfo = conninfo});
  ASSERT_TRUE(connected.ok()) << connected.status().ToString();
  *out = std::move(*connected);
}

struct LiveS3Server {
  std::string endpoint;
  std::string access_key_id;
  std::string secret_access_key;
};

// Sets `*out` to the live S3 server (keys default to "test"/"test"), or fails the test saying
// how to run it. Use under ASSERT_NO_FATAL_FAILURE.
inline void FindLiveS3Server(LiveS3Server* out) {
  const auto env_or = [](const char* name, const char* fallback) -> std::string {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : fallback;
  };
  out->endpoint = env_or("PG2ICEBERG_TEST_S3_ENDPOINT", "");
  if (out->endpoint.empty()) {
    FAIL() << "PG2ICEBERG_TEST_S3_ENDPOINT is not set: a live test fails without its server (run "
              "it under scripts/with_moto.py, as scripts/test.sh does)";
  }
  out->access_key_id = env_or("PG2ICEBERG_TEST_S3_ACCESS_KEY_ID", "test");
  out->secret_access_key = env_or("PG2ICEBERG_TEST_S3_SECRET_ACCESS_KEY", "test");
}

struct LiveRestCatalog {
  std::string uri;
  std::string warehouse;  // a file:// directory the server may write to
};

// Sets `*out` to the live Iceberg REST catalog test server, or fails the test saying how to run
// it. Use under ASSERT_NO_FATAL_FAILURE.
inline void FindLiveRestCatalog(LiveRestCatalog* out) {
  const char* uri = std::getenv("PG2ICEBERG_TEST_REST_URI");
  const char* warehouse = std::getenv("PG2ICEBERG_TEST_REST_WAREHOUSE");
  if (uri == nullptr || *uri == '\0' || warehouse == nullptr || *warehouse == '\0') {
    FAIL() << "PG2ICEBERG_TEST_REST_URI / PG2ICEBERG_TEST_REST_WAREHOUSE are not set: a live "
              "test fails without its server (run it under scripts/with_rest_catalog.py, as "
              "scripts/test.sh does)";
  }
  *out = {uri, warehouse};
}

// "<prefix>_<pid>_<current test's name>": a schema (or other) name unique to this test.
inline std::string UniqueTestName(std::string_view prefix) {
  return std::string(prefix) + "_" + std::to_string(getpid()) + "_" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

// Drops `schema` and everything in it, if `pg` is connected; errors are ignored (teardown).
inline void DropTestSchema(PgConnection* pg, const std::string& schema) {
  if (pg == nullptr) return;
  pg->Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema) + " CASCADE").status().IgnoreError();
}

}  // namespace pg2iceberg
