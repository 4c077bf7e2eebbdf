#include "iceberg/rest_client.h"

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
  // An auth failure happens before anything is sent: its status stands as it is.
  RETURN_IF_ERROR(auth_.Authorize(request));
  Result<HttpResponse> response = http_->Send(request);
  if (!response.ok()) return StatusFromTransportFailure(response.status(), what, kind);
  return response;
}

Result<Json> RestClient::Call(std::string_view method, const std::string& url, const Json* body,
                              RestCallKind kind, std::string_view what) {
  return Call(method, url, body, RestHeaders{}, kind, what);
}

Result<Json> RestClient::Call(std::string_view method, const std::string& url, const Json* body,
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
