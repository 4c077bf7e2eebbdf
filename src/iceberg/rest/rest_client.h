// RestClient: one JSON exchange with an Iceberg REST catalog through the Env's HttpTransport —
// authentication by RestAuth (a header, or a SigV4 signature), a JSON body, a timeout, error
// mapping (rest_errors.h), one repeat with a fresh OAuth2 token when the catalog answers 401,
// and retries of requests that end kUnavailable.
//
// Retries: an exchange whose status is kUnavailable (no answer to a read, 5xx to a read, 429,
// a token endpoint that is down) did nothing on the server, so it is sent again after a
// full-jitter exponential back-off: a sleep drawn uniformly from [0, min(max_backoff_ms,
// initial_backoff_ms * 2^attempt)), until the next attempt would start after `deadline_ms`
// from the first one; then the last cause is returned, still kUnavailable. A commit whose
// answer is lost (kOutcomeUnknown) is never repeated here: the caller reconciles first
// (RestCatalog::CommitSnapshot). Each retry is logged at warn level with its cause. Sleeps and
// time go through the Clock, jitter through the Random.
//
// Not thread-safe; borrows `http` and the retry services, which must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "env/clock.h"
#include "env/http_transport.h"
#include "env/random.h"
#include "iceberg/json_util.h"
#include "iceberg/rest/rest_auth.h"
#include "iceberg/rest/rest_errors.h"

namespace pg2iceberg::iceberg {

struct RestRetryPolicy {
  // Total time one request may take, retries and back-off included; 0: one attempt only.
  int64_t deadline_ms = 300000;
  int64_t initial_backoff_ms = 200;
  int64_t max_backoff_ms = 15000;
};

// What retrying borrows.
struct RestRetryServices {
  Clock& clock;
  Random& random;
  Logger& log;
};

// Headers a call adds to the usual ones (e.g. X-Iceberg-Access-Delegation).
using RestHeaders = std::vector<std::pair<std::string, std::string>>;

class RestClient {
 public:
  // Without `retry` services every request is tried once (the policy is ignored).
  // `tls`: the files TLS to an https catalog uses.
  RestClient(HttpTransport& http, RestAuth auth, int64_t request_timeout_ms, RestRetryPolicy policy,
             std::optional<RestRetryServices> retry, TlsFiles tls = {})
      : http_(&http),
        auth_(std::move(auth)),
        request_timeout_ms_(request_timeout_ms),
        policy_(policy),
        retry_(retry),
        tls_(std::move(tls)) {}

  // Sends `method` to `url` with `body` (nullptr: no body) and returns the parsed answer
  // (JSON null for an empty 2xx body, e.g. 204). `what` names the call in messages.
  // Errors: per rest_errors.h; those of RestAuth; a 2xx body that is not JSON → kInternal
  // (kOutcomeUnknown for a commit: the catalog did answer success, but not readably).
  // kUnavailable only once the retry deadline is spent (or without retry services).
  Result<Json> Call(std::string_view method, const std::string& url, const Json* body,
                    RestCallKind kind, std::string_view what);
  // The same, sending `extra_headers` as well.
  Result<Json> Call(std::string_view method, const std::string& url, const Json* body,
                    const RestHeaders& extra_headers, RestCallKind kind, std::string_view what);

 private:
  // One attempt (with its 401 repeat).
  Result<Json> CallOnce(std::string_view method, const std::string& url, const Json* body,
                        const RestHeaders& extra_headers, RestCallKind kind, std::string_view what);
  // The answer, or why there is none (auth errors as RestAuth gives them, transport failures
  // mapped by kind).
  Result<HttpResponse> Exchange(std::string_view method, const std::string& url, const Json* body,
                                const RestHeaders& extra_headers, RestCallKind kind,
                                std::string_view what);
  // The back-off before retry number `attempt` (0-based), in microseconds.
  int64_t BackoffMicros(int attempt);

  HttpTransport* http_;
  RestAuth auth_;
  int64_t request_timeout_ms_;
  RestRetryPolicy policy_;
  std::optional<RestRetryServices> retry_;
  TlsFiles tls_;
};

}  // namespace pg2iceberg::iceberg
