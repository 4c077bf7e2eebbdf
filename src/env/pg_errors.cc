#include "env/pg_errors.h"

#include <cctype>

namespace pg2iceberg {
namespace {

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

std::string TrimTrailingNewlines(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

// The kInvalidArgument hint for a rejected connection, or "" when the failure is transient.
std::string_view ConnectRejectionHint(std::string_view message) {
  if (Contains(message, "authentication failed") || Contains(message, "no password supplied") ||
      Contains(message, "password is required")) {
    return "check the user name and password, or the server's pg_hba.conf";
  }
  if (Contains(message, "no pg_hba.conf entry")) {
    return "the server's pg_hba.conf does not allow this host, user and database";
  }
  if (Contains(message, "role \"") && Contains(message, "does not exist")) {
    return "check the user name";
  }
  if (Contains(message, "database \"") && Contains(message, "does not exist")) {
    return "check the database name";
  }
  // TLS: the peer is not who the settings trust, or the settings lack what the server asks.
  // Retrying changes nothing.
  if (Contains(message, "does not match host name")) {
    return "the server's certificate names another host: connect by a name it carries "
           "(source.postgres.host), or use sslmode verify-ca";
  }
  if (Contains(message, "certificate verify failed")) {
    return "the server's certificate is not signed by a certificate authority "
           "source.postgres.sslrootcert trusts";
  }
  if (Contains(message, "root certificate file")) {
    return "sslmode verify-ca and verify-full need the trusted certificate authorities: set "
           "source.postgres.sslrootcert";
  }
  if (Contains(message, "requires a valid client certificate") ||
      Contains(message, "certificate authentication failed")) {
    return "the server authenticates this role by client certificate: set "
           "source.postgres.sslcert and sslkey to a certificate its CA signed whose common name "
           "is the user name";
  }
  if (Contains(message, "certificate file") || Contains(message, "private key file") ||
      Contains(message, "server does not support SSL")) {
    return "check the TLS settings (sslmode, sslrootcert, sslcert, sslkey)";
  }
  if (Contains(message, "SSL was required") || Contains(message, "SSL off") ||
      Contains(message, "invalid ") || Contains(message, "missing \"=\"") ||
      Contains(message, "unterminated quoted string")) {
    return "check the connection settings";
  }
  return "";
}

bool StartsWithWordIgnoringCase(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  if (text.size() == word.size()) return true;
  const auto next = static_cast<unsigned char>(text[word.size()]);
  return !(std::isalnum(next) || next == '_' || next == '$');
}

}  // namespace

StatusCode StatusCodeForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return StatusCode::kInternal;
  const std::string_view sql_class = sqlstate.substr(0, 2);
  if (sqlstate == "42P01") return StatusCode::kNotFound;
  if (sqlstate == "40001" || sqlstate == "40P01") return StatusCode::kConflict;
  if (sqlstate == "40003") return StatusCode::kOutcomeUnknown;
  if (sql_class == "08" || sql_class == "53") return StatusCode::kUnavailable;
  // Object in use (a replication slot a departing walsender still holds), lock not available.
  if (sqlstate == "55006" || sqlstate == "55P03") return StatusCode::kUnavailable;
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return StatusCode::kUnavailable;
  }
  if (sql_class == "28" || sqlstate == "3D000" || sql_class == "42" || sql_class == "22") {
    return StatusCode::kInvalidArgument;
  }
  return StatusCode::kInternal;
}

Status StatusForServerError(std::string_view sqlstate, std::string_view primary,
                            std::string_view detail, std::string_view hint) {
  std::string message = "SQLSTATE " + std::string(sqlstate) + ": " + TrimTrailingNewlines(primary);
  if (!detail.empty()) message += " (detail: " + TrimTrailingNewlines(detail) + ")";
  if (!hint.empty()) message += " (hint: " + TrimTrailingNewlines(hint) + ")";
  return Status(StatusCodeForSqlState(sqlstate), std::move(message));
}

Status StatusForConnectFailure(std::string_view libpq_message, std::string_view target) {
  const std::string text = OneLine(TrimTrailingNewlines(libpq_message));
  const std::string_view hint = ConnectRejectionHint(text);
  if (!hint.empty()) {
    return Status::InvalidArgument("PostgreSQL at " + std::string(target) +
                                   " rejected the connection: " + text + " (" + std::string(hint) +
                                   ")");
  }
  return Status::Unavailable("cannot connect to PostgreSQL at " + std::string(target) + ": " +
                             text);
}

std::string RedactSecret(std::string text, std::string_view secret) {
  if (secret.size() < 3) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 8)) {
    text.replace(at, secret.size(), "********");
  }
  return text;
}

std::string OneLine(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out.push_back(text[i]);
      continue;
    }
    while (i + 1 < text.size() && (text[i + 1] == '\t' || text[i + 1] == ' ')) ++i;
    out.push_back(' ');
  }
  return out;
}

bool ContainsCommit(std::string_view sql) {
  size_t start = 0;
  while (start <= sql.size()) {
    size_t end = sql.find(';', start);
    if (end == std::string_view::npos) end = sql.size();
    std::string_view statement = sql.substr(start, end - start);
    while (!statement.empty() && std::isspace(static_cast<unsigned char>(statement.front()))) {
      statement.remove_prefix(1);
    }
    if (StartsWithWordIgnoringCase(statement, "commit") ||
        StartsWithWordIgnoringCase(statement, "end")) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace pg2iceberg
