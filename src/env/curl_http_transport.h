// CurlHttpTransport: the production HttpTransport, over libcurl.
// Each Send takes an easy handle from a small pool (so keep-alive connections are reused),
// resets it, and sends one request: no redirects followed, no default Content-Type or
// "Expect: 100-continue" added, HEAD sent without reading a body. The response carries the
// final status, lower-cased header names with trimmed values (those of the last response
// when curl saw interim ones such as 100 Continue) and the body.
// Errors: curl failures (DNS, connect, TLS, timeout, reset) → kUnavailable with curl's text
// and the URL without its query string (which may carry a presigned signature); a body over
// max_response_bytes → kInternal. Only http:// and https:// URLs are allowed
// (else kInvalidArgument).
// Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
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

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  const CurlHttpTransportOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_handles_;  // CURL*, kept opaque so curl.h stays out of this header
};

}  // namespace pg2iceberg
