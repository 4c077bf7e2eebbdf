#include "env/http_transport.h"

namespace pg2iceberg {

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

std::vector<Result<HttpResponse>> HttpTransport::SendAll(const std::vector<HttpRequest>& requests,
                                                         int /*max_in_flight*/) {
  std::vector<Result<HttpResponse>> results;
  results.reserve(requests.size());
  for (const HttpRequest& request : requests) results.push_back(Send(request));
  return results;
}

}  // namespace pg2iceberg
