// The pipeline's configuration as plain values, in the shape of the pg2iceberg YAML file
// (tables, source.*, sink.*, state.*). Parsing and validation of the YAML text live in
// cli/config_yaml.h; this header has no YAML dependency so every pipeline can take a Config.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pg2iceberg {

struct TableConfig {
  std::string name;  // as written: "schema.table" or "table" (schema public)
  std::string schema_name;
  std::string table_name;
  std::vector<std::string> primary_key;  // overrides the discovered key when non-empty
  std::vector<std::string> partition;    // iceberg.partition transforms, as written
  // iceberg.wide_numeric: "string" stores numeric columns no Iceberg decimal holds (precision
  // over 38, negative scale) as their exact Postgres text; false (the default "refuse")
  // refuses such tables.
  bool wide_numeric_as_string = false;
  // iceberg.format_version: 2, or 3 (row lineage, deletion vectors). A version 2 table is
  // upgraded when the config asks for 3; a version 3 table is never downgraded.
  int format_version = 2;
  // iceberg.delete_mode: "position" (position deletes / deletion vectors through the
  // primary-key index) or "equality" (equality deletes on the key, for readers of the existing
  // pg2iceberg's tables); empty: sink.delete_mode.
  std::string delete_mode;
  bool has_column_overrides = false;  // `columns:` was given
  bool skip_snapshot = false;
};

struct PostgresConfig {
  std::string host;
  int port = 5432;
  std::string database;
  std::string user;
  std::string password;
  std::string sslmode = "prefer";
  // source.postgres.sslrootcert / sslcert / sslkey: PEM files of the certificate authorities
  // trusted for the server's certificate (verify-ca, verify-full) and of the client's
  // certificate and key, for servers that authenticate clients by certificate. Empty: libpq's
  // defaults (~/.postgresql/root.crt, postgresql.crt, postgresql.key, or PGSSLROOTCERT, …).
  std::string sslrootcert;
  std::string sslcert;
  std::string sslkey;
  // source.postgres.lock_timeout: how long the snapshot waits for each table's ACCESS SHARE
  // lock (mirror/snapshot_source.h) before it stops, naming the session in the way.
  int64_t lock_timeout_ms = 60'000;
};

struct SourceConfig {
  std::string mode = "logical";  // "logical" | "query"
  PostgresConfig postgres;
  std::string publication_name = "pg2iceberg_pub";
  std::string slot_name = "pg2iceberg_slot";
  // source.logical.standby_interval: how often the slot is told how far pg2iceberg has read and
  // made durable (also the cadence of the running fail-fast checks).
  int64_t standby_interval_ms = 10'000;
  // source.logical.binary: ask pgoutput for binary values (text where a type has no binary form).
  bool binary = true;
  // source.logical.transaction_buffer_bytes: memory for transactions not yet committed; beyond
  // it their changes spill to source.logical.spill_dir (default: $TMPDIR/pg2iceberg-spill-<group>).
  int64_t transaction_buffer_bytes = 256LL * 1024 * 1024;
  std::string spill_dir;
  // source.logical.snapshot_workers: connections the initial load of `run` copies on at once.
  int64_t snapshot_workers = 4;
  // source.logical.snapshot_chunk_size: a table larger than this on disk is copied as CTID
  // ranges of about this size, spread over the workers.
  int64_t snapshot_chunk_bytes = 256LL * 1024 * 1024;
};

enum class CatalogType { kSql, kRest };

// How pg2iceberg authenticates to a REST catalog (sink.catalog_auth).
enum class CatalogAuth {
  kNone,    // "" or "none"
  kBearer,  // "bearer": sink.catalog_token as a bearer token
  kOAuth2,  // "oauth2": client credentials exchanged at {catalog_uri}/v1/oauth/tokens
  kSigV4,   // "sigv4": AWS Signature Version 4 with the sink's AWS credentials (Glue, S3 Tables)
};

// Which storage credentials write a table's files (sink.credential_mode).
enum class CredentialMode {
  kDefault,  // unset: REST catalogs are asked for vended credentials, used when given;
             // otherwise (and for the SQL catalog) the sink's own, as kStatic
  kStatic,   // "static": always the sink's own (sink.s3_* / AWS_*); nothing is asked for
  kVended,   // "vended": REST only; every table must come with vended credentials
};

// Where and how an s3:// warehouse is reached (sink.s3_*). Credentials left empty in the file
// are taken from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN / AWS_REGION by
// the command line. Secrets are never printed.
struct S3Config {
  std::string endpoint;  // empty: AWS, https://s3.<region>.amazonaws.com
  std::string region;    // empty: AWS_REGION, else us-east-1
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  bool path_style = false;     // sink.s3_path_style; default true when an endpoint is given
  std::string ca_file;         // sink.s3_ca_file: PEM CA bundle for https; empty: system store
  std::string client_cert;     // sink.s3_client_cert / s3_client_key: PEM client certificate
  std::string client_key;      // and key, for an endpoint that asks for one
  int upload_concurrency = 4;  // sink.s3_upload_concurrency: multipart parts sent at once
  int64_t part_size_bytes = int64_t{16} << 20;            // sink.s3_part_size
  int64_t multipart_threshold_bytes = int64_t{64} << 20;  // sink.s3_multipart_threshold
};

struct SinkConfig {
  CatalogType catalog_type = CatalogType::kSql;
  // sink.catalog_ca_file: PEM CA bundle trusted for an https REST catalog; empty: system store.
  std::string catalog_ca_file;
  // sink.catalog_client_cert / catalog_client_key: PEM client certificate and key, for a
  // catalog that asks for one.
  std::string catalog_client_cert;
  std::string catalog_client_key;
  // For the SQL catalog: a libpq URI of the database holding iceberg_tables; empty means the
  // source database. For REST: the catalog's base URL.
  std::string catalog_uri;
  std::string catalog_name = "pg2iceberg";
  // REST only. Secrets are never printed.
  CatalogAuth catalog_auth = CatalogAuth::kNone;
  std::string catalog_token;          // kBearer
  std::string catalog_client_id;      // kOAuth2
  std::string catalog_client_secret;  // kOAuth2
  // REST: how long one catalog request may keep being retried while the catalog is
  // unavailable (sink.catalog_retry_deadline, a positive duration).
  int64_t catalog_retry_deadline_ms = 300000;
  // kSigV4: the signing region (empty: s3.region) and signing name ("glue"; "s3tables" for
  // S3 Tables). The credentials are s3's.
  std::string catalog_sigv4_region;
  std::string catalog_sigv4_service = "glue";
  // REST: the value of GET /v1/config?warehouse= (sink.catalog_warehouse): a catalog name for
  // Polaris-style catalogs, a catalog id for Glue / S3 Tables. Empty: sink.warehouse, except
  // with SigV4 auth, where nothing is sent (AWS endpoints do not take a storage URI there).
  std::string catalog_warehouse;
  CredentialMode credential_mode = CredentialMode::kDefault;
  std::string warehouse;       // file:///abs/path or s3://bucket/prefix
  S3Config s3;                 // for s3:// warehouses
  std::string namespace_name;  // sink.namespace; empty means the source table's schema
  int64_t target_file_size_bytes = 128LL * 1024 * 1024;
  std::string compression = "zstd";  // sink.compression: zstd | snappy | none
  // sink.parquet_dictionary: dictionary-encode Parquet column chunks where it pays.
  bool parquet_dictionary = true;
  // When captured changes are written to the staging log: whichever limit is reached first.
  int64_t flush_interval_ms = 1'000;  // sink.flush_interval ("500ms", "10s", "1m")
  // sink.materializer_interval: how often the materializer merges what was staged.
  int64_t materializer_interval_ms = 10'000;
  // sink.delete_mode: how the materializer deletes replaced rows of tables that do not say
  // (tables[].iceberg.delete_mode): "position" or "equality".
  std::string delete_mode = "position";
  // sink.materializer_index_memory: the bound on one table's primary-key index (pk_index.h).
  int64_t materializer_index_memory_bytes = 1LL << 30;
  int64_t flush_rows = 100'000;  // sink.flush_rows
  // sink.flush_bytes: encoded change bytes per segment. A segment is held in memory about four
  // times over while it is compressed and written, so this bounds capture memory with the
  // transaction buffer.
  int64_t flush_bytes = 16LL * 1024 * 1024;
};

struct StateConfig {
  std::string postgres_url;
  std::string coordinator_schema = "_pg2iceberg";
  std::string group = "default";
};

struct Config {
  std::vector<TableConfig> tables;
  SourceConfig source;
  SinkConfig sink;
  StateConfig state;
};

}  // namespace pg2iceberg
