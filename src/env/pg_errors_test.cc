#include "env/pg_errors.h"

#include <gtest/gtest.h>

#include "env/pg_connection.h"

namespace pg2iceberg {
namespace {

TEST(QuoteTest, IdentifierIsDoubleQuotedWithQuotesDoubled) {
  EXPECT_EQ(QuoteIdentifier("orders"), "\"orders\"");
  EXPECT_EQ(QuoteIdentifier("my table"), "\"my table\"");
  EXPECT_EQ(QuoteIdentifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(QuoteIdentifier(""), "\"\"");
}

TEST(QuoteTest, LiteralIsSingleQuotedWithQuotesDoubled) {
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QuoteLiteral(""), "''");
  EXPECT_EQ(QuoteLiteral("''"), "''''''");
}

TEST(QuoteTest, LiteralWithBackslashUsesEscapeStringForm) {
  EXPECT_EQ(QuoteLiteral("a\\b"), " E'a\\\\b'");
  EXPECT_EQ(QuoteLiteral("\\'"), " E'\\\\'''");
}

TEST(SqlStateTest, MapsClassesPerTheContract) {
  EXPECT_EQ(StatusCodeForSqlState("08006"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("57P01"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("55006"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("55P03"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("57P03"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("53300"), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeForSqlState("40001"), StatusCode::kConflict);
  EXPECT_EQ(StatusCodeForSqlState("40P01"), StatusCode::kConflict);
  EXPECT_EQ(StatusCodeForSqlState("40003"), StatusCode::kOutcomeUnknown);
  EXPECT_EQ(StatusCodeForSqlState("28P01"), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("3D000"), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("42601"), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("22P02"), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeForSqlState("42P01"), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeForSqlState("23505"), StatusCode::kInternal);
  EXPECT_EQ(StatusCodeForSqlState("57014"), StatusCode::kInternal);
  EXPECT_EQ(StatusCodeForSqlState(""), StatusCode::kInternal);
}

TEST(SqlStateTest, ServerErrorKeepsSqlStateMessageDetailAndHint) {
  const Status status = StatusForServerError("42P01", "relation \"x\" does not exist", "", "");
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "SQLSTATE 42P01: relation \"x\" does not exist");
  const Status full =
      StatusForServerError("23505", "duplicate key", "Key (id)=(1) exists.", "try again\n");
  EXPECT_EQ(full.message(),
            "SQLSTATE 23505: duplicate key (detail: Key (id)=(1) exists.) (hint: try again)");
}

TEST(ConnectFailureTest, AuthenticationFailureIsInvalidArgumentWithHint) {
  const Status status = StatusForConnectFailure(
      "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication "
      "failed for user \"bob\"\n",
      "127.0.0.1:5432");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("password authentication failed"), std::string::npos);
  EXPECT_NE(status.message().find("check the user name and password"), std::string::npos);
}

TEST(ConnectFailureTest, MissingDatabaseOrRoleIsInvalidArgument) {
  EXPECT_EQ(StatusForConnectFailure("FATAL:  database \"nope\" does not exist", "h:1").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusForConnectFailure("FATAL:  role \"nope\" does not exist", "h:1").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusForConnectFailure("FATAL:  no pg_hba.conf entry for host", "h:1").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusForConnectFailure("fe_sendauth: no password supplied", "h:1").code(),
            StatusCode::kInvalidArgument);
}

TEST(ConnectFailureTest, UnreachableServerIsUnavailableNamingTheTarget) {
  const Status refused = StatusForConnectFailure(
      "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n", "127.0.0.1:1");
  EXPECT_EQ(StatusForConnectFailure("failed: refused\n\tIs the server running?\n", "h:1").message(),
            "cannot connect to PostgreSQL at h:1: failed: refused Is the server running?");
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_EQ(refused.message(),
            "cannot connect to PostgreSQL at 127.0.0.1:1: connection to server at \"127.0.0.1\", "
            "port 1 failed: Connection refused");
  EXPECT_EQ(
      StatusForConnectFailure("could not translate host name \"nohost\" to address", "nohost:5432")
          .code(),
      StatusCode::kUnavailable);
  EXPECT_EQ(StatusForConnectFailure("FATAL:  the database system is starting up", "h:1").code(),
            StatusCode::kUnavailable);
}

TEST(ConnectFailureTest, TlsVerificationFailuresAreRejectionsWithTheSettingToFix) {
  // libpq 15's words for each.
  const Status host = StatusForConnectFailure(
      "connection to server at \"127.0.0.1\", port 5 failed: server certificate for "
      "\"localhost\" (and 1 other name) does not match host name \"127.0.0.1\"",
      "127.0.0.1:5");
  EXPECT_EQ(host.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(host.message().find("verify-ca"), std::string::npos) << host.message();
  const Status ca = StatusForConnectFailure(
      "connection to server at \"localhost\" (127.0.0.1), port 5 failed: SSL error: certificate "
      "verify failed",
      "localhost:5");
  EXPECT_EQ(ca.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ca.message().find("sslrootcert"), std::string::npos) << ca.message();
  const Status client = StatusForConnectFailure(
      "connection to server at \"localhost\" (127.0.0.1), port 5 failed: FATAL:  connection "
      "requires a valid client certificate",
      "localhost:5");
  EXPECT_EQ(client.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(client.message().find("sslcert"), std::string::npos) << client.message();
  EXPECT_EQ(StatusForConnectFailure("root certificate file \"/root/.postgresql/root.crt\" does "
                                    "not exist",
                                    "h:1")
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(RedactTest, ReplacesEveryOccurrenceOfTheSecret) {
  EXPECT_EQ(RedactSecret("pw=hunter2 again hunter2", "hunter2"), "pw=******** again ********");
  EXPECT_EQ(RedactSecret("nothing here", "hunter2"), "nothing here");
  EXPECT_EQ(RedactSecret("a b", ""), "a b");
}

TEST(ContainsCommitTest, FindsCommitOrEndStatements) {
  EXPECT_TRUE(ContainsCommit("COMMIT"));
  EXPECT_TRUE(ContainsCommit("  commit;"));
  EXPECT_TRUE(ContainsCommit("INSERT INTO t VALUES (1); COMMIT"));
  EXPECT_TRUE(ContainsCommit("end"));
  EXPECT_TRUE(ContainsCommit("COMMIT PREPARED 'x'"));
  EXPECT_FALSE(ContainsCommit("SELECT 1"));
  EXPECT_FALSE(ContainsCommit("committed_lsn"));
  EXPECT_FALSE(ContainsCommit("ending"));
  EXPECT_FALSE(ContainsCommit("BEGIN"));
}

}  // namespace
}  // namespace pg2iceberg
