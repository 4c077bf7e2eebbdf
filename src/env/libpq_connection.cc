#include "env/libpq_connection.h"

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "env/libpq_session.h"
#include "env/pg_errors.h"

namespace pg2iceberg {
namespace {

// Keyword/value pairs for PQconnectdbParams; empty values are left out (libpq defaults).
class ConnectKeywords {
 public:
  void Add(const char* keyword, std::string value) {
    if (value.empty()) return;
    keywords_.push_back(keyword);
    values_.push_back(std::move(value));
  }
  // Null-terminated arrays, valid while this object lives and is not modified.
  std::vector<const char*> Keywords() const { return Terminated(keywords_); }
  std::vector<const char*> Values() const {
    std::vector<const char*> out;
    for (const std::string& value : values_) out.push_back(value.c_str());
    out.push_back(nullptr);
    return out;
  }

 private:
  static std::vector<const char*> Terminated(std::vector<const char*> items) {
    items.push_back(nullptr);
    return items;
  }
  std::vector<const char*> keywords_;
  std::vector<std::string> values_;
};

ConnectKeywords KeywordsFor(const PgConnectParams& params) {
  ConnectKeywords out;
  // Defaults first: with expand_dbname, a conninfo in "dbname" overrides what came before.
  out.Add("application_name", params.application_name);
  out.Add("connect_timeout", std::to_string(params.connect_timeout_seconds));
  out.Add("client_encoding", "UTF8");
  if (!params.conninfo.empty()) {
    out.Add("dbname", params.conninfo);
  } else {
    out.Add("host", params.host);
    out.Add("port", std::to_string(params.port));
    out.Add("dbname", params.database);
    out.Add("user", params.user);
    out.Add("password", params.password);
    out.Add("sslmode", params.sslmode);
    if (!params.sslrootcert.empty()) out.Add("sslrootcert", params.sslrootcert);
    if (!params.sslcert.empty()) out.Add("sslcert", params.sslcert);
    if (!params.sslkey.empty()) out.Add("sslkey", params.sslkey);
  }
  // After "dbname", so it also wins over a `replication` setting inside a conninfo.
  if (params.replication) out.Add("replication", "database");
  return out;
}

// The password a conninfo carries, or "" (also when it does not parse).
std::string PasswordInConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return "";
  std::string password;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
      password = option->val;
    }
  }
  PQconninfoFree(options);
  return password;
}

// Rejects a conninfo libpq cannot parse. Its message may echo part of the string, so it is
// shown only when the string cannot hold a password.
Status CheckConninfoParses(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return Status::Ok();
  }
  std::string text = error != nullptr ? error : "out of memory";
  if (error != nullptr) PQfreemem(error);
  const bool may_hold_password =
      conninfo.find("password") != std::string::npos || conninfo.find('@') != std::string::npos;
  if (may_hold_password) text = "details withheld because the string may contain a password";
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return Status::InvalidArgument("invalid PostgreSQL conninfo: " + text);
}

// "host:port" for messages, from the (possibly failed) connection.
std::string TargetName(PGconn* conn, const PgConnectParams& params) {
  const char* host = conn != nullptr ? PQhost(conn) : nullptr;
  const char* port = conn != nullptr ? PQport(conn) : nullptr;
  std::string host_text = host != nullptr && *host != '\0' ? host : params.host;
  std::string port_text = port != nullptr && *port != '\0' ? port : std::to_string(params.port);
  if (host_text.empty()) host_text = "(local socket)";
  return host_text + ":" + port_text;
}

}  // namespace

Result<std::unique_ptr<PgConnection>> LibpqConnector::Connect(const PgConnectParams& params) {
  std::string password = params.password;
  if (!params.conninfo.empty()) {
    RETURN_IF_ERROR(CheckConninfoParses(params.conninfo));
    password = PasswordInConninfo(params.conninfo);
  }
  const ConnectKeywords keywords = KeywordsFor(params);
  const std::vector<const char*> names = keywords.Keywords();
  const std::vector<const char*> values = keywords.Values();
  const int expand_dbname = params.conninfo.empty() ? 0 : 1;
  PGconn* conn = PQconnectdbParams(names.data(), values.data(), expand_dbname);
  if (conn == nullptr) return Status::Unavailable("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = RedactSecret(PQerrorMessage(conn), password);
    const std::string target = TargetName(conn, params);
    PQfinish(conn);
    return StatusForConnectFailure(message, target);
  }
  return std::unique_ptr<PgConnection>(new LibpqSession(conn, log_, params.replication));
}

}  // namespace pg2iceberg
