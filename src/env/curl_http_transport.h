// CurlHttpTransport: the production HttpTransport, over libcurl.
// Each Send takes an easy handle from a small pool (so keep-alive connections are reused),
// resets it, and sends one request: no redirects followed, no default Content-Type or
// "Expect: 100-continue" added, HEAD sent without reading a body. The response carries the
// final status, lower-cased header names with trimmed values (those of the last response
// when curl saw interim ones such as 100 Continue) and the body.
// Errors: curl failures (DNS, connect, TLS handshake, timeout, reset) → kUnavailable with curl's
// text and the URL without its query string (which may carry a presigned signature), except an
// untrusted server certificate or unusable CA file → kInvalidArgument (retrying cannot help); a
// body over max_response_bytes → kInternal. Only http:// and https:// URLs are allowed (else
// kInvalidArgument). Requests with a tls.ca_file verify the server against that PEM bundle instead
// of the system store. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "env/http_transport.h"

namespace pg2iceberg {

struct CurlHttpTransportOptions {
  // Responses with larger bodies fail instead of growing memory without bound.
  uint64_t max_response_bytes = uint64_t{4} << 30;
  // Idle easy handles kept for reuse; more concurrent requests create (and free) extra ones.
  size_t idle_handles_max = 16;
  // Connect phase limit, within the request's own timeout_ms.
  int64_t connect_timeout_ms = 10000;
};

class CurlHttpTransport final : public HttpTransport {
 public:
  explicit CurlHttpTransport(const CurlHttpTransportOptions& options = {});
  ~CurlHttpTransport() override;
  CurlHttpTransport(const CurlHttpTransport&) = delete;
  CurlHttpTransport& operator=(const CurlHttpTransport&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request) override;
  // Runs up to max_in_flight transfers at once on the calling thread (curl's multi interface).
  std::vector<Result<HttpResponse>> SendAll(const std::vector<HttpRequest>& requests,
                                            int max_in_flight) override;

 private:
  struct Transfer;
  Result<std::unique_ptr<Transfer>> Begin(const HttpRequest& request);
  Result<HttpResponse> End(Transfer& transfer, int curl_code);

  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  const CurlHttpTransportOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_handles_;  // CURL*, kept opaque so curl.h stays out of this header
};

}  // namespace pg2iceberg
