// yaml-cpp throws; every call into it stays in this file and exceptions become Status values.
#include "cli/config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "cli/config_units.h"

namespace pg2iceberg {
namespace {

// Keys pg2iceberg knows at each path ("" is the root, "tables[]" each table entry).
// Some are read by subcommands not built yet; they are known so they never warn.
const std::map<std::string, std::set<std::string>>& KnownKeys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"", {"tables", "source", "sink", "state", "metrics_addr", "snapshot_only"}},
      {"tables[]",
       {"name", "primary_key", "columns", "iceberg", "skip_snapshot", "watermark_column"}},
      {"tables[].iceberg", {"partition", "wide_numeric", "format_version", "delete_mode"}},
      {"source", {"mode", "postgres", "logical", "query"}},
      {"source.postgres",
       {"host", "port", "database", "user", "password", "password_file", "sslmode", "sslrootcert",
        "sslcert", "sslkey", "lock_timeout"}},
      {"source.logical",
       {"publication_name", "slot_name", "standby_interval", "binary", "transaction_buffer_bytes",
        "spill_dir", "snapshot_workers", "snapshot_chunk_size"}},
      {"source.query", {"poll_interval"}},
      {"sink",
       {"catalog_uri",
        "catalog_type",
        "catalog_name",
        "catalog_auth",
        "catalog_token",
        "catalog_client_id",
        "catalog_client_secret",
        "catalog_sigv4_region",
        "catalog_sigv4_service",
        "catalog_warehouse",
        "catalog_props",
        "credential_mode",
        "warehouse",
        "namespace",
        "s3_endpoint",
        "s3_access_key",
        "s3_secret_key",
        "s3_region",
        "flush_rows",
        "flush_interval",
        "flush_bytes",
        "materializer_interval",
        "delete_mode",
        "materializer_target_file_size",
        "materializer_concurrency",
        "materializer_index_memory",
        "compaction_data_files",
        "compaction_delete_files",
        "target_file_size",
        "maintenance_retention",
        "maintenance_grace",
        "materialized_prefix",
        "meta_namespace",
        "compression",
        "parquet_dictionary",
        "s3_path_style",
        "s3_ca_file",
        "catalog_ca_file",
        "catalog_client_cert",
        "catalog_client_key",
        "s3_client_cert",
        "s3_client_key",
        "s3_upload_concurrency",
        "s3_part_size",
        "s3_multipart_threshold",
        "catalog_retry_deadline"}},
      {"state", {"postgres_url", "coordinator_schema", "group"}},
  };
  return keys;
}

// Walks a YAML tree with the current key path, collecting unknown keys as warnings.
class Reader {
 public:
  explicit Reader(std::vector<std::string>* warnings) : warnings_(warnings) {}

  Status CheckKeys(const YAML::Node& map, const std::string& schema_path,
                   const std::string& display_path) {
    if (!map) return Status::Ok();
    if (!map.IsMap()) return TypeError(display_path, "a mapping", map);
    // Callers pass KnownKeys' own paths.
    const std::set<std::string>& known = KnownKeys().at(schema_path);  // at-ok: own key
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        return Status::InvalidArgument((display_path.empty() ? "the top level" : display_path) +
                                       ": keys must be strings, got " +
                                       (kv.first.IsSequence() ? "a list" : "a mapping"));
      }
      const std::string& key = kv.first.Scalar();
      if (!known.contains(key)) {
        warnings_->push_back("unknown config key \"" + Join(display_path, key) + "\" (ignored)");
      }
    }
    return Status::Ok();
  }

  // A file path that must be readable at start-up (certificates, keys, CA bundles).
  Status ReadableFile(const YAML::Node& map, const std::string& path, const char* key,
                      std::string* out) {
    RETURN_IF_ERROR(String(map, path, key, out));
    if (!out->empty() && !std::ifstream(*out).good()) {
      return Status::InvalidArgument(Join(path, key) + ": cannot read " + *out);
    }
    return Status::Ok();
  }

  Status String(const YAML::Node& map, const std::string& path, const char* key, std::string* out) {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Status::Ok();
    if (!node.IsScalar()) return TypeError(Join(path, key), "a string", node);
    *out = node.Scalar();
    return Status::Ok();
  }

  Status Int(const YAML::Node& map, const std::string& path, const char* key, int64_t* out) {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Status::Ok();
    int64_t value = 0;
    if (!node.IsScalar() || !YAML::convert<int64_t>::decode(node, value)) {
      return TypeError(Join(path, key), "an integer", node);
    }
    *out = value;
    return Status::Ok();
  }

  Status Bool(const YAML::Node& map, const std::string& path, const char* key, bool* out) {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Status::Ok();
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      return TypeError(Join(path, key), "true or false", node);
    }
    *out = value;
    return Status::Ok();
  }

  // A Go-style duration ("250ms", "10s", "1m30s", "2h") or a bare number of seconds.
  Status Duration(const YAML::Node& map, const std::string& path, const char* key,
                  int64_t* out_ms) {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Status::Ok();
    constexpr char kExpected[] = "a positive duration such as \"500ms\", \"10s\" or \"1m\"";
    if (!node.IsScalar()) return TypeError(Join(path, key), kExpected, node);
    Result<int64_t> ms = ParseDurationMs(node.Scalar());
    if (!ms.ok()) return UnitError(Join(path, key), kExpected, ms.status());
    if (*ms <= 0) return TypeError(Join(path, key), kExpected, node);
    *out_ms = *ms;
    return Status::Ok();
  }

  // A byte count: an integer, optionally with a unit (KB, MB, GB = powers of 1000; KiB, MiB, GiB).
  Status Size(const YAML::Node& map, const std::string& path, const char* key, int64_t* out) {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Status::Ok();
    constexpr char kExpected[] = "a positive size such as 67108864 or \"64MiB\"";
    if (!node.IsScalar()) return TypeError(Join(path, key), kExpected, node);
    Result<int64_t> bytes = ParseSizeBytes(node.Scalar());
    if (!bytes.ok()) return UnitError(Join(path, key), kExpected, bytes.status());
    if (*bytes <= 0) return TypeError(Join(path, key), kExpected, node);
    *out = *bytes;
    return Status::Ok();
  }

  Status StringList(const YAML::Node& map, const std::string& path, const char* key,
                    std::vector<std::string>* out) {
    YAML::Node node = map[key];
    if (!node || node.IsNull()) return Status::Ok();
    if (!node.IsSequence()) return TypeError(Join(path, key), "a list of strings", node);
    for (const auto& item : node) {
      if (!item.IsScalar()) return TypeError(Join(path, key), "a list of strings", node);
      out->push_back(item.Scalar());
    }
    return Status::Ok();
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // "path: <why the text does not parse>; expected <expected>".
  static Status UnitError(const std::string& path, const char* expected, const Status& parsed) {
    return Status::InvalidArgument(path + ": " + parsed.message() + "; expected " + expected);
  }

  static Status TypeError(const std::string& path, const char* expected, const YAML::Node& got) {
    std::ostringstream text;
    if (got.IsScalar()) {
      text << "\"" << got.Scalar() << "\"";
    } else {
      text << (got.IsSequence() ? "a list" : got.IsMap() ? "a mapping" : "null");
    }
    return Status::InvalidArgument(path + ": expected " + expected + ", got " + text.str());
  }

 private:
  std::vector<std::string>* warnings_;
};

Status SplitTableName(TableConfig* table) {
  const std::string& name = table->name;
  size_t dot = name.find('.');
  if (name.empty() || dot == 0 || dot + 1 == name.size() ||
      (dot != std::string::npos && name.find('.', dot + 1) != std::string::npos)) {
    return Status::InvalidArgument("tables: invalid table name \"" + name +
                                   "\" (expected \"schema.table\" or \"table\")");
  }
  table->schema_name = dot == std::string::npos ? "public" : name.substr(0, dot);
  table->table_name = dot == std::string::npos ? name : name.substr(dot + 1);
  return Status::Ok();
}

Status ReadTable(Reader& reader, const YAML::Node& node, const std::string& path,
                 TableConfig* table) {
  RETURN_IF_ERROR(reader.CheckKeys(node, "tables[]", path));
  RETURN_IF_ERROR(reader.String(node, path, "name", &table->name));
  if (table->name.empty()) return Status::InvalidArgument(path + ".name: required");
  RETURN_IF_ERROR(SplitTableName(table));
  RETURN_IF_ERROR(reader.StringList(node, path, "primary_key", &table->primary_key));
  RETURN_IF_ERROR(reader.Bool(node, path, "skip_snapshot", &table->skip_snapshot));
  table->has_column_overrides = node["columns"] && !node["columns"].IsNull();
  YAML::Node iceberg = node["iceberg"];
  RETURN_IF_ERROR(reader.CheckKeys(iceberg, "tables[].iceberg", path + ".iceberg"));
  if (!iceberg) return Status::Ok();
  RETURN_IF_ERROR(reader.StringList(iceberg, path + ".iceberg", "partition", &table->partition));
  std::string wide_numeric = "refuse";
  RETURN_IF_ERROR(reader.String(iceberg, path + ".iceberg", "wide_numeric", &wide_numeric));
  if (wide_numeric != "refuse" && wide_numeric != "string") {
    return Status::InvalidArgument(path + ".iceberg.wide_numeric: \"" + wide_numeric +
                                   "\" is not one of refuse, string");
  }
  table->wide_numeric_as_string = wide_numeric == "string";
  int64_t format_version = table->format_version;
  RETURN_IF_ERROR(reader.Int(iceberg, path + ".iceberg", "format_version", &format_version));
  if (format_version != 2 && format_version != 3) {
    return Status::InvalidArgument(
        path + ".iceberg.format_version: " + std::to_string(format_version) + " is not 2 or 3");
  }
  table->format_version = static_cast<int>(format_version);
  RETURN_IF_ERROR(reader.String(iceberg, path + ".iceberg", "delete_mode", &table->delete_mode));
  if (!table->delete_mode.empty() && table->delete_mode != "position" &&
      table->delete_mode != "equality") {
    return Status::InvalidArgument(path + ".iceberg.delete_mode: \"" + table->delete_mode +
                                   "\" is not one of position, equality");
  }
  return Status::Ok();
}

Status ReadTables(Reader& reader, const YAML::Node& root, Config* config) {
  YAML::Node tables = root["tables"];
  if (!tables || tables.IsNull())
    return Status::InvalidArgument("tables: required (a list of tables to mirror)");
  if (!tables.IsSequence()) return Reader::TypeError("tables", "a list", tables);
  if (tables.size() == 0) return Status::InvalidArgument("tables: the list is empty");
  std::set<std::string> seen;
  for (size_t i = 0; i < tables.size(); ++i) {
    TableConfig table;
    RETURN_IF_ERROR(ReadTable(reader, tables[i], "tables[" + std::to_string(i) + "]", &table));
    std::string qualified = table.schema_name + "." + table.table_name;
    if (!seen.insert(qualified).second) {
      return Status::InvalidArgument("tables: " + qualified + " is listed twice");
    }
    config->tables.push_back(std::move(table));
  }
  return Status::Ok();
}

Status ReadSource(Reader& reader, const YAML::Node& root, SourceConfig* source) {
  YAML::Node node = root["source"];
  if (!node || node.IsNull()) return Status::InvalidArgument("source: required");
  RETURN_IF_ERROR(reader.CheckKeys(node, "source", "source"));
  RETURN_IF_ERROR(reader.String(node, "source", "mode", &source->mode));
  if (source->mode != "logical" && source->mode != "query") {
    return Status::InvalidArgument("source.mode: expected \"logical\" or \"query\", got \"" +
                                   source->mode + "\"");
  }
  YAML::Node pg = node["postgres"];
  if (!pg || pg.IsNull()) return Status::InvalidArgument("source.postgres: required");
  RETURN_IF_ERROR(reader.CheckKeys(pg, "source.postgres", "source.postgres"));
  PostgresConfig& p = source->postgres;
  const std::string path = "source.postgres";
  RETURN_IF_ERROR(reader.String(pg, path, "host", &p.host));
  int64_t port = p.port;
  RETURN_IF_ERROR(reader.Int(pg, path, "port", &port));
  if (port < 1 || port > 65535)
    return Status::InvalidArgument("source.postgres.port: out of range: " + std::to_string(port));
  p.port = static_cast<int>(port);
  RETURN_IF_ERROR(reader.String(pg, path, "database", &p.database));
  RETURN_IF_ERROR(reader.String(pg, path, "user", &p.user));
  RETURN_IF_ERROR(reader.String(pg, path, "password", &p.password));
  std::string password_file;
  RETURN_IF_ERROR(reader.String(pg, path, "password_file", &password_file));
  if (!password_file.empty()) {
    if (!p.password.empty()) {
      return Status::InvalidArgument(path + ": password and password_file are exclusive");
    }
    std::ifstream in(password_file, std::ios::binary);
    std::stringstream text;
    if (in) text << in.rdbuf();
    if (!in) return Status::InvalidArgument(path + ".password_file: cannot read " + password_file);
    p.password = text.str();
    // One trailing line end, as `echo` and editors leave it, is not part of the password.
    if (!p.password.empty() && p.password.back() == '\n') p.password.pop_back();
    if (!p.password.empty() && p.password.back() == '\r') p.password.pop_back();
    if (p.password.empty()) {
      return Status::InvalidArgument(path + ".password_file: " + password_file + " is empty");
    }
  }
  RETURN_IF_ERROR(reader.String(pg, path, "sslmode", &p.sslmode));
  RETURN_IF_ERROR(reader.Duration(pg, path, "lock_timeout", &p.lock_timeout_ms));
  for (auto [key, value] :
       {std::pair{"host", &p.host}, {"database", &p.database}, {"user", &p.user}}) {
    if (value->empty()) return Status::InvalidArgument(path + "." + key + ": required");
  }
  static const std::set<std::string> kSslModes = {"disable", "allow",     "prefer",
                                                  "require", "verify-ca", "verify-full"};
  if (!kSslModes.contains(p.sslmode))
    return Status::InvalidArgument(path + ".sslmode: unknown mode \"" + p.sslmode + "\"");
  for (auto [key, value] :
       {std::pair{"sslrootcert", &p.sslrootcert}, {"sslcert", &p.sslcert}, {"sslkey", &p.sslkey}}) {
    RETURN_IF_ERROR(reader.ReadableFile(pg, path, key, value));
  }
  if (p.sslcert.empty() != p.sslkey.empty()) {
    return Status::InvalidArgument(path +
                                   ": sslcert and sslkey go together (the client "
                                   "certificate and its private key)");
  }
  YAML::Node logical = node["logical"];
  RETURN_IF_ERROR(reader.CheckKeys(logical, "source.logical", "source.logical"));
  if (logical) {
    RETURN_IF_ERROR(
        reader.String(logical, "source.logical", "publication_name", &source->publication_name));
    RETURN_IF_ERROR(reader.String(logical, "source.logical", "slot_name", &source->slot_name));
    RETURN_IF_ERROR(reader.Duration(logical, "source.logical", "standby_interval",
                                    &source->standby_interval_ms));
    RETURN_IF_ERROR(reader.Bool(logical, "source.logical", "binary", &source->binary));
    RETURN_IF_ERROR(reader.Size(logical, "source.logical", "transaction_buffer_bytes",
                                &source->transaction_buffer_bytes));
    RETURN_IF_ERROR(reader.String(logical, "source.logical", "spill_dir", &source->spill_dir));
    if (source->transaction_buffer_bytes < 1024 * 1024) {
      return Status::InvalidArgument(
          "source.logical.transaction_buffer_bytes: must be at least 1048576 bytes, got " +
          std::to_string(source->transaction_buffer_bytes));
    }
    RETURN_IF_ERROR(
        reader.Int(logical, "source.logical", "snapshot_workers", &source->snapshot_workers));
    if (source->snapshot_workers < 1 || source->snapshot_workers > 64) {
      return Status::InvalidArgument("source.logical.snapshot_workers: must be 1 to 64, got " +
                                     std::to_string(source->snapshot_workers));
    }
    RETURN_IF_ERROR(reader.Size(logical, "source.logical", "snapshot_chunk_size",
                                &source->snapshot_chunk_bytes));
    if (source->snapshot_chunk_bytes < 1024 * 1024) {
      return Status::InvalidArgument(
          "source.logical.snapshot_chunk_size: must be at least 1048576 bytes, got " +
          std::to_string(source->snapshot_chunk_bytes));
    }
    if (!source->spill_dir.empty() && source->spill_dir[0] != '/') {
      return Status::InvalidArgument("source.logical.spill_dir: must be an absolute path, got \"" +
                                     source->spill_dir + "\"");
    }
  }
  return reader.CheckKeys(node["query"], "source.query", "source.query");
}

Status ReadCatalogType(Reader& reader, const YAML::Node& node, SinkConfig* sink) {
  std::string type;
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_type", &type));
  if (type.empty()) {
    bool http =
        sink->catalog_uri.starts_with("http://") || sink->catalog_uri.starts_with("https://");
    sink->catalog_type = http ? CatalogType::kRest : CatalogType::kSql;
  } else if (type == "sql") {
    sink->catalog_type = CatalogType::kSql;
  } else if (type == "rest") {
    sink->catalog_type = CatalogType::kRest;
  } else {
    return Status::InvalidArgument("sink.catalog_type: expected \"sql\" or \"rest\", got \"" +
                                   type + "\"");
  }
  if (sink->catalog_type == CatalogType::kRest && sink->catalog_uri.empty()) {
    return Status::InvalidArgument("sink.catalog_uri: required when sink.catalog_type is rest");
  }
  return Status::Ok();
}

// sink.catalog_auth and the credentials it needs; only the REST catalog takes them.
Status ReadCatalogAuth(Reader& reader, const YAML::Node& node, SinkConfig* sink) {
  std::string auth;
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_auth", &auth));
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_token", &sink->catalog_token));
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_client_id", &sink->catalog_client_id));
  RETURN_IF_ERROR(
      reader.String(node, "sink", "catalog_client_secret", &sink->catalog_client_secret));
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_sigv4_region", &sink->catalog_sigv4_region));
  RETURN_IF_ERROR(
      reader.String(node, "sink", "catalog_sigv4_service", &sink->catalog_sigv4_service));
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_warehouse", &sink->catalog_warehouse));
  if (auth.empty() || auth == "none") {
    sink->catalog_auth = CatalogAuth::kNone;
  } else if (auth == "bearer") {
    sink->catalog_auth = CatalogAuth::kBearer;
  } else if (auth == "oauth2") {
    sink->catalog_auth = CatalogAuth::kOAuth2;
  } else if (auth == "sigv4") {
    sink->catalog_auth = CatalogAuth::kSigV4;
  } else {
    return Status::InvalidArgument(
        "sink.catalog_auth: expected \"\", \"none\", \"bearer\", \"oauth2\" or \"sigv4\", got \"" +
        auth + "\"");
  }
  if (sink->catalog_sigv4_service.empty()) {
    return Status::InvalidArgument("sink.catalog_sigv4_service: must not be empty");
  }
  if (sink->catalog_auth != CatalogAuth::kNone && sink->catalog_type != CatalogType::kRest) {
    return Status::InvalidArgument("sink.catalog_auth: applies only to sink.catalog_type rest");
  }
  if (sink->catalog_auth == CatalogAuth::kBearer && sink->catalog_token.empty()) {
    return Status::InvalidArgument("sink.catalog_token: required when sink.catalog_auth is bearer");
  }
  if (sink->catalog_auth == CatalogAuth::kOAuth2) {
    if (sink->catalog_client_id.empty()) {
      return Status::InvalidArgument(
          "sink.catalog_client_id: required when sink.catalog_auth is oauth2");
    }
    if (sink->catalog_client_secret.empty()) {
      return Status::InvalidArgument(
          "sink.catalog_client_secret: required when sink.catalog_auth is oauth2");
    }
  }
  return Status::Ok();
}

Status ReadS3(Reader& reader, const YAML::Node& node, SinkConfig* sink) {
  S3Config& s3 = sink->s3;
  RETURN_IF_ERROR(reader.String(node, "sink", "s3_endpoint", &s3.endpoint));
  RETURN_IF_ERROR(reader.String(node, "sink", "s3_region", &s3.region));
  RETURN_IF_ERROR(reader.String(node, "sink", "s3_access_key", &s3.access_key));
  RETURN_IF_ERROR(reader.String(node, "sink", "s3_secret_key", &s3.secret_key));
  s3.path_style = !s3.endpoint.empty();
  RETURN_IF_ERROR(reader.Bool(node, "sink", "s3_path_style", &s3.path_style));
  for (auto [key, value] : {std::pair{"s3_ca_file", &s3.ca_file},
                            {"catalog_ca_file", &sink->catalog_ca_file},
                            {"catalog_client_cert", &sink->catalog_client_cert},
                            {"catalog_client_key", &sink->catalog_client_key},
                            {"s3_client_cert", &s3.client_cert},
                            {"s3_client_key", &s3.client_key}}) {
    RETURN_IF_ERROR(reader.ReadableFile(node, "sink", key, value));
  }
  if (sink->catalog_client_cert.empty() != sink->catalog_client_key.empty()) {
    return Status::InvalidArgument(
        "sink.catalog_client_cert and sink.catalog_client_key go together");
  }
  if (s3.client_cert.empty() != s3.client_key.empty()) {
    return Status::InvalidArgument("sink.s3_client_cert and sink.s3_client_key go together");
  }
  int64_t concurrency = s3.upload_concurrency;
  RETURN_IF_ERROR(reader.Int(node, "sink", "s3_upload_concurrency", &concurrency));
  if (concurrency < 1 || concurrency > 64) {
    return Status::InvalidArgument("sink.s3_upload_concurrency: must be between 1 and 64, got " +
                                   std::to_string(concurrency));
  }
  s3.upload_concurrency = static_cast<int>(concurrency);
  RETURN_IF_ERROR(reader.Size(node, "sink", "s3_part_size", &s3.part_size_bytes));
  if (s3.part_size_bytes < (int64_t{5} << 20) || s3.part_size_bytes > (int64_t{5} << 30)) {
    return Status::InvalidArgument(
        "sink.s3_part_size: must be between 5MiB and 5GiB (S3's limits)");
  }
  RETURN_IF_ERROR(
      reader.Size(node, "sink", "s3_multipart_threshold", &s3.multipart_threshold_bytes));
  if (s3.multipart_threshold_bytes < s3.part_size_bytes) {
    return Status::InvalidArgument(
        "sink.s3_multipart_threshold: must be at least sink.s3_part_size");
  }
  std::string mode;
  RETURN_IF_ERROR(reader.String(node, "sink", "credential_mode", &mode));
  if (mode.empty()) {
    sink->credential_mode = CredentialMode::kDefault;
  } else if (mode == "static") {
    sink->credential_mode = CredentialMode::kStatic;
  } else if (mode == "vended") {
    sink->credential_mode = CredentialMode::kVended;
  } else {
    return Status::InvalidArgument("sink.credential_mode: expected static or vended, got \"" +
                                   mode + "\"" +
                                   (mode == "iam" ? " (iam is not supported yet)" : ""));
  }
  if (sink->credential_mode == CredentialMode::kVended &&
      sink->catalog_type != CatalogType::kRest) {
    return Status::InvalidArgument(
        "sink.credential_mode: vended applies only to sink.catalog_type rest");
  }
  if (sink->credential_mode == CredentialMode::kVended && !sink->warehouse.starts_with("s3://")) {
    return Status::InvalidArgument("sink.credential_mode: vended needs an s3:// sink.warehouse");
  }
  return Status::Ok();
}

Status ReadSink(Reader& reader, const YAML::Node& root, SinkConfig* sink) {
  YAML::Node node = root["sink"];
  if (!node || node.IsNull()) return Status::InvalidArgument("sink: required");
  RETURN_IF_ERROR(reader.CheckKeys(node, "sink", "sink"));
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_uri", &sink->catalog_uri));
  RETURN_IF_ERROR(ReadCatalogType(reader, node, sink));
  RETURN_IF_ERROR(ReadCatalogAuth(reader, node, sink));
  RETURN_IF_ERROR(reader.String(node, "sink", "catalog_name", &sink->catalog_name));
  if (sink->catalog_name.empty())
    return Status::InvalidArgument("sink.catalog_name: must not be empty");
  RETURN_IF_ERROR(reader.String(node, "sink", "warehouse", &sink->warehouse));
  if (!sink->warehouse.starts_with("file:///") && !sink->warehouse.starts_with("s3://")) {
    return Status::InvalidArgument(
        "sink.warehouse: expected file:///absolute/path or s3://bucket/prefix, got \"" +
        sink->warehouse + "\"");
  }
  RETURN_IF_ERROR(ReadS3(reader, node, sink));
  RETURN_IF_ERROR(reader.String(node, "sink", "namespace", &sink->namespace_name));
  RETURN_IF_ERROR(reader.Int(node, "sink", "target_file_size", &sink->target_file_size_bytes));
  if (sink->target_file_size_bytes < 1024 * 1024) {
    return Status::InvalidArgument("sink.target_file_size: must be at least 1048576 bytes, got " +
                                   std::to_string(sink->target_file_size_bytes));
  }
  RETURN_IF_ERROR(reader.String(node, "sink", "compression", &sink->compression));
  RETURN_IF_ERROR(reader.Bool(node, "sink", "parquet_dictionary", &sink->parquet_dictionary));
  RETURN_IF_ERROR(reader.Duration(node, "sink", "flush_interval", &sink->flush_interval_ms));
  RETURN_IF_ERROR(
      reader.Duration(node, "sink", "catalog_retry_deadline", &sink->catalog_retry_deadline_ms));
  RETURN_IF_ERROR(
      reader.Duration(node, "sink", "materializer_interval", &sink->materializer_interval_ms));
  RETURN_IF_ERROR(reader.String(node, "sink", "delete_mode", &sink->delete_mode));
  if (sink->delete_mode != "position" && sink->delete_mode != "equality") {
    return Status::InvalidArgument("sink.delete_mode: \"" + sink->delete_mode +
                                   "\" is not one of position, equality");
  }
  RETURN_IF_ERROR(reader.Size(node, "sink", "materializer_index_memory",
                              &sink->materializer_index_memory_bytes));
  if (sink->materializer_index_memory_bytes < 1024 * 1024) {
    return Status::InvalidArgument(
        "sink.materializer_index_memory: must be at least 1048576 bytes, got " +
        std::to_string(sink->materializer_index_memory_bytes));
  }
  RETURN_IF_ERROR(reader.Int(node, "sink", "flush_rows", &sink->flush_rows));
  RETURN_IF_ERROR(reader.Size(node, "sink", "flush_bytes", &sink->flush_bytes));
  if (sink->flush_rows <= 0) {
    return Status::InvalidArgument("sink.flush_rows: must be positive, got " +
                                   std::to_string(sink->flush_rows));
  }
  if (sink->compression != "zstd" && sink->compression != "snappy" && sink->compression != "none") {
    return Status::InvalidArgument("sink.compression: expected zstd, snappy or none, got \"" +
                                   sink->compression + "\"");
  }
  return Status::Ok();
}

Status ReadState(Reader& reader, const YAML::Node& root, StateConfig* state) {
  YAML::Node node = root["state"];
  if (!node || node.IsNull()) return Status::Ok();
  RETURN_IF_ERROR(reader.CheckKeys(node, "state", "state"));
  RETURN_IF_ERROR(reader.String(node, "state", "postgres_url", &state->postgres_url));
  RETURN_IF_ERROR(reader.String(node, "state", "coordinator_schema", &state->coordinator_schema));
  return reader.String(node, "state", "group", &state->group);
}

// Replaces each ${NAME} in `text` by `lookup(NAME)`; "$${" stands for a literal "${". Errors
// name `path` and the variable, never a value.
Result<std::string> ExpandVariables(const std::string& text, const std::string& path,
                                    const VariableLookup& lookup) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t dollar = text.find('$', at);
    if (dollar == std::string::npos) break;
    out += text.substr(at, dollar - at);
    if (text.compare(dollar, 3, "$${") == 0) {
      out += "${";
      at = dollar + 3;
      continue;
    }
    if (text.compare(dollar, 2, "${") != 0) {
      out += '$';
      at = dollar + 1;
      continue;
    }
    const size_t close = text.find('}', dollar + 2);
    const std::string name =
        close == std::string::npos ? "" : text.substr(dollar + 2, close - dollar - 2);
    const bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                       });
    if (!valid) {
      return Status::InvalidArgument(path +
                                     ": \"${\" must start ${NAME} (letters, digits, _), "
                                     "or be written \"$${\" for a literal \"${\"");
    }
    std::optional<std::string> value = lookup(name);
    if (!value) {
      return Status::InvalidArgument(path + ": environment variable " + name + " is not set");
    }
    out += *value;
    at = close + 1;
  }
  out += text.substr(at);
  return out;
}

// Expands ${NAME} in every scalar of the tree, in place.
Status ExpandTree(YAML::Node node, const std::string& path, const VariableLookup& lookup) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text.find('$') == std::string::npos) return Status::Ok();
    ASSIGN_OR_RETURN(std::string expanded,
                     ExpandVariables(text, path.empty() ? "config" : path, lookup));
    node = expanded;
    return Status::Ok();
  }
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      RETURN_IF_ERROR(ExpandTree(node[i], path + "[" + std::to_string(i) + "]", lookup));
    }
    return Status::Ok();
  }
  if (node.IsMap()) {
    for (auto kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      RETURN_IF_ERROR(ExpandTree(kv.second, path.empty() ? key : path + "." + key, lookup));
    }
  }
  return Status::Ok();
}

Result<Config> ParseRoot(const YAML::Node& root, std::vector<std::string>* warnings) {
  if (!root.IsMap())
    return Status::InvalidArgument("config: expected a YAML mapping at the top level");
  Reader reader(warnings);
  Config config;
  RETURN_IF_ERROR(reader.CheckKeys(root, "", ""));
  RETURN_IF_ERROR(ReadTables(reader, root, &config));
  RETURN_IF_ERROR(ReadSource(reader, root, &config.source));
  RETURN_IF_ERROR(ReadSink(reader, root, &config.sink));
  RETURN_IF_ERROR(ReadState(reader, root, &config.state));
  return config;
}

}  // namespace

Result<Config> ParseConfigYaml(std::string_view yaml_text, std::vector<std::string>* warnings,
                               const VariableLookup& lookup) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    if (lookup) RETURN_IF_ERROR(ExpandTree(root, "", lookup));
    return ParseRoot(root, warnings);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("config: not valid YAML: ") + e.what());
  }
}

Result<Config> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings,
                              const VariableLookup& lookup) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("config file " + path + ": cannot be opened");
  std::stringstream text;
  text << in.rdbuf();
  Result<Config> config = ParseConfigYaml(text.str(), warnings, lookup);
  if (!config.ok()) return config.status().WithContext("config file " + path);
  return config;
}

}  // namespace pg2iceberg
