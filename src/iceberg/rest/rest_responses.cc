#include "iceberg/rest/rest_responses.h"

#include <algorithm>

#include "iceberg/metadata_json.h"
#include "iceberg/metadata_parts_json.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr size_t kErrorBodyMaxBytes = 300;

Result<Namespace> NamespaceFromJson(const Json& json) {
  if (!json.is_array()) return Status::InvalidArgument("a namespace must be an array of strings");
  Namespace ns;
  for (const Json& level : json) {
    if (!level.is_string())
      return Status::InvalidArgument("a namespace must be an array of strings");
    ns.push_back(level.get<std::string>());
  }
  return ns;
}

Result<TableIdentifier> IdentifierFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "table identifier"));
  TableIdentifier ident;
  const auto ns = json.find("namespace");
  if (ns == json.end()) return Status::InvalidArgument("missing required field \"namespace\"");
  ASSIGN_OR_RETURN(ident.table_namespace, NamespaceFromJson(*ns));
  ASSIGN_OR_RETURN(ident.name, GetString(json, "name"));
  return ident;
}

Result<std::string> NextPageToken(const Json& json) {
  ASSIGN_OR_RETURN(std::optional<std::string> token, GetOptionalString(json, "next-page-token"));
  return token.value_or("");
}

Result<std::vector<RestStorageCredential>> StorageCredentialsFromJson(const Json& json) {
  ASSIGN_OR_RETURN(const Json* list, GetOptionalArray(json, "storage-credentials"));
  std::vector<RestStorageCredential> credentials;
  if (list == nullptr) return credentials;
  for (const Json& entry : *list) {
    RETURN_IF_ERROR(ExpectObject(entry, "storage-credentials entry"));
    RestStorageCredential credential;
    ASSIGN_OR_RETURN(credential.prefix, GetString(entry, "prefix"));
    ASSIGN_OR_RETURN(credential.config, GetOptionalStringMap(entry, "config"));
    credentials.push_back(std::move(credential));
  }
  return credentials;
}

std::string Truncated(std::string_view body) {
  if (body.size() <= kErrorBodyMaxBytes) return std::string(body);
  return std::string(body.substr(0, kErrorBodyMaxBytes)) + "…";
}

}  // namespace

std::string RestConfigResponse::Value(const std::string& key) const {
  if (auto it = overrides.find(key); it != overrides.end()) return it->second;
  if (auto it = defaults.find(key); it != defaults.end()) return it->second;
  return "";
}

bool RestConfigResponse::Offers(std::string_view endpoint) const {
  if (!endpoints.has_value()) return false;
  return std::find(endpoints->begin(), endpoints->end(), endpoint) != endpoints->end();
}

Result<RestConfigResponse> RestConfigResponseFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "config response"));
  RestConfigResponse config;
  ASSIGN_OR_RETURN(config.defaults, GetOptionalStringMap(json, "defaults"));
  ASSIGN_OR_RETURN(config.overrides, GetOptionalStringMap(json, "overrides"));
  ASSIGN_OR_RETURN(const Json* endpoints, GetOptionalArray(json, "endpoints"));
  if (endpoints != nullptr) {
    config.endpoints.emplace();
    for (const Json& endpoint : *endpoints) {
      if (!endpoint.is_string()) return Status::InvalidArgument("endpoints must be strings");
      config.endpoints->push_back(endpoint.get<std::string>());
    }
  }
  return config;
}

Result<RestTableResponse> RestTableResponseFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "table response"));
  RestTableResponse response;
  ASSIGN_OR_RETURN(std::optional<std::string> location,
                   GetOptionalString(json, "metadata-location"));
  response.metadata_location = location.value_or("");
  ASSIGN_OR_RETURN(const Json* metadata, GetObject(json, "metadata"));
  Result<TableMetadata> parsed = TableMetadataFromJson(*metadata);
  if (!parsed.ok()) return parsed.status().WithContext("metadata");
  response.metadata = std::move(parsed).value();
  ASSIGN_OR_RETURN(response.config, GetOptionalStringMap(json, "config"));
  Result<std::vector<RestStorageCredential>> credentials = StorageCredentialsFromJson(json);
  if (!credentials.ok()) return credentials.status().WithContext("storage-credentials");
  response.storage_credentials = std::move(credentials).value();
  return response;
}

StorageConfig StorageConfigFor(const RestTableResponse& table, std::string_view location) {
  const RestStorageCredential* best = nullptr;
  for (const RestStorageCredential& credential : table.storage_credentials) {
    if (!location.starts_with(credential.prefix)) continue;
    if (best == nullptr || credential.prefix.size() > best->prefix.size()) best = &credential;
  }
  StorageConfig config = table.config;
  if (best == nullptr) return config;
  for (const auto& [key, value] : best->config) config[key] = value;
  return config;
}

Result<NamespacePage> NamespacePageFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "list namespaces response"));
  NamespacePage page;
  ASSIGN_OR_RETURN(const Json* namespaces, GetOptionalArray(json, "namespaces"));
  ASSIGN_OR_RETURN(page.namespaces,
                   ListFromJson<Namespace>(namespaces, "namespaces", NamespaceFromJson));
  ASSIGN_OR_RETURN(page.next_page_token, NextPageToken(json));
  return page;
}

Result<TablePage> TablePageFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "list tables response"));
  TablePage page;
  ASSIGN_OR_RETURN(const Json* identifiers, GetOptionalArray(json, "identifiers"));
  ASSIGN_OR_RETURN(page.tables,
                   ListFromJson<TableIdentifier>(identifiers, "identifiers", IdentifierFromJson));
  ASSIGN_OR_RETURN(page.next_page_token, NextPageToken(json));
  return page;
}

Result<OAuthTokenResponse> OAuthTokenResponseFromJson(const Json& json) {
  RETURN_IF_ERROR(ExpectObject(json, "token response"));
  OAuthTokenResponse token;
  ASSIGN_OR_RETURN(token.access_token, GetString(json, "access_token"));
  if (token.access_token.empty()) return Status::InvalidArgument("field \"access_token\" is empty");
  ASSIGN_OR_RETURN(token.expires_in_s, GetOptionalInt64(json, "expires_in"));
  return token;
}

std::string DescribeErrorBody(std::string_view body) {
  Result<Json> json = ParseJson(body);
  if (!json.ok() || !json->is_object()) return Truncated(body);
  const auto error = json->find("error");
  if (error == json->end()) return Truncated(body);
  if (error->is_object()) {
    Result<std::optional<std::string>> type = GetOptionalString(*error, "type");
    Result<std::optional<std::string>> message = GetOptionalString(*error, "message");
    std::string text = type.ok() && *type ? **type : "";
    if (message.ok() && *message) text += (text.empty() ? "" : ": ") + **message;
    return text.empty() ? Truncated(body) : text;
  }
  if (error->is_string()) {
    std::string text = error->get<std::string>();
    Result<std::optional<std::string>> description = GetOptionalString(*json, "error_description");
    if (description.ok() && *description) text += ": " + **description;
    return text;
  }
  return Truncated(body);
}

}  // namespace pg2iceberg::iceberg
