// HttpTransport: sends HTTP requests and returns the responses. Used by the S3 client and the
// REST catalog; the simulator substitutes a fake. Thread-safe.
//
// Concurrency without threads: SendAll hands the transport several independent requests at
// once (the parts of a multipart upload); the production transport runs them concurrently on
// one thread (libcurl's multi interface), a fake may run them one after another. Callers never
// start threads to get parallel transfers.
//
// Errors are transport failures only (DNS, connect, TLS, timeout → kUnavailable). An HTTP error
// status is a successful Send whose response carries that status; the caller maps it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace pg2iceberg {

// The files TLS to an https server uses (PEM); empty fields leave the defaults.
struct TlsFiles {
  std::string ca_file;      // the authorities that may sign the server's certificate; else the
                            // system's store
  std::string client_cert;  // a client certificate, for servers that ask for one
  std::string client_key;   // its private key
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;
  int64_t timeout_ms = 30000;
  TlsFiles tls;
  // The value of the first header with this name in any case ("content-type" finds
  // "Content-Type"), or nullptr.
  const std::string* FindHeader(std::string_view lower_name) const;
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

  // Sends every request, at most `max_in_flight` (≥ 1) at a time, and returns their results in
  // the requests' order; one request's failure does not stop the others. The default sends
  // them one after another through Send.
  virtual std::vector<Result<HttpResponse>> SendAll(const std::vector<HttpRequest>& requests,
                                                    int max_in_flight);
};

}  // namespace pg2iceberg
