#include "capture/catalog_state.h"

#include <charconv>

namespace pg2iceberg::capture {
namespace {

std::string OidArray(const std::vector<uint32_t>& oids) {
  std::string array = "{";
  for (uint32_t oid : oids) array += (array.size() > 1 ? "," : "") + std::to_string(oid);
  return array + "}";
}

Result<std::string> Text(const PgRows& rows, size_t row, size_t column, std::string_view what) {
  if (rows.rows.size() <= row || rows.rows[row].size() <= column || !rows.rows[row][column]) {
    return Status::Internal("unexpected answer to the query of " + std::string(what));
  }
  return *rows.rows[row][column];
}

Result<uint32_t> ParseOid(std::string_view text, std::string_view what) {
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::Internal("\"" + std::string(text) + "\" is not an oid (" + std::string(what) +
                            ")");
  }
  return value;
}

Result<uint32_t> OidCell(const PgRows& rows, size_t row, size_t column, std::string_view what) {
  ASSIGN_OR_RETURN(std::string text, Text(rows, row, column, what));
  return ParseOid(text, what);
}

Result<bool> BoolCell(const PgRows& rows, size_t row, size_t column) {
  Result<std::string> text = Text(rows, row, column, "pg_publication");
  if (!text.ok()) return text.status();
  return *text == std::string_view("true");
}

// Row filters and column lists exist from PostgreSQL 15 on.
std::string FilterColumns(const PgConnection& sql) {
  if (sql.ServerVersion() < 150000) return "'', ''";
  return "coalesce(pg_get_expr(pr.prqual, pr.prrelid), ''),"
         " coalesce((SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
         " FROM pg_attribute a WHERE a.attrelid = pr.prrelid"
         " AND a.attnum = ANY (pr.prattrs::int2[])), '')";
}

Result<std::vector<PublishedRelation>> LoadPublishedRelations(PgConnection& sql,
                                                              const std::string& publication,
                                                              const std::vector<uint32_t>& relids) {
  ASSIGN_OR_RETURN(
      PgRows rows,
      sql.ExecParams(
          "SELECT pr.prrelid::bigint, quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
          " pr.oid::text || '/' || pr.xmin::text,"
          " " +
              FilterColumns(sql) +
              " FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid"
              " JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
              " WHERE p.pubname = $1 AND pr.prrelid = ANY ($2::oid[]) ORDER BY pr.prrelid",
          {publication, OidArray(relids)}));
  std::vector<PublishedRelation> relations;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    PublishedRelation relation;
    ASSIGN_OR_RETURN(relation.relid, OidCell(rows, i, 0, "pg_publication_rel"));
    ASSIGN_OR_RETURN(relation.qualified_name, Text(rows, i, 1, "pg_publication_rel"));
    ASSIGN_OR_RETURN(relation.row_version, Text(rows, i, 2, "pg_publication_rel"));
    ASSIGN_OR_RETURN(relation.row_filter, Text(rows, i, 3, "pg_publication_rel"));
    ASSIGN_OR_RETURN(relation.column_list, Text(rows, i, 4, "pg_publication_rel"));
    relations.push_back(std::move(relation));
  }
  return relations;
}

Result<std::vector<std::string>> LoadPublishedSchemaRows(PgConnection& sql,
                                                         const std::string& publication,
                                                         const std::vector<uint32_t>& relids) {
  if (sql.ServerVersion() < 150000) return std::vector<std::string>();  // no schema publications
  ASSIGN_OR_RETURN(
      PgRows rows,
      sql.ExecParams(
          "SELECT pn.oid::text || '/' || pn.xmin::text FROM pg_publication_namespace pn"
          " JOIN pg_publication p ON p.oid = pn.pnpubid WHERE p.pubname = $1 AND pn.pnnspid IN"
          " (SELECT relnamespace FROM pg_class WHERE oid = ANY ($2::oid[])) ORDER BY pn.oid",
          {publication, OidArray(relids)}));
  std::vector<std::string> versions;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    ASSIGN_OR_RETURN(std::string version, Text(rows, i, 0, "pg_publication_namespace"));
    versions.push_back(std::move(version));
  }
  return versions;
}

// Backslash and newline escaped, so a name fits on one line of the encoded form.
std::string EscapeLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

Result<std::string> UnescapeLine(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size() || (text[i] != '\\' && text[i] != 'n')) {
      return Status::DataLoss("recorded partition name \"" + std::string(text) +
                              "\" is not escaped as written");
    }
    out += text[i] == 'n' ? '\n' : '\\';
  }
  return out;
}

// Splits off the text up to the next space.
std::string_view NextField(std::string_view& line) {
  size_t space = line.find(' ');
  std::string_view field = line.substr(0, space);
  line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  return field;
}

Result<PartitionState> DecodePartition(std::string_view line) {
  PartitionState partition;
  const std::string what = "recorded partition \"" + std::string(line) + "\"";
  Result<uint32_t> root = ParseOid(NextField(line), what);
  Result<uint32_t> relid = ParseOid(NextField(line), what);
  Result<uint32_t> parent = ParseOid(NextField(line), what);
  partition.attach_version = std::string(NextField(line));
  std::string_view kind = NextField(line);
  std::string_view persistence = NextField(line);
  Result<uint32_t> storage = ParseOid(NextField(line), what);
  if (!root.ok() || !relid.ok() || !parent.ok() || !storage.ok() || kind.size() != 1 ||
      persistence.size() != 1 || partition.attach_version.empty()) {
    return Status::DataLoss(what +
                            " is not in the form pg2iceberg writes (edited outside pg2iceberg?)");
  }
  partition.root = *root;
  partition.relid = *relid;
  partition.parent = *parent;
  partition.kind = kind[0];
  partition.persistence = persistence[0];
  partition.storage = *storage;
  ASSIGN_OR_RETURN(partition.qualified_name, UnescapeLine(line));
  return partition;
}

}  // namespace

Result<std::optional<PublicationState>> LoadPublicationState(PgConnection& sql,
                                                             const std::string& publication,
                                                             const std::vector<uint32_t>& relids) {
  ASSIGN_OR_RETURN(PgRows rows,
                   sql.ExecParams("SELECT oid::text || '/' || xmin::text, puballtables::text,"
                                  " pubinsert::text, pubupdate::text, pubdelete::text,"
                                  " pubtruncate::text, pubviaroot::text"
                                  " FROM pg_publication WHERE pubname = $1",
                                  {publication}));
  if (rows.rows.empty()) return std::optional<PublicationState>();
  PublicationState state{.name = publication};
  ASSIGN_OR_RETURN(state.row_version, Text(rows, 0, 0, "pg_publication"));
  ASSIGN_OR_RETURN(state.all_tables, BoolCell(rows, 0, 1));
  ASSIGN_OR_RETURN(state.publishes_insert, BoolCell(rows, 0, 2));
  ASSIGN_OR_RETURN(state.publishes_update, BoolCell(rows, 0, 3));
  ASSIGN_OR_RETURN(state.publishes_delete, BoolCell(rows, 0, 4));
  ASSIGN_OR_RETURN(state.publishes_truncate, BoolCell(rows, 0, 5));
  ASSIGN_OR_RETURN(state.via_root, BoolCell(rows, 0, 6));
  ASSIGN_OR_RETURN(state.relations, LoadPublishedRelations(sql, publication, relids));
  ASSIGN_OR_RETURN(state.schema_rows, LoadPublishedSchemaRows(sql, publication, relids));
  return std::optional<PublicationState>(std::move(state));
}

Result<std::vector<PartitionState>> LoadPartitionStates(PgConnection& sql,
                                                        const std::vector<uint32_t>& roots) {
  // pg_inherits walked directly (pg_partition_tree would lock every partition and wait behind
  // a running ALTER TABLE).
  ASSIGN_OR_RETURN(
      PgRows rows,
      sql.ExecParams(
          "WITH RECURSIVE tree(root, relid, parent, version) AS ("
          " SELECT r.root, i.inhrelid, i.inhparent, i.xmin::text ||"
          "  CASE WHEN i.inhdetachpending THEN '+detaching' ELSE '' END"
          "  FROM unnest($1::oid[]) AS r(root) JOIN pg_inherits i ON i.inhparent = r.root"
          " UNION ALL SELECT t.root, i.inhrelid, i.inhparent, i.xmin::text ||"
          "  CASE WHEN i.inhdetachpending THEN '+detaching' ELSE '' END"
          "  FROM tree t JOIN pg_inherits i ON i.inhparent = t.relid)"
          " SELECT t.root::bigint, t.relid::bigint, t.parent::bigint, t.version,"
          " c.relkind::text, c.relpersistence::text, c.relfilenode::bigint,"
          " quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM tree t JOIN pg_class c ON "
          "c.oid = t.relid"
          " JOIN pg_namespace n ON n.oid = c.relnamespace ORDER BY 1, 2",
          {OidArray(roots)}));
  std::vector<PartitionState> partitions;
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    PartitionState p;
    ASSIGN_OR_RETURN(p.root, OidCell(rows, i, 0, "pg_inherits"));
    ASSIGN_OR_RETURN(p.relid, OidCell(rows, i, 1, "pg_inherits"));
    ASSIGN_OR_RETURN(p.parent, OidCell(rows, i, 2, "pg_inherits"));
    ASSIGN_OR_RETURN(p.attach_version, Text(rows, i, 3, "pg_inherits"));
    ASSIGN_OR_RETURN(std::string kind, Text(rows, i, 4, "pg_class"));
    ASSIGN_OR_RETURN(std::string persistence, Text(rows, i, 5, "pg_class"));
    ASSIGN_OR_RETURN(p.storage, OidCell(rows, i, 6, "pg_class"));
    ASSIGN_OR_RETURN(p.qualified_name, Text(rows, i, 7, "pg_class"));
    if (kind.size() != 1 || persistence.size() != 1)
      return Status::Internal("unexpected pg_class.relkind");
    p.kind = kind[0];
    p.persistence = persistence[0];
    partitions.push_back(std::move(p));
  }
  return partitions;
}

std::string PublicationFingerprint(const PublicationState& publication) {
  std::string fingerprint = "publication " + publication.row_version;
  for (const PublishedRelation& relation : publication.relations) {
    fingerprint += "\ntable " + std::to_string(relation.relid) + " " + relation.row_version;
  }
  for (const std::string& row : publication.schema_rows) fingerprint += "\nschema " + row;
  return fingerprint;
}

std::string EncodePartitions(const std::vector<PartitionState>& partitions) {
  std::string text;
  for (const PartitionState& p : partitions) {
    text += std::to_string(p.root) + " " + std::to_string(p.relid) + " " +
            std::to_string(p.parent) + " " + p.attach_version + " " + p.kind + " " + p.persistence +
            " " + std::to_string(p.storage) + " " + EscapeLine(p.qualified_name) + "\n";
  }
  return text;
}

Result<std::vector<PartitionState>> DecodePartitions(std::string_view text) {
  std::vector<PartitionState> partitions;
  while (!text.empty()) {
    size_t end = text.find('\n');
    if (end == std::string_view::npos) {
      return Status::DataLoss(
          "recorded partitions do not end with a newline (edited outside pg2iceberg?)");
    }
    ASSIGN_OR_RETURN(PartitionState partition, DecodePartition(text.substr(0, end)));
    partitions.push_back(std::move(partition));
    text.remove_prefix(end + 1);
  }
  return partitions;
}

}  // namespace pg2iceberg::capture
