// QuoteIdentifier / QuoteLiteral (declared in pg_connection.h). Pure: no connection needed.
#include <string>

#include "env/pg_connection.h"

namespace pg2iceberg {

std::string QuoteIdentifier(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string QuoteLiteral(std::string_view literal) {
  // With a backslash present, use the E'' form and double the backslashes: that reads the same
  // whatever standard_conforming_strings is set to. Without one, a plain '' literal does.
  // The leading space keeps E'' from fusing with a preceding identifier character.
  const bool has_backslash = literal.find('\\') != std::string_view::npos;
  std::string out = has_backslash ? " E'" : "'";
  for (char c : literal) {
    if (c == '\'' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace pg2iceberg
