#include "iceberg/rest/rest_paths.h"

namespace pg2iceberg::iceberg {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view TrimTrailingSlashes(std::string_view uri) {
  while (!uri.empty() && uri.back() == '/') uri.remove_suffix(1);
  return uri;
}

// "?name=value" or "&name=value" after `url`, skipped when value is empty.
void AppendQuery(std::string& url, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += name;
  url += '=';
  url += PercentEncode(value);
}

// The namespace's levels joined by the unit separator, not yet encoded.
std::string JoinLevels(const Namespace& ns) {
  std::string joined;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i > 0) joined += '\x1f';
    joined += ns[i];
  }
  return joined;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Status ValidateRestNamespace(const Namespace& ns) {
  if (ns.empty()) return Status::InvalidArgument("a namespace needs at least one level");
  for (const std::string& level : ns) {
    if (level.empty()) return Status::InvalidArgument("namespace levels must not be empty");
  }
  return Status::Ok();
}

Status ValidateRestIdentifier(const TableIdentifier& ident) {
  RETURN_IF_ERROR(ValidateRestNamespace(ident.table_namespace));
  if (ident.name.empty()) return Status::InvalidArgument("table name must not be empty");
  return Status::Ok();
}

std::string EncodeNamespace(const Namespace& ns) { return PercentEncode(JoinLevels(ns)); }

RestPaths::RestPaths(std::string_view uri, std::string prefix)
    : uri_(TrimTrailingSlashes(uri)), prefix_(std::move(prefix)) {}

std::string RestPaths::Root() const {
  return prefix_.empty() ? uri_ + "/v1" : uri_ + "/v1/" + prefix_;
}

std::string RestPaths::Config(std::string_view warehouse) const {
  std::string url = uri_ + "/v1/config";
  AppendQuery(url, "warehouse", warehouse);
  return url;
}

std::string RestPaths::Namespaces() const { return Root() + "/namespaces"; }

std::string RestPaths::Namespaces(const Namespace& parent, std::string_view page_token) const {
  std::string url = Namespaces();
  AppendQuery(url, "parent", JoinLevels(parent));
  AppendQuery(url, "pageToken", page_token);
  return url;
}

std::string RestPaths::NamespacePath(const Namespace& ns) const {
  return Namespaces() + "/" + EncodeNamespace(ns);
}

std::string RestPaths::Tables(const Namespace& ns, std::string_view page_token) const {
  std::string url = NamespacePath(ns) + "/tables";
  AppendQuery(url, "pageToken", page_token);
  return url;
}

std::string RestPaths::TransactionsCommit() const { return Root() + "/transactions/commit"; }

std::string RestPaths::Table(const TableIdentifier& ident) const {
  return NamespacePath(ident.table_namespace) + "/tables/" + PercentEncode(ident.name);
}

std::string OAuthTokensUrl(std::string_view uri) {
  return std::string(TrimTrailingSlashes(uri)) + "/v1/oauth/tokens";
}

}  // namespace pg2iceberg::iceberg
