#include "mirror/load_plan.h"

#include <algorithm>
#include <cstdio>

#include "base/parse_number.h"
#include "iceberg/json_util.h"

namespace pg2iceberg {
namespace {

constexpr int kPlanFormat = 1;
constexpr int64_t kSamplePagesPerRange = 32;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> Unhex(std::string_view hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Status::InvalidArgument("odd-length hex value");
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = digit(hex[i]);
    const int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return Status::InvalidArgument("malformed hex value");
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

std::string KeyRow(const std::vector<std::string>& key) {
  std::string row;
  for (const std::string& column : key) row += (row.empty() ? "" : ", ") + QuoteIdentifier(column);
  return "ROW(" + row + ")";
}

std::string ValueRow(const std::vector<std::string>& values) {
  std::string row;
  for (const std::string& value : values) row += (row.empty() ? "" : ", ") + QuoteLiteral(value);
  return "ROW(" + row + ")";
}

std::string TableName(const pg::SourceTable& table) {
  return QuoteIdentifier(table.schema_name) + "." + QuoteIdentifier(table.table_name);
}

}  // namespace

std::string RangeCondition(const LoadPlan& plan, int64_t index) {
  if (plan.boundaries.empty()) return "";
  const std::string key = KeyRow(plan.key);
  std::string condition;
  if (index > 0) condition = key + " >= " + ValueRow(plan.boundaries[index - 1]);
  if (index < static_cast<int64_t>(plan.boundaries.size())) {
    condition +=
        (condition.empty() ? "" : " AND ") + key + " < " + ValueRow(plan.boundaries[index]);
  }
  return condition;
}

std::string EncodeLoadPlan(const LoadPlan& plan) {
  iceberg::Json boundaries = iceberg::Json::array();
  for (const std::vector<std::string>& boundary : plan.boundaries) {
    iceberg::Json values = iceberg::Json::array();
    for (const std::string& value : boundary) values.push_back(Hex(value));
    boundaries.push_back(std::move(values));
  }
  iceberg::Json document = {
      {"format", kPlanFormat}, {"key", plan.key}, {"boundaries", std::move(boundaries)}};
  return iceberg::DumpJson(document);
}

Result<LoadPlan> DecodeLoadPlan(std::string_view text) {
  ASSIGN_OR_RETURN(iceberg::Json document, iceberg::ParseJson(text));
  RETURN_IF_ERROR(iceberg::ExpectObject(document, "load plan"));
  ASSIGN_OR_RETURN(int32_t format, iceberg::GetInt32(document, "format"));
  if (format != kPlanFormat) {
    return Status::InvalidArgument("load plan format " + std::to_string(format) + " is not " +
                                   std::to_string(kPlanFormat));
  }
  LoadPlan plan;
  ASSIGN_OR_RETURN(const iceberg::Json* key, iceberg::GetArray(document, "key"));
  for (const iceberg::Json& column : *key) {
    if (!column.is_string()) return Status::InvalidArgument("load plan key: not a string");
    plan.key.push_back(column.get<std::string>());
  }
  if (plan.key.empty()) return Status::InvalidArgument("load plan without key columns");
  ASSIGN_OR_RETURN(const iceberg::Json* boundaries, iceberg::GetArray(document, "boundaries"));
  for (const iceberg::Json& boundary : *boundaries) {
    if (!boundary.is_array() || boundary.size() != plan.key.size()) {
      return Status::InvalidArgument(
          "load plan boundary: not an array of one value per key column");
    }
    std::vector<std::string> values;
    for (const iceberg::Json& value : boundary) {
      if (!value.is_string()) return Status::InvalidArgument("load plan boundary: not a string");
      ASSIGN_OR_RETURN(std::string bytes, Unhex(value.get<std::string>()));
      values.push_back(std::move(bytes));
    }
    plan.boundaries.push_back(std::move(values));
  }
  return plan;
}

std::string FormatRangeSet(const std::vector<bool>& ranges) {
  std::string text;
  const int64_t count = static_cast<int64_t>(ranges.size());
  for (int64_t i = 0; i < count;) {
    if (!ranges[i]) {
      ++i;
      continue;
    }
    int64_t last = i;
    while (last + 1 < count && ranges[last + 1]) ++last;
    text += (text.empty() ? "" : ",") + std::to_string(i);
    if (last > i) text += "-" + std::to_string(last);
    i = last + 1;
  }
  return text;
}

Result<std::vector<bool>> ParseRangeSet(std::string_view text, int64_t ranges) {
  std::vector<bool> set(static_cast<size_t>(ranges), false);
  int64_t next = 0;  // ascending: each item starts at or past it
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t dash = item.find('-');
    ASSIGN_OR_RETURN(int64_t first, ParseInt64(item.substr(0, dash), "range index"));
    int64_t last = first;
    if (dash != std::string_view::npos) {
      ASSIGN_OR_RETURN(last, ParseInt64(item.substr(dash + 1), "range index"));
    }
    if (first < next || last < first || last >= ranges) {
      return Status::InvalidArgument("range set item \"" + std::string(item) +
                                     "\" is out of order or outside 0.." +
                                     std::to_string(ranges - 1));
    }
    for (int64_t i = first; i <= last; ++i) set[i] = true;
    next = last + 1;
  }
  return set;
}

Result<bool> KeyIsIndexed(PgConnection& source, const pg::SourceTable& table,
                          const std::vector<std::string>& key) {
  std::string names = "{";
  for (size_t i = 0; i < key.size(); ++i) {
    names += (i == 0 ? "\"" : ",\"");
    for (char c : key[i]) {
      if (c == '"' || c == '\\') names.push_back('\\');
      names.push_back(c);
    }
    names += "\"";
  }
  names += "}";
  ASSIGN_OR_RETURN(
      PgRows rows,
      source.ExecParams("SELECT count(*)::text FROM pg_catalog.pg_index i "
                        "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_catalog.pg_am am ON am.oid = c.relam AND am.amname = 'btree' "
                        "WHERE i.indrelid = $1::oid AND i.indisvalid AND i.indpred IS NULL "
                        "AND i.indexprs IS NULL AND i.indnkeyatts >= cardinality($2::text[]) "
                        "AND (i.indkey::int2[])[0:cardinality($2::text[]) - 1] = "
                        "  (SELECT array_agg(a.attnum ORDER BY u.ord) FROM unnest($2::text[]) "
                        "   WITH ORDINALITY u(name, ord) JOIN pg_catalog.pg_attribute a "
                        "   ON a.attrelid = $1::oid AND a.attname = u.name)",
                        {std::to_string(table.oid), names}));
  if (rows.rows.size() != 1 || rows.rows[0].size() != 1 || !rows.rows[0][0]) {
    return Status::Internal("unexpected answer to the key index query of " + table.QualifiedName());
  }
  ASSIGN_OR_RETURN(int64_t count,
                   ParseInt64(*rows.rows[0][0], "index count", StatusCode::kInternal));
  return count > 0;
}

Result<LoadPlan> SampleLoadPlan(PgConnection& source, const pg::SourceTable& table,
                                const std::vector<std::string>& key, int64_t ranges,
                                int64_t pages) {
  LoadPlan plan{.key = key};
  if (ranges <= 1) return plan;
  const double percent =
      std::min(100.0, 100.0 * static_cast<double>(kSamplePagesPerRange * ranges) /
                          static_cast<double>(std::max<int64_t>(pages, 1)));
  char percent_text[32];
  std::snprintf(percent_text, sizeof percent_text, "%.6f", percent);
  // The sampled keys are named k0, k1, …: an ORDER BY of a bare column name would sort by the
  // output column of that name, the key's text.
  std::string columns;
  std::string order;
  for (size_t i = 0; i < key.size(); ++i) {
    columns += (i == 0 ? "" : ", ") + std::string("t.") + QuoteIdentifier(key[i]) + "::text AS k" +
               std::to_string(i);
    order += (i == 0 ? "" : ", ") + std::string("t.") + QuoteIdentifier(key[i]);
  }
  ASSIGN_OR_RETURN(PgRows rows,
                   source.Exec("SELECT " + columns + " FROM " + TableName(table) +
                               " t TABLESAMPLE SYSTEM (" + percent_text + ") ORDER BY " + order));
  const int64_t sampled = static_cast<int64_t>(rows.rows.size());
  // Boundary i is the sampled key at i/ranges of the sample; keys are unique, so boundaries
  // taken at distinct positions ascend strictly.
  int64_t last_position = 0;
  for (int64_t i = 1; i < ranges; ++i) {
    const int64_t position = sampled * i / ranges;
    if (position <= last_position) continue;
    last_position = position;
    std::vector<std::string> boundary;
    for (size_t c = 0; c < key.size(); ++c) {
      const std::optional<std::string>& value = rows.rows[position][c];
      if (!value) {
        return Status::Internal("the sample of " + table.QualifiedName() + " holds a NULL key");
      }
      boundary.push_back(*value);
    }
    plan.boundaries.push_back(std::move(boundary));
  }
  RETURN_IF_ERROR(CheckLoadPlan(source, table, plan));
  return plan;
}

Status CheckLoadPlan(PgConnection& source, const pg::SourceTable& table, const LoadPlan& plan) {
  if (plan.boundaries.size() < 2) return Status::Ok();
  // Each key column's type and collation, so the boundaries compare as the range conditions
  // compare them against the column.
  std::vector<std::string> casts;
  for (const std::string& column : plan.key) {
    ASSIGN_OR_RETURN(
        PgRows rows,
        source.ExecParams(
            "SELECT pg_catalog.format_type(a.atttypid, NULL), "
            "CASE WHEN a.attcollation <> 0 THEN pg_catalog.quote_ident(n.nspname) || '.' || "
            "pg_catalog.quote_ident(c.collname) END "
            "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_collation c "
            "ON c.oid = a.attcollation LEFT JOIN pg_catalog.pg_namespace n ON n.oid = "
            "c.collnamespace WHERE a.attrelid = $1::oid AND a.attname = $2 AND NOT a.attisdropped",
            {std::to_string(table.oid), column}));
    if (rows.rows.size() != 1 || !rows.rows[0][0]) {
      return Status::Internal("key column \"" + column + "\" of " + table.QualifiedName() +
                              " not found in pg_attribute");
    }
    std::string cast = "::" + *rows.rows[0][0];
    if (rows.rows[0][1]) cast += " COLLATE " + *rows.rows[0][1];
    casts.push_back(std::move(cast));
  }
  auto typed = [&](const std::vector<std::string>& values) {
    std::string row;
    for (size_t i = 0; i < values.size(); ++i) {
      row += (i == 0 ? "" : ", ") + std::string("(") + QuoteLiteral(values[i]) + casts[i] + ")";
    }
    return "ROW(" + row + ")";
  };
  std::string ascending;
  for (size_t i = 0; i + 1 < plan.boundaries.size(); ++i) {
    ascending +=
        (i == 0 ? "" : " AND ") + typed(plan.boundaries[i]) + " < " + typed(plan.boundaries[i + 1]);
  }
  ASSIGN_OR_RETURN(PgRows answer, source.Exec("SELECT (" + ascending + ")::text"));
  if (answer.rows.size() != 1 || answer.rows[0].size() != 1 || answer.rows[0][0] != "true") {
    return Status::Internal("the key ranges planned for " + table.QualifiedName() +
                            " do not ascend as the key compares; nothing was copied. Report "
                            "this as a bug, with the table's key types");
  }
  return Status::Ok();
}

}  // namespace pg2iceberg
