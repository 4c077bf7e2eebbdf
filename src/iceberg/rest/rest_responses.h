// Response bodies of the Iceberg REST catalog API, parsed without trusting them: every
// malformed body is kInvalidArgument naming the member (callers re-code it, e.g. to
// kInternal "the catalog answered …"). Unknown members are ignored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "iceberg/catalog.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

// GET /v1/config: {"defaults": {…}, "overrides": {…}, "endpoints": […]}.
struct RestConfigResponse {
  std::map<std::string, std::string> defaults;
  std::map<std::string, std::string> overrides;
  // The endpoints the server offers ("POST /v1/{prefix}/transactions/commit", …); nullopt
  // when the answer has no "endpoints" (older servers: assume only the basic ones).
  std::optional<std::vector<std::string>> endpoints;

  // Whether `endpoints` lists `endpoint` (false when there is no list).
  bool Offers(std::string_view endpoint) const;

  // overrides[key], else defaults[key], else "".
  std::string Value(const std::string& key) const;
};
Result<RestConfigResponse> RestConfigResponseFromJson(const Json& json);

// One entry of a load answer's "storage-credentials": settings (s3.access-key-id, …) for
// files whose location starts with `prefix`.
struct RestStorageCredential {
  std::string prefix;
  std::map<std::string, std::string> config;
};

// LoadTableResult / CommitTableResponse: {"metadata-location": …, "metadata": {…},
// "config": {…}, "storage-credentials": [{"prefix", "config"}, …]}. metadata-location is
// absent for a staged create.
struct RestTableResponse {
  std::string metadata_location;  // "" when absent
  TableMetadata metadata;
  std::map<std::string, std::string> config;
  std::vector<RestStorageCredential> storage_credentials;
};
Result<RestTableResponse> RestTableResponseFromJson(const Json& json);

// The storage settings for files under `location` (vended credentials): the answer's
// `config`, overlaid with the `config` of the storage-credentials entry with the longest
// prefix that `location` starts with (none: `config` alone).
StorageConfig StorageConfigFor(const RestTableResponse& table, std::string_view location);

// ListNamespacesResponse / ListTablesResponse pages.
struct NamespacePage {
  std::vector<Namespace> namespaces;
  std::string next_page_token;  // "" on the last page
};
Result<NamespacePage> NamespacePageFromJson(const Json& json);

struct TablePage {
  std::vector<TableIdentifier> tables;
  std::string next_page_token;  // "" on the last page
};
Result<TablePage> TablePageFromJson(const Json& json);

// The OAuth2 token endpoint's answer: {"access_token", "token_type", "expires_in"?, …}.
struct OAuthTokenResponse {
  std::string access_token;
  std::optional<int64_t> expires_in_s;
};
Result<OAuthTokenResponse> OAuthTokenResponseFromJson(const Json& json);

// What an error body says, best effort, for messages: the REST ErrorModel
// {"error": {"message", "type", "code"}} as "Type: message", an OAuth2 error
// {"error": "invalid_client", "error_description": …} as "invalid_client: description",
// otherwise the body's first 300 bytes ("" for an empty body).
std::string DescribeErrorBody(std::string_view body);

}  // namespace pg2iceberg::iceberg
