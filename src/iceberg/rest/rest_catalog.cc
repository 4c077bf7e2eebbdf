// RestCatalog: opening, namespaces, listing, loading and dropping. Commits are in
// rest_catalog_commit.cc.
#include "iceberg/rest/rest_catalog.h"

#include <algorithm>
#include <deque>

#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {
namespace {

Status CheckUri(std::string_view uri) {
  if (uri.starts_with("http://") || uri.starts_with("https://")) return Status::Ok();
  return Status::InvalidArgument("REST catalog URI must start with http:// or https://, got \"" +
                                 std::string(uri) + "\"");
}

// A parse failure of an answer the catalog gave to `what`.
Status Malformed(std::string_view what, const Status& status) {
  return Status::Internal(std::string(what) + ": malformed answer: " + status.message());
}

Result<RestConfigResponse> ReadConfig(RestClient& client, const RestPaths& root,
                                      const RestCatalogOptions& options) {
  const std::string what = "REST catalog " + root.uri() + ": GET /v1/config";
  ASSIGN_OR_RETURN(Json json, client.Call("GET", root.Config(options.warehouse), nullptr,
                                          RestCallKind::kRead, what));
  Result<RestConfigResponse> config = RestConfigResponseFromJson(json);
  if (!config.ok()) return Malformed(what, config.status());
  return config;
}

}  // namespace

Result<std::unique_ptr<RestCatalog>> RestCatalog::Open(RestCatalogOptions options,
                                                       HttpTransport& http, Clock& clock,
                                                       Random& random, Logger& log) {
  return OpenWith(std::move(options), http, clock, RestRetryServices{clock, random, log});
}

Result<std::unique_ptr<RestCatalog>> RestCatalog::Open(RestCatalogOptions options,
                                                       HttpTransport& http, Clock& clock) {
  return OpenWith(std::move(options), http, clock, std::nullopt);
}

Result<std::unique_ptr<RestCatalog>> RestCatalog::OpenWith(RestCatalogOptions options,
                                                           HttpTransport& http, Clock& clock,
                                                           std::optional<RestRetryServices> retry) {
  RETURN_IF_ERROR(CheckUri(options.uri));
  RestAuthOptions auth_options = options.auth;
  auth_options.request_timeout_ms = options.request_timeout_ms;
  auth_options.tls = options.tls;
  if (auth_options.token_url.empty()) auth_options.token_url = OAuthTokensUrl(options.uri);
  ASSIGN_OR_RETURN(RestAuth auth, RestAuth::Create(std::move(auth_options), http, clock));
  RestClient client(http, std::move(auth), options.request_timeout_ms, options.retry, retry,
                    options.tls);
  ASSIGN_OR_RETURN(const RestConfigResponse config,
                   ReadConfig(client, RestPaths(options.uri, ""), options));
  RestPaths paths(options.uri, config.Value("prefix"));
  const bool transactions = config.Offers(kTransactionsEndpoint);
  return std::unique_ptr<RestCatalog>(
      new RestCatalog(std::move(options), std::move(paths), std::move(client), transactions));
}

Status RestCatalog::CreateNamespace(const Namespace& ns) {
  const Json request = CreateNamespaceRequestJson(ns);
  const std::string what = "REST catalog: creating namespace " + NamespaceToString(ns);
  return client_.Call("POST", paths_.Namespaces(), &request, RestCallKind::kRead, what).status();
}

Status RestCatalog::EnsureNamespace(const Namespace& ns) {
  RETURN_IF_ERROR(ValidateRestNamespace(ns));
  Status created = CreateNamespace(ns);
  // 404 is the catalog saying the parent is missing (catalogs that keep a hierarchy).
  if (created.code() == StatusCode::kNotFound && ns.size() > 1) {
    RETURN_IF_ERROR(EnsureNamespace(Namespace(ns.begin(), ns.end() - 1)));
    created = CreateNamespace(ns);
  }
  if (created.code() == StatusCode::kConflict) return Status::Ok();  // it exists
  return created;
}

Result<NamespacePage> RestCatalog::ListNamespacePage(const Namespace& parent,
                                                     const std::string& token) {
  const std::string what = "REST catalog: listing namespaces" +
                           (parent.empty() ? std::string() : " in " + NamespaceToString(parent));
  ASSIGN_OR_RETURN(Json json, client_.Call("GET", paths_.Namespaces(parent, token), nullptr,
                                           RestCallKind::kRead, what));
  Result<NamespacePage> page = NamespacePageFromJson(json);
  if (!page.ok()) return Malformed(what, page.status());
  return page;
}

// Breadth-first from the root: each namespace's children are listed with ?parent=.
Result<std::vector<Namespace>> RestCatalog::ListNamespaces() {
  std::vector<Namespace> found;
  std::deque<Namespace> parents = {Namespace{}};
  while (!parents.empty()) {
    const Namespace parent = std::move(parents.front());
    parents.pop_front();
    std::string token;
    for (int pages = 0;; ++pages) {
      if (pages == options_.list_pages_max)
        return Status::Internal("REST catalog: too many namespace pages");
      ASSIGN_OR_RETURN(NamespacePage page, ListNamespacePage(parent, token));
      for (Namespace& ns : page.namespaces) {
        // A child must extend its parent; anything else would loop.
        if (ns.size() <= parent.size() || !std::equal(parent.begin(), parent.end(), ns.begin()))
          continue;
        if (static_cast<int>(found.size()) == options_.namespaces_max) {
          return Status::Internal("REST catalog: more than " +
                                  std::to_string(options_.namespaces_max) + " namespaces");
        }
        found.push_back(ns);
        parents.push_back(std::move(ns));
      }
      if (page.next_page_token.empty()) break;
      token = std::move(page.next_page_token);
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

Result<std::vector<TableIdentifier>> RestCatalog::ListTables(const Namespace& ns) {
  RETURN_IF_ERROR(ValidateRestNamespace(ns));
  const std::string what = "REST catalog: listing tables of " + NamespaceToString(ns);
  std::vector<TableIdentifier> tables;
  std::string token;
  for (int pages = 0;; ++pages) {
    if (pages == options_.list_pages_max) return Status::Internal(what + ": too many pages");
    Result<Json> json =
        client_.Call("GET", paths_.Tables(ns, token), nullptr, RestCallKind::kRead, what);
    if (json.status().code() == StatusCode::kNotFound) return std::vector<TableIdentifier>{};
    if (!json.ok()) return json.status();
    Result<TablePage> page = TablePageFromJson(*json);
    if (!page.ok()) return Malformed(what, page.status());
    tables.insert(tables.end(), page->tables.begin(), page->tables.end());
    if (page->next_page_token.empty()) break;
    token = std::move(page->next_page_token);
  }
  std::sort(tables.begin(), tables.end());
  return tables;
}

Result<LoadedTable> RestCatalog::LoadTable(const TableIdentifier& ident) {
  RETURN_IF_ERROR(ValidateRestIdentifier(ident));
  const std::string what = "REST catalog: loading table " + ident.ToString();
  ASSIGN_OR_RETURN(Json json, client_.Call("GET", paths_.Table(ident), nullptr, DelegationHeaders(),
                                           RestCallKind::kRead, what));
  Result<RestTableResponse> table = RestTableResponseFromJson(json);
  if (!table.ok()) return Malformed(what, table.status());
  if (table->metadata_location.empty()) {
    return Status::DataLoss(what + ": the catalog lists the table without a metadata location");
  }
  StorageConfig storage = StorageConfigFor(*table, table->metadata.location);
  return LoadedTable{std::move(table->metadata_location), std::move(table->metadata),
                     std::move(storage)};
}

Status RestCatalog::DropTable(const TableIdentifier& ident) {
  RETURN_IF_ERROR(ValidateRestIdentifier(ident));
  const std::string what = "REST catalog: dropping table " + ident.ToString();
  return client_.Call("DELETE", paths_.Table(ident), nullptr, RestCallKind::kCommit, what).status();
}

}  // namespace pg2iceberg::iceberg
