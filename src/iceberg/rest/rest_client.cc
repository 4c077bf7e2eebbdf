#include "iceberg/rest/rest_client.h"

#include "base/bytes.h"

namespace pg2iceberg::iceberg {
namespace {

HttpRequest BuildRequest(std::string_view method, const std::string& url, const Json* body,
                         const RestHeaders& extra_headers, int64_t timeout_ms) {
  HttpRequest request;
  request.method = std::string(method);
  request.url = url;
  request.timeout_ms = timeout_ms;
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", "pg2iceberg");
  request.headers.insert(request.headers.end(), extra_headers.begin(), extra_headers.end());
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    const std::string text = DumpJson(*body);
    request.body.assign(AsBytes(text).begin(), AsBytes(text).end());
  }
  return request;
}

}  // namespace

Result<HttpResponse> RestClient::Exchange(std::string_view method, const std::string& url,
                                          const Json* body, const RestHeaders& extra_headers,
                                          RestCallKind kind, std::string_view what) {
  HttpRequest request = BuildRequest(method, url, body, extra_headers, request_timeout_ms_);
  request.tls = tls_;
  // An auth failure happens before anything is sent: its status stands as it is.
  RETURN_IF_ERROR(auth_.Authorize(request));
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok()) return StatusFromTransportFailure(response.status(), what, kind);
  return response;
}

int64_t RestClient::BackoffMicros(int attempt) {
  return FullJitterBackoffMicros(retry_->random, attempt, policy_.initial_backoff_ms,
                                 policy_.max_backoff_ms);
}

Result<Json> RestClient::Call(std::string_view method, const std::string& url, const Json* body,
                              RestCallKind kind, std::string_view what) {
  return Call(method, url, body, RestHeaders{}, kind, what);
}

Result<Json> RestClient::Call(std::string_view method, const std::string& url, const Json* body,
                              const RestHeaders& extra_headers, RestCallKind kind,
                              std::string_view what) {
  Result<Json> result = CallOnce(method, url, body, extra_headers, kind, what);
  if (!retry_.has_value() || policy_.deadline_ms <= 0) return result;
  Clock& clock = retry_->clock;
  const int64_t deadline_us = clock.MonotonicMicros() + policy_.deadline_ms * 1000;
  for (int attempt = 0; result.status().code() == StatusCode::kUnavailable; ++attempt) {
    const int64_t sleep_us = BackoffMicros(attempt);
    if (clock.MonotonicMicros() + sleep_us > deadline_us) {
      return Status::Unavailable(result.status().message() + " (gave up after " +
                                 std::to_string(attempt + 1) + " attempts; retry deadline " +
                                 std::to_string(policy_.deadline_ms) + " ms)");
    }
    retry_->log.Warn("REST catalog: retrying in " + std::to_string(sleep_us / 1000) +
                     " ms (attempt " + std::to_string(attempt + 2) +
                     "): " + result.status().message());
    clock.SleepMicros(sleep_us);
    result = CallOnce(method, url, body, extra_headers, kind, what);
  }
  return result;
}

Result<Json> RestClient::CallOnce(std::string_view method, const std::string& url, const Json* body,
                                  const RestHeaders& extra_headers, RestCallKind kind,
                                  std::string_view what) {
  Result<HttpResponse> response = Exchange(method, url, body, extra_headers, kind, what);
  // 401: the request was refused before anything happened, so asking again is safe.
  if (response.ok() && response->status == 401 && auth_.ForgetToken()) {
    response = Exchange(method, url, body, extra_headers, kind, what);
  }
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status > 299) {
    return StatusFromRestResponse(*response, what, kind);
  }
  if (response->body.empty()) return Json(nullptr);
  Result<Json> json = ParseJson(AsStringView(response->body));
  if (json.ok()) return json;
  const std::string message =
      std::string(what) + ": the catalog's answer is not JSON: " + json.status().message();
  return kind == RestCallKind::kCommit ? Status::OutcomeUnknown(message)
                                       : Status::Internal(message);
}

}  // namespace pg2iceberg::iceberg
