// URLs of the Iceberg REST catalog API (the Iceberg project's open-api/rest-catalog-open-api.yaml):
//
//   {uri}/v1/config[?warehouse=W]
//   {uri}/v1/oauth/tokens
//   {uri}/v1/{prefix}/namespaces[?parent=NS&pageToken=T]
//   {uri}/v1/{prefix}/namespaces/{ns}
//   {uri}/v1/{prefix}/namespaces/{ns}/tables[?pageToken=T]
//   {uri}/v1/{prefix}/namespaces/{ns}/tables/{table}
//   {uri}/v1/{prefix}/transactions/commit
//
// "{prefix}/" is left out when the catalog gave no prefix (GET /v1/config, "overrides" then
// "defaults"); the prefix is used as the server gave it. A namespace in a path or a query is
// its levels joined by the unit separator 0x1F, percent-encoded ("a%1Fb"); table names and
// query values are percent-encoded too (every byte but A-Z a-z 0-9 - . _ ~).
#pragma once

#include <string>
#include <string_view>

#include "iceberg/catalog.h"

namespace pg2iceberg::iceberg {

// RFC 3986 percent-encoding of every byte outside the unreserved set, upper-case hex.
std::string PercentEncode(std::string_view text);

// kInvalidArgument unless the namespace has at least one level and no level is empty.
Status ValidateRestNamespace(const Namespace& ns);
// The same for the namespace, and a non-empty table name.
Status ValidateRestIdentifier(const TableIdentifier& ident);

// The path form of a namespace: levels joined by 0x1F, percent-encoded.
std::string EncodeNamespace(const Namespace& ns);

class RestPaths {
 public:
  // `uri` is the catalog's base URL; trailing '/' are dropped. `prefix` may be empty.
  RestPaths(std::string_view uri, std::string prefix);

  std::string Config(std::string_view warehouse) const;  // warehouse may be empty
  std::string Namespaces() const;
  std::string Namespaces(const Namespace& parent, std::string_view page_token) const;
  std::string NamespacePath(const Namespace& ns) const;
  std::string Tables(const Namespace& ns, std::string_view page_token) const;
  std::string Table(const TableIdentifier& ident) const;
  std::string TransactionsCommit() const;

  const std::string& uri() const { return uri_; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string Root() const;  // "{uri}/v1" or "{uri}/v1/{prefix}"

  std::string uri_;
  std::string prefix_;
};

// "{uri}/v1/oauth/tokens" (no prefix: the token endpoint is catalog-wide).
std::string OAuthTokensUrl(std::string_view uri);

}  // namespace pg2iceberg::iceberg
