#include "iceberg/rest_client.h"

#include "base/bytes.h"

namespace pg2iceberg::iceberg {
namespace {

HttpRequest BuildRequest(std::string_view method, const std::string& url, const Json* body,
                         std::string authorization, int64_t timeout_ms) {
  HttpRequest request;
  request.method = std::string(method);
  request.url = url;
  request.timeout_ms = timeout_ms;
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", "pg2iceberg");
  if (!authorization.empty())
    request.headers.emplace_back("Authorization", std::move(authorization));
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    const std::string text = DumpJson(*body);
    request.body.assign(AsBytes(text).begin(), AsBytes(text).end());
  }
  return request;
}

}  // namespace

Result<HttpResponse> RestClient::Exchange(std::string_view method, const std::string& url,
                                          const Json* body, RestCallKind kind,
                                          std::string_view what) {
  // An auth failure happens before anything is sent: its status stands as it is.
  ASSIGN_OR_RETURN(std::string authorization, auth_.AuthorizationHeader());
  Result<HttpResponse> response =
      http_->Send(BuildRequest(method, url, body, std::move(authorization), request_timeout_ms_));
  if (!response.ok()) return StatusFromTransportFailure(response.status(), what, kind);
  return response;
}

Result<Json> RestClient::Call(std::string_view method, const std::string& url, const Json* body,
                              RestCallKind kind, std::string_view what) {
  Result<HttpResponse> response = Exchange(method, url, body, kind, what);
  // 401: the request was refused before anything happened, so asking again is safe.
  if (response.ok() && response->status == 401 && auth_.ForgetToken()) {
    response = Exchange(method, url, body, kind, what);
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
