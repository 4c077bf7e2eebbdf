// RestClient: one JSON exchange with an Iceberg REST catalog through the Env's HttpTransport —
// authentication by RestAuth (a header, or a SigV4 signature), a JSON body, a timeout, error
// mapping (rest_errors.h), and one repeat with a fresh OAuth2 token when the catalog answers
// 401. Not thread-safe; borrows `http`, which must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "env/http_transport.h"
#include "iceberg/json_util.h"
#include "iceberg/rest_auth.h"
#include "iceberg/rest_errors.h"

namespace pg2iceberg::iceberg {

// Headers a call adds to the usual ones (e.g. X-Iceberg-Access-Delegation).
using RestHeaders = std::vector<std::pair<std::string, std::string>>;

class RestClient {
 public:
  RestClient(HttpTransport& http, RestAuth auth, int64_t request_timeout_ms)
      : http_(&http), auth_(std::move(auth)), request_timeout_ms_(request_timeout_ms) {}

  // Sends `method` to `url` with `body` (nullptr: no body) and returns the parsed answer
  // (JSON null for an empty 2xx body, e.g. 204). `what` names the call in messages.
  // Errors: per rest_errors.h; those of RestAuth; a 2xx body that is not JSON → kInternal
  // (kOutcomeUnknown for a commit: the catalog did answer success, but not readably).
  Result<Json> Call(std::string_view method, const std::string& url, const Json* body,
                    RestCallKind kind, std::string_view what);
  // The same, sending `extra_headers` as well.
  Result<Json> Call(std::string_view method, const std::string& url, const Json* body,
                    const RestHeaders& extra_headers, RestCallKind kind, std::string_view what);

 private:
  // The answer, or why there is none (auth errors as RestAuth gives them, transport failures
  // mapped by kind).
  Result<HttpResponse> Exchange(std::string_view method, const std::string& url, const Json* body,
                                const RestHeaders& extra_headers, RestCallKind kind,
                                std::string_view what);

  HttpTransport* http_;
  RestAuth auth_;
  int64_t request_timeout_ms_;
};

}  // namespace pg2iceberg::iceberg
