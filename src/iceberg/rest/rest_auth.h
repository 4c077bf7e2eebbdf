// RestAuth: the Authorization header of requests to an Iceberg REST catalog.
//
//   kNone    no header.
//   kBearer  "Bearer <token>", the token as configured.
//   kOAuth2  the OAuth2 client-credentials flow of the REST spec: POST to the token endpoint
//            (default {uri}/v1/oauth/tokens), form-encoded
//            grant_type=client_credentials&client_id=…&client_secret=…&scope=…,
//            answer {"access_token", "expires_in"?}; the token is cached and fetched again
//            `refresh_margin_ms` before it expires (never, without expires_in) or after the
//            catalog answered 401 (ForgetToken).
//   kSigV4   AWS Signature Version 4 over the whole request (rest_sigv4.h): for catalogs behind
//            AWS authentication (Glue, S3 Tables). Signed at the Clock's wall time.
//
// Secrets never appear in messages. Time comes from the Clock (monotonic), requests go
// through the HttpTransport. Not thread-safe; borrows `http` and `clock`, which must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "env/clock.h"
#include "env/http_transport.h"
#include "iceberg/rest/rest_sigv4.h"

namespace pg2iceberg::iceberg {

enum class RestAuthType { kNone, kBearer, kOAuth2, kSigV4 };

struct RestAuthOptions {
  RestAuthType type = RestAuthType::kNone;
  std::string token;          // kBearer
  std::string client_id;      // kOAuth2
  std::string client_secret;  // kOAuth2
  std::string scope = "PRINCIPAL_ROLE:ALL";
  std::string token_url;  // kOAuth2; must be set (RestCatalog::Open defaults it)
  int64_t refresh_margin_ms = 60000;
  RestSigV4Options sigv4;  // kSigV4
  int64_t request_timeout_ms = 30000;
  TlsFiles tls;  // for an https token URL
};

class RestAuth {
 public:
  // kInvalidArgument when the options lack what their type needs (a bearer token; an OAuth2
  // client id, secret and token URL).
  static Result<RestAuth> Create(RestAuthOptions options, HttpTransport& http, Clock& clock);

  // The Authorization header value, "" for kNone. For OAuth2, fetches a token when none is
  // cached or the cached one is about to expire. Errors of the token request: credentials
  // refused (4xx) → kInvalidArgument with the endpoint's words; no answer or 5xx →
  // kUnavailable; a malformed answer → kInternal.
  // kSigV4 has no header of its own: kInternal (use Authorize).
  Result<std::string> AuthorizationHeader();

  // Authenticates `request`, which must be complete (URL, headers, body): adds the
  // Authorization header, or for SigV4 signs it (rest_sigv4.h). Errors as AuthorizationHeader.
  Status Authorize(HttpRequest& request);

  // Called after the catalog answered 401: forgets a cached OAuth2 token. True when asking
  // again with a fresh token may succeed (OAuth2 only).
  bool ForgetToken();

 private:
  RestAuth(RestAuthOptions options, HttpTransport& http, Clock& clock)
      : options_(std::move(options)), http_(&http), clock_(&clock) {}

  bool TokenIsFresh() const;
  Status FetchToken();

  RestAuthOptions options_;
  HttpTransport* http_;
  Clock* clock_;
  std::string token_;                     // OAuth2: "" when none is cached
  std::optional<int64_t> refresh_at_us_;  // monotonic; nullopt: never expires
};

}  // namespace pg2iceberg::iceberg
