// Test doubles for the REST catalog tests: an HttpTransport that answers from a script (fixed
// answers, failures, or answers computed from the request) and
// records every request, and a Clock moved by hand. Strict: a request beyond the script fails
// the test.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "env/http_transport.h"
#include "env/manual_clock.h"

namespace pg2iceberg::iceberg {

class ScriptedHttpTransport final : public HttpTransport {
 public:
  // The next request is answered with `status` and `body`.
  void Answer(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body.assign(AsBytes(body).begin(), AsBytes(body).end());
    script_.emplace_back(Result<HttpResponse>(std::move(response)));
  }
  // The next request gets no answer: Send returns `failure`.
  void Fail(Status failure) { script_.emplace_back(Result<HttpResponse>(std::move(failure))); }
  // The next request is answered by `respond`, called with it (for answers that depend on what
  // was sent, e.g. a snapshot id the code under test drew).
  using Responder = std::function<Result<HttpResponse>(const HttpRequest&)>;
  void Respond(Responder respond) { script_.emplace_back(std::move(respond)); }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    if (script_.empty()) {
      ADD_FAILURE() << "unscripted request " << request.method << " " << request.url;
      return Status::Internal("unscripted request");
    }
    Step next = std::move(script_.front());
    script_.pop_front();
    if (auto* respond = std::get_if<Responder>(&next)) return (*respond)(request);
    return std::get<Result<HttpResponse>>(std::move(next));
  }

  bool Exhausted() const { return script_.empty(); }
  std::string Body(size_t i) const { return std::string(AsStringView(requests.at(i).body)); }
  std::string Line(size_t i) const { return requests.at(i).method + " " + requests.at(i).url; }
  // The value of header `name` (as sent) of request i, or "(none)".
  std::string Header(size_t i, std::string_view name) const {
    for (const auto& [key, value] : requests.at(i).headers) {
      if (key == name) return value;
    }
    return "(none)";
  }

  std::vector<HttpRequest> requests;

 private:
  using Step = std::variant<Result<HttpResponse>, Responder>;
  std::deque<Step> script_;
};

}  // namespace pg2iceberg::iceberg
