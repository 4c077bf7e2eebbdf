// Runs against a real PostgreSQL named by PG2ICEBERG_TEST_PG_CONNINFO (a libpq conninfo with a
// password, e.g. "host=127.0.0.1 port=5433 dbname=postgres user=postgres password=…");
// skipped when it is unset.
#include "env/libpq_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace pg2iceberg {
namespace {

class CapturingLogger final : public Logger {
 public:
  void Write(LogLevel level, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(std::string(LogLevelName(level)) + " " + std::string(message));
  }
  LogLevel min_level() const override { return LogLevel::kDebug; }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// The conninfo's settings by keyword.
std::map<std::string, std::string> ParseConninfo(const std::string& conninfo) {
  std::map<std::string, std::string> out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return out;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) out[option->keyword] = option->val;
  }
  PQconninfoFree(options);
  return out;
}

PgConnectParams WithConninfo(std::string conninfo) {
  PgConnectParams params;
  params.conninfo = std::move(conninfo);
  return params;
}

int ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

int32_t ReadBigEndian32(const std::string& data, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(data[at + i]);
  return static_cast<int32_t>(value);
}
int16_t ReadBigEndian16(const std::string& data, size_t at) {
  return static_cast<int16_t>((static_cast<uint8_t>(data[at]) << 8) |
                              static_cast<uint8_t>(data[at + 1]));
}

class LibpqConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* conninfo = std::getenv("PG2ICEBERG_TEST_PG_CONNINFO");
    if (conninfo == nullptr || *conninfo == '\0') {
      FAIL() << "PG2ICEBERG_TEST_PG_CONNINFO is not set: a live test fails without its server (run "
                "it under scripts/with_postgres.py, as scripts/test.sh does)";
    }
    conninfo_ = conninfo;
    auto connection = connector_.Connect(WithConninfo(conninfo_));
    ASSERT_TRUE(connection.ok()) << connection.status().ToString();
    pg_ = std::move(*connection);
  }

  // Connection settings with the conninfo's host, port, database and user.
  PgConnectParams FieldParams() {
    std::map<std::string, std::string> settings = ParseConninfo(conninfo_);
    PgConnectParams params;
    params.host = settings["host"];
    params.port = settings.count("port") ? std::stoi(settings["port"]) : 5432;
    params.database = settings["dbname"];
    params.user = settings["user"];
    params.password = settings["password"];
    params.sslmode = "disable";
    return params;
  }

  CapturingLogger log_;
  LibpqConnector connector_{log_};
  std::string conninfo_;
  std::unique_ptr<PgConnection> pg_;
};

TEST_F(LibpqConnectionTest, ExecReturnsColumnsAndTextRowsWithNulls) {
  auto rows = pg_->Exec("SELECT 1 AS a, 'x''y' AS b, NULL::text AS c UNION ALL SELECT 2, 'z', 'w'");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->column_names, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0][0], "1");
  EXPECT_EQ(rows->rows[0][1], "x'y");
  EXPECT_EQ(rows->rows[0][2], std::nullopt);
  EXPECT_EQ(rows->rows[1][2], "w");
}

TEST_F(LibpqConnectionTest, ExecOfSeveralStatementsReturnsTheLast) {
  auto rows = pg_->Exec(
      "CREATE TEMP TABLE several(x int); INSERT INTO several VALUES (7); "
      "SELECT x FROM several");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0], "7");
  auto command = pg_->Exec("UPDATE several SET x = 8");
  ASSERT_TRUE(command.ok());
  EXPECT_TRUE(command->rows.empty());
}

TEST_F(LibpqConnectionTest, ExecParamsPassesTextAndNull) {
  auto rows = pg_->ExecParams("SELECT $1::text IS NULL, $2::int + 1, $3::text",
                              {std::nullopt, "41", "it's \\ \"quoted\""});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(rows->rows[0][0], "t");
  EXPECT_EQ(rows->rows[0][1], "42");
  EXPECT_EQ(rows->rows[0][2], "it's \\ \"quoted\"");
}

TEST_F(LibpqConnectionTest, QuotedNamesAndLiteralsRoundTripThroughTheServer) {
  const std::string weird = "we\"ird 'name' \\ x";
  auto rows = pg_->Exec("CREATE TEMP TABLE " + QuoteIdentifier(weird) + "(v text); INSERT INTO " +
                        QuoteIdentifier(weird) + " VALUES (" + QuoteLiteral(weird) +
                        "); SELECT v FROM " + QuoteIdentifier(weird));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows.at(0).at(0), weird);
  ASSERT_TRUE(pg_->Exec("SET standard_conforming_strings = off").ok());
  auto off = pg_->Exec("SELECT " + QuoteLiteral(weird));
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->rows.at(0).at(0), weird);
}

TEST_F(LibpqConnectionTest, CopyOutStreamsBinaryFormat) {
  ASSERT_TRUE(pg_->Exec("CREATE TEMP TABLE copied(id int, name text); "
                        "INSERT INTO copied VALUES (1, 'one'), (2, NULL), (300, 'three hundred')")
                  .ok());
  std::string stream;
  const Status status = pg_->CopyOut("COPY copied TO STDOUT (FORMAT binary)", [&](ByteSpan chunk) {
    stream.append(AsStringView(chunk));
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_GE(stream.size(), 21u);
  EXPECT_EQ(stream.substr(0, 11), std::string("PGCOPY\n\xff\r\n\0", 11));
  EXPECT_EQ(ReadBigEndian32(stream, 11), 0);  // flags
  EXPECT_EQ(ReadBigEndian32(stream, 15), 0);  // header extension length
  size_t at = 19;
  std::vector<std::pair<int32_t, std::optional<std::string>>> rows;
  while (ReadBigEndian16(stream, at) != -1) {
    ASSERT_EQ(ReadBigEndian16(stream, at), 2);
    at += 2;
    ASSERT_EQ(ReadBigEndian32(stream, at), 4);
    const int32_t id = ReadBigEndian32(stream, at + 4);
    at += 8;
    const int32_t length = ReadBigEndian32(stream, at);
    at += 4;
    std::optional<std::string> name;
    if (length >= 0) name = stream.substr(at, static_cast<size_t>(length));
    at += length >= 0 ? static_cast<size_t>(length) : 0;
    rows.emplace_back(id, name);
  }
  EXPECT_EQ(at + 2, stream.size());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], std::make_pair(1, std::optional<std::string>("one")));
  EXPECT_EQ(rows[1], std::make_pair(2, std::optional<std::string>()));
  EXPECT_EQ(rows[2], std::make_pair(300, std::optional<std::string>("three hundred")));
}

TEST_F(LibpqConnectionTest, SinkFailureCancelsTheCopyAndKeepsTheSessionUsable) {
  int chunks = 0;
  const Status status =
      pg_->CopyOut("COPY (SELECT generate_series(1, 5000000)) TO STDOUT", [&](ByteSpan) {
        ++chunks;
        return Status::DataLoss("sink is full");
      });
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
  EXPECT_EQ(status.message(), "sink is full");
  EXPECT_EQ(chunks, 1);
  auto rows = pg_->Exec("SELECT 1");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows.at(0).at(0), "1");
}

TEST_F(LibpqConnectionTest, CopyOutRejectsOtherStatementsAndMapsErrors) {
  EXPECT_EQ(pg_->CopyOut("SELECT 1", [](ByteSpan) { return Status::Ok(); }).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      pg_->CopyOut("COPY no_such_table TO STDOUT", [](ByteSpan) { return Status::Ok(); }).code(),
      StatusCode::kNotFound);
  // COPY FROM STDIN is refused and left cleanly.
  ASSERT_TRUE(pg_->Exec("CREATE TEMP TABLE sink_in(x int)").ok());
  EXPECT_EQ(pg_->Exec("COPY sink_in FROM STDIN").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(pg_->Exec("SELECT count(*) FROM sink_in")->rows.at(0).at(0), "0");
}

TEST_F(LibpqConnectionTest, SqlStatesMapToCodesWithServerText) {
  const Status syntax = pg_->Exec("SELEC 1").status();
  EXPECT_EQ(syntax.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(syntax.message().find("SQLSTATE 42601"), std::string::npos) << syntax.ToString();
  EXPECT_NE(syntax.message().find("syntax error"), std::string::npos) << syntax.ToString();
  const Status undefined = pg_->Exec("SELECT * FROM no_such_table").status();
  EXPECT_EQ(undefined.code(), StatusCode::kNotFound);
  EXPECT_NE(undefined.message().find("SQLSTATE 42P01"), std::string::npos);
  const Status bad_value = pg_->ExecParams("SELECT $1::int", {"abc"}).status();
  EXPECT_EQ(bad_value.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_value.message().find("22P02"), std::string::npos);
  ASSERT_TRUE(pg_->Exec("CREATE TEMP TABLE unique_t(id int PRIMARY KEY); "
                        "INSERT INTO unique_t VALUES (1)")
                  .ok());
  const Status duplicate = pg_->Exec("INSERT INTO unique_t VALUES (1)").status();
  EXPECT_EQ(duplicate.code(), StatusCode::kInternal);
  EXPECT_NE(duplicate.message().find("(detail: Key (id)=(1) already exists.)"), std::string::npos)
      << duplicate.ToString();
}

TEST_F(LibpqConnectionTest, NulBytesAreRejectedBeforeSending) {
  EXPECT_EQ(pg_->Exec(std::string("SELECT 1\0; DROP", 16)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(pg_->ExecParams("SELECT $1", {std::string("a\0b", 3)}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LibpqConnectionTest, ServerVersionIsReported) { EXPECT_GE(pg_->ServerVersion(), 100000); }

TEST_F(LibpqConnectionTest, NoticesGoToTheLogger) {
  ASSERT_TRUE(pg_->Exec("DROP TABLE IF EXISTS surely_not_there_42").ok());
  bool found = false;
  for (const std::string& line : log_.lines()) {
    found |= line.find("surely_not_there_42") != std::string::npos && line.starts_with("debug ");
  }
  EXPECT_TRUE(found);
}

TEST_F(LibpqConnectionTest, FieldParamsConnect) {
  auto connection = connector_.Connect(FieldParams());
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  EXPECT_EQ((*connection)->Exec("SELECT current_setting('application_name')")->rows.at(0).at(0),
            "pg2iceberg");
  EXPECT_EQ((*connection)->Exec("SHOW client_encoding")->rows.at(0).at(0), "UTF8");
}

TEST_F(LibpqConnectionTest, WrongPasswordIsInvalidArgumentWithoutThePassword) {
  PgConnectParams params = FieldParams();
  params.password = "Wr0ng-Sentinel-Passw0rd";
  const Status fields = connector_.Connect(params).status();
  EXPECT_EQ(fields.code(), StatusCode::kInvalidArgument) << fields.ToString();
  EXPECT_NE(fields.message().find("password authentication failed"), std::string::npos)
      << fields.ToString();
  EXPECT_EQ(fields.message().find("Wr0ng-Sentinel-Passw0rd"), std::string::npos);

  const Status conninfo =
      connector_.Connect(WithConninfo(conninfo_ + " password=Other-Sentinel-Pw")).status();
  EXPECT_EQ(conninfo.code(), StatusCode::kInvalidArgument) << conninfo.ToString();
  EXPECT_EQ(conninfo.message().find("Other-Sentinel-Pw"), std::string::npos);
}

TEST_F(LibpqConnectionTest, MissingDatabaseIsInvalidArgument) {
  PgConnectParams params = FieldParams();
  params.database = "no_such_database_42";
  const Status status = connector_.Connect(params).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find("no_such_database_42"), std::string::npos);
}

TEST_F(LibpqConnectionTest, ClosedPortIsUnavailableNamingHostAndPort) {
  PgConnectParams params = FieldParams();
  params.host = "127.0.0.1";
  params.port = ClosedLoopbackPort();
  const Status status = connector_.Connect(params).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status.ToString();
  EXPECT_NE(status.message().find("127.0.0.1:" + std::to_string(params.port)), std::string::npos)
      << status.ToString();
  EXPECT_EQ(status.message().find(params.password), std::string::npos);
}

TEST_F(LibpqConnectionTest, MalformedConninfoIsInvalidArgument) {
  const Status status = connector_.Connect(WithConninfo("host=x bogus")).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  const Status secret = connector_.Connect(WithConninfo("password=Hidden-Sentinel junk")).status();
  EXPECT_EQ(secret.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(secret.message().find("Hidden-Sentinel"), std::string::npos) << secret.ToString();
}

TEST_F(LibpqConnectionTest, TerminatedSessionIsUnavailableAndLostCommitIsOutcomeUnknown) {
  auto victim = connector_.Connect(WithConninfo(conninfo_));
  ASSERT_TRUE(victim.ok());
  auto other = connector_.Connect(WithConninfo(conninfo_));
  ASSERT_TRUE(other.ok());
  const std::string pid = (*victim)->Exec("SELECT pg_backend_pid()")->rows.at(0).at(0).value();
  ASSERT_TRUE((*victim)->Exec("BEGIN; CREATE TEMP TABLE doomed(x int)").ok());
  ASSERT_TRUE((*other)->Exec("SELECT pg_terminate_backend(" + pid + ")").ok());
  const Status commit = (*victim)->Exec("COMMIT").status();
  EXPECT_EQ(commit.code(), StatusCode::kOutcomeUnknown) << commit.ToString();

  auto second = connector_.Connect(WithConninfo(conninfo_));
  ASSERT_TRUE(second.ok());
  const std::string pid2 = (*second)->Exec("SELECT pg_backend_pid()")->rows.at(0).at(0).value();
  ASSERT_TRUE((*other)->Exec("SELECT pg_terminate_backend(" + pid2 + ")").ok());
  const Status select = (*second)->Exec("SELECT 1").status();
  EXPECT_EQ(select.code(), StatusCode::kUnavailable) << select.ToString();
}

}  // namespace
}  // namespace pg2iceberg
