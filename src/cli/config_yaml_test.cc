#include "cli/config_yaml.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace pg2iceberg {
namespace {

constexpr char kMinimal[] = R"(
tables:
  - name: public.orders
  - name: customers
source:
  postgres:
    host: 127.0.0.1
    port: 5433
    database: shop
    user: mirror
    password: secret
sink:
  warehouse: file:///tmp/wh
)";

Result<Config> Parse(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  std::vector<std::string> ignored;
  return ParseConfigYaml(text, warnings ? warnings : &ignored);
}

TEST(ConfigYamlTest, MinimalConfigGetsDefaults) {
  Result<Config> config = Parse(kMinimal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_EQ(config->tables.size(), 2u);
  EXPECT_EQ(config->tables[0].schema_name, "public");
  EXPECT_EQ(config->tables[0].table_name, "orders");
  EXPECT_EQ(config->tables[1].schema_name, "public");
  EXPECT_EQ(config->tables[1].table_name, "customers");
  EXPECT_EQ(config->source.postgres.port, 5433);
  EXPECT_EQ(config->source.slot_name, "pg2iceberg_slot");
  EXPECT_EQ(config->sink.catalog_type, CatalogType::kSql);
  EXPECT_EQ(config->sink.catalog_name, "pg2iceberg");
  EXPECT_EQ(config->sink.compression, "zstd");
  EXPECT_TRUE(config->sink.parquet_dictionary);
  EXPECT_EQ(config->state.coordinator_schema, "_pg2iceberg");
}

TEST(ConfigYamlTest, ParquetDictionaryIsABoolean) {
  std::vector<std::string> warnings;
  Result<Config> config = Parse(std::string(kMinimal) + "  parquet_dictionary: false\n", &warnings);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->sink.parquet_dictionary);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(Parse(std::string(kMinimal) + "  parquet_dictionary: sometimes\n").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ConfigYamlTest, CatalogTypeFollowsUriWhenNotGiven) {
  std::string text = std::string(kMinimal) + "  catalog_uri: http://localhost:8181\n";
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_type, CatalogType::kRest);
}

TEST(ConfigYamlTest, CatalogRetryDeadlineIsADuration) {
  std::string text = std::string(kMinimal) + "  catalog_uri: http://localhost:8181\n";
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_retry_deadline_ms, 300000);
  std::vector<std::string> warnings;
  config = Parse(text + "  catalog_retry_deadline: 1m30s\n", &warnings);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_retry_deadline_ms, 90000);
  EXPECT_TRUE(warnings.empty());
  config = Parse(text + "  catalog_retry_deadline: soon\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("sink.catalog_retry_deadline"), std::string::npos);
}

TEST(ConfigYamlTest, SnapshotLockTimeoutIsADuration) {
  Result<Config> config = Parse(kMinimal);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source.postgres.lock_timeout_ms, 60000);
  std::string text(kMinimal);
  const std::string after_password = "    password: secret\n";
  text.insert(text.find(after_password) + after_password.size(), "    lock_timeout: 5s\n");
  std::vector<std::string> warnings;
  config = Parse(text, &warnings);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source.postgres.lock_timeout_ms, 5000);
  EXPECT_TRUE(warnings.empty());
  text.replace(text.find("5s"), 2, "0s");
  config = Parse(text);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("source.postgres.lock_timeout"), std::string::npos);
}

TEST(ConfigYamlTest, TlsFilesMustBeReadableAndTheClientPairComplete) {
  auto with = [](const std::string& lines) {
    std::string text(kMinimal);
    const std::string after_password = "    password: secret\n";
    text.insert(text.find(after_password) + after_password.size(), lines);
    return Parse(text);
  };
  // A file every test machine can read stands in for the PEM files.
  Result<Config> config = with(
      "    sslmode: verify-full\n    sslrootcert: /etc/passwd\n    sslcert: /etc/passwd\n"
      "    sslkey: /etc/passwd\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source.postgres.sslrootcert, "/etc/passwd");
  EXPECT_EQ(config->source.postgres.sslkey, "/etc/passwd");
  config = with("    sslrootcert: /nonexistent/ca.pem\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("source.postgres.sslrootcert: cannot read"),
            std::string::npos)
      << config.status().message();
  config = with("    sslcert: /etc/passwd\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("sslcert and sslkey go together"), std::string::npos)
      << config.status().message();
}

TEST(ConfigYamlTest, ValuesNameEnvironmentVariables) {
  const std::map<std::string, std::string> environment = {
      {"PG_PASSWORD", "s3cr3t-from-env"}, {"PG_PORT", "6543"}, {"WH", "file:///data/wh"}};
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto it = environment.find(name);
    if (it == environment.end()) return std::nullopt;
    return it->second;
  };
  std::string text(kMinimal);
  text.replace(text.find("password: secret"), 16, "password: ${PG_PASSWORD}");
  text.replace(text.find("port: 5433"), 10, "port: ${PG_PORT}");
  text.replace(text.find("file:///tmp/wh"), 14, "${WH}");
  text.replace(text.find("user: mirror"), 12, "user: a$${b}$c");
  std::vector<std::string> warnings;
  Result<Config> config = ParseConfigYaml(text, &warnings, lookup);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source.postgres.password, "s3cr3t-from-env");
  EXPECT_EQ(config->source.postgres.port, 6543);
  EXPECT_EQ(config->sink.warehouse, "file:///data/wh");
  EXPECT_EQ(config->source.postgres.user, "a${b}$c");
  // Without a lookup the text is taken as written.
  EXPECT_EQ(ParseConfigYaml(text, &warnings).status().code(), StatusCode::kInvalidArgument);

  std::string unset(kMinimal);
  unset.replace(unset.find("password: secret"), 16, "password: ${NOT_SET}");
  Result<Config> failed = ParseConfigYaml(unset, &warnings, lookup);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(),
            "source.postgres.password: environment variable NOT_SET is not set");
  unset.replace(unset.find("${NOT_SET}"), 10, "${1x}");
  failed = ParseConfigYaml(unset, &warnings, lookup);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("source.postgres.password: \"${\" must start"),
            std::string::npos)
      << failed.status().message();
}

TEST(ConfigYamlTest, ThePasswordMayComeFromAFile) {
  const std::string path = "/tmp/pg2iceberg-config-test-" + std::to_string(getpid());
  std::ofstream(path) << "from-a-file\n";
  std::string text(kMinimal);
  text.replace(text.find("password: secret"), 16, "password_file: " + path);
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->source.postgres.password, "from-a-file");
  std::ofstream(path) << "";
  config = Parse(text);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("is empty"), std::string::npos);
  std::remove(path.c_str());
  config = Parse(text);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("source.postgres.password_file: cannot read"),
            std::string::npos);
  config = Parse(std::string(kMinimal).insert(std::string(kMinimal).find("sink:"),
                                              "    password_file: " + path + "\n"));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("exclusive"), std::string::npos);
}

TEST(ConfigYamlTest, RestCatalogWithoutAuthByDefault) {
  std::string text =
      std::string(kMinimal) + "  catalog_type: rest\n  catalog_uri: http://127.0.0.1:8181\n";
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_type, CatalogType::kRest);
  EXPECT_EQ(config->sink.catalog_uri, "http://127.0.0.1:8181");
  EXPECT_EQ(config->sink.catalog_auth, CatalogAuth::kNone);
  text += "  catalog_auth: none\n";
  config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_auth, CatalogAuth::kNone);
}

TEST(ConfigYamlTest, RestCatalogNeedsAUri) {
  Result<Config> config = Parse(std::string(kMinimal) + "  catalog_type: rest\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "sink.catalog_uri: required when sink.catalog_type is rest");
}

TEST(ConfigYamlTest, BearerAuthReadsTheToken) {
  std::string text =
      std::string(kMinimal) +
      "  catalog_uri: https://cat.example\n  catalog_auth: bearer\n  catalog_token: t0k\n";
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_auth, CatalogAuth::kBearer);
  EXPECT_EQ(config->sink.catalog_token, "t0k");
}

TEST(ConfigYamlTest, OAuth2ReadsClientCredentials) {
  std::string text = std::string(kMinimal) +
                     "  catalog_uri: https://cat.example\n  catalog_auth: oauth2\n"
                     "  catalog_client_id: me\n  catalog_client_secret: s3cret\n";
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_auth, CatalogAuth::kOAuth2);
  EXPECT_EQ(config->sink.catalog_client_id, "me");
  EXPECT_EQ(config->sink.catalog_client_secret, "s3cret");
}

TEST(ConfigYamlTest, SigV4ReadsRegionAndSigningName) {
  const std::string rest =
      std::string(kMinimal) + "  catalog_uri: https://glue.eu-west-1.amazonaws.com/iceberg\n";
  Result<Config> config = Parse(rest + "  catalog_auth: sigv4\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_auth, CatalogAuth::kSigV4);
  EXPECT_EQ(config->sink.catalog_sigv4_region, "");
  EXPECT_EQ(config->sink.catalog_sigv4_service, "glue");
  config = Parse(rest +
                 "  catalog_auth: sigv4\n  catalog_sigv4_region: eu-west-1\n"
                 "  catalog_sigv4_service: s3tables\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_sigv4_region, "eu-west-1");
  EXPECT_EQ(config->sink.catalog_sigv4_service, "s3tables");
  EXPECT_EQ(config->sink.catalog_warehouse, "");
  config = Parse(rest + "  catalog_auth: sigv4\n  catalog_warehouse: \"123456789012\"\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.catalog_warehouse, "123456789012");
}

TEST(ConfigYamlTest, CredentialModes) {
  const std::string rest =
      "tables:\n  - name: public.orders\nsource:\n  postgres:\n    host: h\n"
      "    database: d\n    user: u\nsink:\n  warehouse: s3://b/w\n"
      "  catalog_uri: http://cat:8181\n";
  Result<Config> config = Parse(rest);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.credential_mode, CredentialMode::kDefault);
  config = Parse(rest + "  credential_mode: vended\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.credential_mode, CredentialMode::kVended);
  config = Parse(rest + "  credential_mode: static\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->sink.credential_mode, CredentialMode::kStatic);
  EXPECT_EQ(
      Parse(rest + "  credential_mode: iam\n").status().message(),
      "sink.credential_mode: expected static or vended, got \"iam\" (iam is not supported yet)");
  EXPECT_EQ(Parse(std::string(kMinimal) + "  credential_mode: vended\n").status().message(),
            "sink.credential_mode: vended applies only to sink.catalog_type rest");
}

TEST(ConfigYamlTest, AuthWithoutItsCredentialsIsNamed) {
  const std::string rest = std::string(kMinimal) + "  catalog_uri: https://cat.example\n";
  struct Case {
    std::string extra;
    std::string message;
  };
  const Case cases[] = {
      {"  catalog_auth: bearer\n", "sink.catalog_token: required when sink.catalog_auth is bearer"},
      {"  catalog_auth: oauth2\n  catalog_client_secret: s\n",
       "sink.catalog_client_id: required when sink.catalog_auth is oauth2"},
      {"  catalog_auth: oauth2\n  catalog_client_id: c\n",
       "sink.catalog_client_secret: required when sink.catalog_auth is oauth2"},
      {"  catalog_auth: basic\n",
       "sink.catalog_auth: expected \"\", \"none\", \"bearer\", \"oauth2\" or \"sigv4\", got "
       "\"basic\""},
      {"  catalog_auth: sigv4\n  catalog_sigv4_service: \"\"\n",
       "sink.catalog_sigv4_service: must not be empty"},
  };
  for (const Case& c : cases) {
    Result<Config> config = Parse(rest + c.extra);
    ASSERT_FALSE(config.ok()) << c.extra;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(config.status().message(), c.message);
  }
}

TEST(ConfigYamlTest, AuthIsRefusedForTheSqlCatalog) {
  Result<Config> config =
      Parse(std::string(kMinimal) + "  catalog_auth: bearer\n  catalog_token: t\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "sink.catalog_auth: applies only to sink.catalog_type rest");
}

TEST(ConfigYamlTest, UnknownKeysWarnByPath) {
  std::string text = std::string(kMinimal) + "  flush_rowz: 10\nextra: 1\n";
  std::vector<std::string> warnings;
  ASSERT_TRUE(Parse(text, &warnings).ok());
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("\"extra\""), std::string::npos);
  EXPECT_NE(warnings[1].find("\"sink.flush_rowz\""), std::string::npos);
}

TEST(ConfigYamlTest, KnownKeysOfTheExistingToolDoNotWarn) {
  std::string text = std::string(kMinimal) +
                     "  flush_rows: 1000\n  flush_interval: 10s\n  s3_region: us-east-1\n"
                     "state:\n  coordinator_schema: _p\n  group: g\n";
  std::vector<std::string> warnings;
  ASSERT_TRUE(Parse(text, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

TEST(ConfigYamlTest, MissingRequiredKeyIsNamed) {
  Result<Config> config = Parse(
      "tables: [{name: t}]\nsource:\n  postgres: {host: h, user: u}\nsink: {warehouse: "
      "file:///w}\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(), "source.postgres.database: required");
}

TEST(ConfigYamlTest, WrongTypeIsNamedWithTheValue) {
  std::string text = kMinimal;
  text.replace(text.find("5433"), 4, "abc");
  Result<Config> config = Parse(text);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "source.postgres.port: expected an integer, got \"abc\"");
}

TEST(ConfigYamlTest, TablesMustBeAList) {
  Result<Config> config = Parse("tables: public.orders\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "tables: expected a list, got \"public.orders\"");
}

TEST(ConfigYamlTest, DuplicateAndMalformedTableNames) {
  std::string text = kMinimal;
  text.replace(text.find("customers"), 9, "public.orders");
  EXPECT_EQ(Parse(text).status().message(), "tables: public.orders is listed twice");
  text = kMinimal;
  text.replace(text.find("customers"), 9, "a.b.c");
  EXPECT_NE(Parse(text).status().message().find("invalid table name \"a.b.c\""), std::string::npos);
}

TEST(ConfigYamlTest, InvalidYamlIsAnError) {
  Result<Config> config = Parse("tables: [\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("not valid YAML"), std::string::npos);
}

// Regression: a duration or size whose number overflows a double reached std::stod, which
// threw std::out_of_range past the YAML adapter's catch and ended the process.
TEST(ConfigYamlTest, AnOverlongNumberInADurationOrSizeIsAnError) {
  const std::string digits(400, '9');
  for (const std::string& line :
       {"  flush_interval: " + digits + "s\n", "  flush_interval: \"" + digits + "\"\n",
        "  flush_bytes: " + digits + "MiB\n"}) {
    Result<Config> config = Parse(std::string(kMinimal) + line);
    ASSERT_FALSE(config.ok()) << line;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find("too large"), std::string::npos)
        << config.status().message();
  }
}

TEST(ConfigYamlTest, AnUnknownUnitIsNamed) {
  Result<Config> config = Parse(std::string(kMinimal) + "  flush_bytes: 12XB\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            "sink.flush_bytes: \"12XB\" has an unknown unit \"XB\" (use B, KB, MB, GB, KiB, MiB or "
            "GiB); expected a positive size such as 67108864 or \"64MiB\"");
  config = Parse(std::string(kMinimal) + "  flush_interval: 10 minutes\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("sink.flush_interval: \"10 minutes\" has an unknown "
                                           "unit \" minutes\""),
            std::string::npos)
      << config.status().message();
}

TEST(ConfigYamlTest, ANonScalarKeyIsAnError) {
  Result<Config> config = Parse(std::string(kMinimal) + "? [a, b]\n: 1\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("keys must be strings"), std::string::npos)
      << config.status().message();
}

TEST(ConfigYamlTest, PartitionAndPrimaryKeyAreRead) {
  std::string text = std::string(kMinimal) + "  target_file_size: 8388608\n";
  text.replace(
      text.find("  - name: customers"), 19,
      "  - name: customers\n    primary_key: [id]\n    iceberg:\n      partition: [\"day(ts)\"]");
  Result<Config> config = Parse(text);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->tables[1].primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(config->tables[1].partition, std::vector<std::string>{"day(ts)"});
  EXPECT_EQ(config->sink.target_file_size_bytes, 8388608);
}

// kMinimal with `iceberg: {<setting>}` on its second table.
Result<Config> ParseWithIceberg(const std::string& setting) {
  std::string text = kMinimal;
  text.replace(text.find("  - name: customers"), 19,
               "  - name: customers\n    iceberg:\n      " + setting);
  return Parse(text);
}

TEST(ConfigYamlTest, WideNumericPolicyIsRefuseStringOrAnError) {
  auto with = [](const std::string& value) { return ParseWithIceberg("wide_numeric: " + value); };
  Result<Config> plain = Parse(kMinimal);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->tables[1].wide_numeric_as_string);
  Result<Config> refuse = with("refuse");
  ASSERT_TRUE(refuse.ok()) << refuse.status().ToString();
  EXPECT_FALSE(refuse->tables[1].wide_numeric_as_string);
  Result<Config> string = with("string");
  ASSERT_TRUE(string.ok()) << string.status().ToString();
  EXPECT_TRUE(string->tables[1].wide_numeric_as_string);
  Result<Config> bad = with("double");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find(
                "tables[1].iceberg.wide_numeric: \"double\" is not one of refuse, string"),
            std::string::npos)
      << bad.status().message();
}

TEST(ConfigYamlTest, FormatVersionIs2Or3) {
  auto with = [](const std::string& value) { return ParseWithIceberg("format_version: " + value); };
  EXPECT_EQ(Parse(kMinimal)->tables[1].format_version, 2);
  EXPECT_EQ(with("3")->tables[1].format_version, 3);
  Result<Config> bad = with("1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tables[1].iceberg.format_version: 1 is not 2 or 3"),
            std::string::npos)
      << bad.status().message();
}

TEST(ConfigYamlTest, DeleteModeIsPositionOrEqualityForTheSinkAndEachTable) {
  EXPECT_EQ(Parse(kMinimal)->sink.delete_mode, "position");
  EXPECT_EQ(Parse(kMinimal)->tables[1].delete_mode, "");  // the sink's
  EXPECT_EQ(Parse(std::string(kMinimal) + "  delete_mode: equality\n")->sink.delete_mode,
            "equality");
  EXPECT_EQ(ParseWithIceberg("delete_mode: equality")->tables[1].delete_mode, "equality");
  Result<Config> bad_sink = Parse(std::string(kMinimal) + "  delete_mode: merge\n");
  ASSERT_FALSE(bad_sink.ok());
  EXPECT_NE(bad_sink.status().message().find(
                "sink.delete_mode: \"merge\" is not one of position, equality"),
            std::string::npos)
      << bad_sink.status().message();
  Result<Config> bad_table = ParseWithIceberg("delete_mode: positional");
  ASSERT_FALSE(bad_table.ok());
  EXPECT_NE(bad_table.status().message().find("tables[1].iceberg.delete_mode: \"positional\""),
            std::string::npos)
      << bad_table.status().message();
}

TEST(ConfigYamlTest, MissingFileNamesThePath) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfigFile("/nonexistent/pg2iceberg.yaml", &warnings);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "config file /nonexistent/pg2iceberg.yaml: cannot be opened");
}

}  // namespace
}  // namespace pg2iceberg
