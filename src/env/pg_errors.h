// Mapping PostgreSQL failures to Status (the table is in pg_connection.h). Pure functions, so
// they are tested without a server; LibpqConnection feeds them libpq's fields.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace pg2iceberg {

// The code for a five-character SQLSTATE.
StatusCode StatusCodeForSqlState(std::string_view sqlstate);

// A server error as a Status: "SQLSTATE 42P01: relation \"x\" does not exist
// (detail: …) (hint: …)", detail and hint only when present.
Status StatusForServerError(std::string_view sqlstate, std::string_view primary,
                            std::string_view detail, std::string_view hint);

// A failed connection attempt. `libpq_message` is PQerrorMessage (already stripped of the
// password); `target` names the server ("db.example.com:5432").
//   authentication (password, pg_hba.conf, missing password), unknown role or database,
//   bad connection options, required SSL refused → kInvalidArgument with a hint;
//   anything else (refused, timeout, unknown host, server starting or full) → kUnavailable.
Status StatusForConnectFailure(std::string_view libpq_message, std::string_view target);

// `text` with every occurrence of `secret` replaced by "********". Secrets shorter than 3
// characters are left alone (replacing them would garble the text; libpq never echoes them).
std::string RedactSecret(std::string text, std::string_view secret);

// libpq's multi-line messages ("…failed: Connection refused\n\tIs the server running…") on one
// line, so a Status prints as one log line.
std::string OneLine(std::string_view text);

// True when one of the ';'-separated statements in `sql` is COMMIT or END (so a lost reply
// leaves the transaction's outcome unknown). Errs on the side of true.
bool ContainsCommit(std::string_view sql);

}  // namespace pg2iceberg
