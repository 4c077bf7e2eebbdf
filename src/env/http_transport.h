// HttpTransport: sends one HTTP request and returns the response. Used by the S3 client and the
// REST catalog; the simulator substitutes a fake. Thread-safe.
//
// Errors are transport failures only (DNS, connect, TLS, timeout → kUnavailable). An HTTP error
// status is a successful Send whose response carries that status; the caller maps it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;
  int64_t timeout_ms = 30000;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  Bytes body;

  // The first header with this (lower-case) name, or "".
  std::string Header(std::string_view lower_name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace pg2iceberg
