#include "env/http_transport.h"

#include <cctype>

namespace pg2iceberg {

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

const std::string* HttpRequest::FindHeader(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name.size() != lower_name.size()) continue;
    bool same = true;
    for (size_t i = 0; same && i < name.size(); ++i) {
      same = std::tolower(static_cast<unsigned char>(name[i])) == lower_name[i];
    }
    if (same) return &value;
  }
  return nullptr;
}

std::vector<Result<HttpResponse>> HttpTransport::SendAll(const std::vector<HttpRequest>& requests,
                                                         int /*max_in_flight*/) {
  std::vector<Result<HttpResponse>> results;
  results.reserve(requests.size());
  for (const HttpRequest& request : requests) results.push_back(Send(request));
  return results;
}

}  // namespace pg2iceberg
