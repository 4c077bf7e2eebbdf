// Test doubles for the REST catalog tests: an HttpTransport that answers from a script and
// records every request, and a Clock moved by hand. Strict: a request beyond the script fails
// the test.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "env/clock.h"
#include "env/http_transport.h"

namespace pg2iceberg::iceberg {

class ScriptedHttpTransport final : public HttpTransport {
 public:
  // The next request is answered with `status` and `body`.
  void Answer(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body.assign(AsBytes(body).begin(), AsBytes(body).end());
    script_.emplace_back(std::move(response));
  }
  // The next request gets no answer: Send returns `failure`.
  void Fail(Status failure) { script_.emplace_back(std::move(failure)); }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    if (script_.empty()) {
      ADD_FAILURE() << "unscripted request " << request.method << " " << request.url;
      return Status::Internal("unscripted request");
    }
    Result<HttpResponse> next = std::move(script_.front());
    script_.pop_front();
    return next;
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
  std::deque<Result<HttpResponse>> script_;
};

class ManualClock final : public Clock {
 public:
  int64_t NowMicros() override { return now_us; }
  int64_t MonotonicMicros() override { return now_us; }
  void SleepMicros(int64_t micros) override { now_us += micros; }
  int64_t now_us = 1'700'000'000'000'000;
};

}  // namespace pg2iceberg::iceberg
