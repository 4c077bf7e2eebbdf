#include "iceberg/rest/rest_sigv4.h"

#include "base/bytes.h"
#include "s3/crypto.h"

namespace pg2iceberg::iceberg {
namespace {

struct SplitUrl {
  std::string authority;
  std::string path;
  std::string query;  // without '?'
};

Result<SplitUrl> Split(std::string_view url) {
  size_t start = 0;
  if (url.starts_with("http://")) start = 7;
  if (url.starts_with("https://")) start = 8;
  if (start == 0) return Status::InvalidArgument("REST catalog SigV4: not an http(s) URL");
  const std::string_view rest = url.substr(start);
  const size_t path_at = rest.find_first_of("/?#");
  SplitUrl split;
  split.authority = std::string(rest.substr(0, path_at));
  if (split.authority.empty())
    return Status::InvalidArgument("REST catalog SigV4: URL has no host");
  std::string_view tail = path_at == std::string_view::npos ? "" : rest.substr(path_at);
  if (const size_t hash = tail.find('#'); hash != std::string_view::npos)
    tail = tail.substr(0, hash);
  const size_t query_at = tail.find('?');
  split.path = std::string(tail.substr(0, query_at));
  if (query_at != std::string_view::npos) split.query = std::string(tail.substr(query_at + 1));
  return split;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; '+' stays '+' (our URLs encode spaces as %20). A malformed escape is
// kept as it is.
std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

s3::HeaderList QueryParameters(std::string_view query) {
  s3::HeaderList parameters;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    parameters.emplace_back(PercentDecode(name), PercentDecode(value));
  }
  return parameters;
}

}  // namespace

Status CheckRestSigV4Options(const RestSigV4Options& options) {
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "REST catalog sigv4 auth needs AWS credentials (sink.s3_access_key and sink.s3_secret_key, "
        "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  if (options.region.empty())
    return Status::InvalidArgument("REST catalog sigv4 auth needs a region");
  if (options.service.empty()) {
    return Status::InvalidArgument("REST catalog sigv4 auth needs a signing name (service)");
  }
  return Status::Ok();
}

std::string RestSigV4CanonicalUri(std::string_view sent_path) {
  if (sent_path.empty()) return "/";
  return s3::UriEncode(sent_path, /*keep_slash=*/true);
}

Status SignRestRequest(const RestSigV4Options& options, int64_t unix_micros, HttpRequest& request) {
  for (std::string_view name :
       {"host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"}) {
    if (request.FindHeader(name) != nullptr) {
      return Status::Internal("REST catalog SigV4: the request already carries " +
                              std::string(name));
    }
  }
  ASSIGN_OR_RETURN(const SplitUrl url, Split(request.url));
  s3::SigV4Request signing;
  signing.method = request.method;
  signing.canonical_uri = RestSigV4CanonicalUri(url.path);
  signing.query = QueryParameters(url.query);
  signing.headers.emplace_back("host", url.authority);
  if (const std::string* content_type = request.FindHeader("content-type")) {
    signing.headers.emplace_back("content-type", *content_type);
  }
  signing.payload_sha256_hex = s3::Sha256Hex(request.body);
  const size_t before = signing.headers.size();
  s3::SignV4(options.credentials, options.region, options.service, unix_micros, signing);
  request.headers.emplace_back("Host", url.authority);
  for (size_t i = before; i < signing.headers.size(); ++i) {
    request.headers.push_back(std::move(signing.headers[i]));
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::iceberg
