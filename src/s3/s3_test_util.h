// Test doubles for S3 client tests: a scripted HttpTransport and a manual Clock.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "env/http_transport.h"
#include "env/manual_clock.h"
#include "env/random.h"
#include "s3/s3_client.h"

namespace pg2iceberg::testing {

// The S3 tests' clock starts on the day of AWS's Signature Version 4 examples.
inline constexpr int64_t kS3TestStartUnixMicros = int64_t{1369353600} * 1000000;  // 2013-05-24

// Records every request and answers with `handler`.
class FakeHttpTransport final : public HttpTransport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit FakeHttpTransport(Handler handler) : handler_(std::move(handler)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    return handler_(request);
  }
  // Sends one after another like the default, recording how many came together.
  std::vector<Result<HttpResponse>> SendAll(const std::vector<HttpRequest>& batch,
                                            int max_in_flight) override {
    batches.push_back(batch.size());
    max_in_flight_seen = max_in_flight;
    return HttpTransport::SendAll(batch, max_in_flight);
  }

  std::vector<HttpRequest> requests;
  std::vector<size_t> batches;  // sizes of the SendAll calls, in order
  int max_in_flight_seen = 0;

 private:
  Handler handler_;
};

inline HttpResponse MakeResponse(int status, std::string_view body = "",
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.body.assign(reinterpret_cast<const std::byte*>(body.data()),
                       reinterpret_cast<const std::byte*>(body.data()) + body.size());
  return response;
}

inline std::string ErrorXml(std::string_view code, std::string_view message = "details") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) +
         "</Message><RequestId>REQ1</RequestId></Error>";
}

// "METHOD /path?query" of a request, for routing and assertions.
inline std::string RouteOf(const HttpRequest& request) {
  const size_t scheme_end = request.url.find("://");
  const size_t path = request.url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  return request.method + " " + (path == std::string::npos ? "/" : request.url.substr(path));
}

inline std::string HeaderOf(const HttpRequest& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header == name) return value;
  }
  return "";
}

// A fixture that builds S3Clients on a FakeHttpTransport, a ManualClock and a seeded Random.
class S3ClientFixture : public ::testing::Test {
 protected:
  explicit S3ClientFixture(uint64_t seed) : random_(seed) {}

  std::unique_ptr<S3Client> MakeClientWith(FakeHttpTransport::Handler handler, S3Options options) {
    http_ = std::make_unique<FakeHttpTransport>(std::move(handler));
    auto client = S3Client::Create(std::move(options), *http_, clock_, random_);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  ManualClock clock_{kS3TestStartUnixMicros};
  SeededRandom random_;
  std::unique_ptr<FakeHttpTransport> http_;
};

}  // namespace pg2iceberg::testing
