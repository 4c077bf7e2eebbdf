#include "iceberg/rest/rest_auth.h"

#include <algorithm>

#include "iceberg/json_util.h"
#include "iceberg/rest/rest_errors.h"
#include "iceberg/rest/rest_paths.h"
#include "iceberg/rest/rest_responses.h"

namespace pg2iceberg::iceberg {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
// Longer expires_in values are taken as this (keeps the arithmetic far from overflow).
constexpr int64_t kTokenLifetimeMaxS = int64_t{366} * 24 * 3600;

Status CheckOptions(const RestAuthOptions& options) {
  if (options.type == RestAuthType::kBearer && options.token.empty()) {
    return Status::InvalidArgument("REST catalog bearer auth needs a token (sink.catalog_token)");
  }
  if (options.type == RestAuthType::kOAuth2 &&
      (options.client_id.empty() || options.client_secret.empty())) {
    return Status::InvalidArgument(
        "REST catalog oauth2 auth needs sink.catalog_client_id and sink.catalog_client_secret");
  }
  if (options.type == RestAuthType::kOAuth2 && options.token_url.empty()) {
    return Status::InvalidArgument("REST catalog oauth2 auth needs a token endpoint URL");
  }
  if (options.type == RestAuthType::kSigV4) return CheckRestSigV4Options(options.sigv4);
  return Status::Ok();
}

std::string TokenRequestBody(const RestAuthOptions& options) {
  std::string body = "grant_type=client_credentials&client_id=" + PercentEncode(options.client_id) +
                     "&client_secret=" + PercentEncode(options.client_secret);
  if (!options.scope.empty()) body += "&scope=" + PercentEncode(options.scope);
  return body;
}

}  // namespace

Result<RestAuth> RestAuth::Create(RestAuthOptions options, HttpTransport& http, Clock& clock) {
  RETURN_IF_ERROR(CheckOptions(options));
  return RestAuth(std::move(options), http, clock);
}

Result<std::string> RestAuth::AuthorizationHeader() {
  switch (options_.type) {
    case RestAuthType::kNone:
      return std::string();
    case RestAuthType::kBearer:
      return "Bearer " + options_.token;
    case RestAuthType::kOAuth2:
      if (!TokenIsFresh()) RETURN_IF_ERROR(FetchToken());
      return "Bearer " + token_;
    case RestAuthType::kSigV4:
      return Status::Internal("REST catalog sigv4 auth signs whole requests");
  }
  return Status::Internal("unknown REST auth type");
}

Status RestAuth::Authorize(HttpRequest& request) {
  if (options_.type == RestAuthType::kSigV4) {
    return SignRestRequest(options_.sigv4, clock_->NowMicros(), request);
  }
  ASSIGN_OR_RETURN(std::string authorization, AuthorizationHeader());
  if (!authorization.empty()) {
    request.headers.emplace_back("Authorization", std::move(authorization));
  }
  return Status::Ok();
}

bool RestAuth::ForgetToken() {
  if (options_.type != RestAuthType::kOAuth2) return false;
  token_.clear();
  refresh_at_us_.reset();
  return true;
}

bool RestAuth::TokenIsFresh() const {
  if (token_.empty()) return false;
  return !refresh_at_us_ || clock_->MonotonicMicros() < *refresh_at_us_;
}

Status RestAuth::FetchToken() {
  const std::string what = "REST catalog OAuth2 token request to " + options_.token_url;
  HttpRequest request;
  request.method = "POST";
  request.url = options_.token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  const std::string body = TokenRequestBody(options_);
  request.body.assign(AsBytes(body).begin(), AsBytes(body).end());
  request.timeout_ms = options_.request_timeout_ms;
  request.tls = options_.tls;
  const int64_t sent_at_us = clock_->MonotonicMicros();
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok())
    return StatusFromTransportFailure(response.status(), what, RestCallKind::kRead);
  if (response->status < 200 || response->status > 299) {
    return StatusFromRestResponse(*response, what, RestCallKind::kRead);
  }
  Result<Json> json = ParseJson(AsStringView(response->body));
  Result<OAuthTokenResponse> token =
      json.ok() ? OAuthTokenResponseFromJson(*json) : Result<OAuthTokenResponse>(json.status());
  if (!token.ok())
    return Status::Internal(what + ": malformed answer: " + token.status().message());
  token_ = std::move(token->access_token);
  refresh_at_us_.reset();
  if (token->expires_in_s) {
    const int64_t lifetime_s = std::clamp<int64_t>(*token->expires_in_s, 0, kTokenLifetimeMaxS);
    refresh_at_us_ = sent_at_us + lifetime_s * kMicrosPerSecond - options_.refresh_margin_ms * 1000;
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::iceberg
