// S3Client's core: building, signing, sending and retrying one request. The operations are
// in s3_client_objects.cc and s3_multipart.cc.
#include "s3/s3_client.h"

#include <algorithm>

#include "s3/crypto.h"
#include "s3/s3_errors.h"

namespace pg2iceberg {
namespace {

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// "a=1&b&c=x%2Fy": the query as sent; parameters without a value appear bare ("?uploads").
std::string UrlQuery(const s3::HeaderList& query) {
  s3::HeaderList sorted = query;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const auto& [name, value] : sorted) {
    out += out.empty() ? "?" : "&";
    out += s3::UriEncode(name, false);
    if (!value.empty()) out += "=" + s3::UriEncode(value, false);
  }
  return out;
}

std::string GaveUp(const Status& last, int attempts, int64_t elapsed_micros) {
  return last.message() + " (gave up after " + std::to_string(attempts) + " attempt" +
         (attempts == 1 ? "" : "s") + " in " + std::to_string(elapsed_micros / 1000) + " ms)";
}

}  // namespace

Result<std::unique_ptr<S3Client>> S3Client::Create(S3Options options, HttpTransport& http,
                                                   Clock& clock, Random& random) {
  RETURN_IF_ERROR(ValidateS3Options(options));
  ASSIGN_OR_RETURN(s3::S3Endpoint endpoint, s3::ParseS3Endpoint(options.endpoint));
  return std::unique_ptr<S3Client>(
      new S3Client(std::move(options), std::move(endpoint), http, clock, random));
}

S3Client::S3Client(S3Options options, s3::S3Endpoint endpoint, HttpTransport& http, Clock& clock,
                   Random& random)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      credentials_{options_.access_key_id, options_.secret_access_key, options_.session_token},
      http_(http),
      clock_(clock),
      random_(random) {}

S3Client::Call S3Client::MakeCall(std::string method, std::string_view bucket, std::string_view key,
                                  std::string_view operation) const {
  Call call;
  call.method = std::move(method);
  call.bucket = std::string(bucket);
  call.key = std::string(key);
  call.what = "S3 " + std::string(operation) + " s3://" + call.bucket;
  if (!key.empty()) call.what += "/" + call.key;
  return call;
}

void S3Client::Sign(const Call& call, const std::string& payload_sha256, HttpRequest& request) {
  const s3::S3Target target = s3::TargetFor(endpoint_, options_.path_style, call.bucket, call.key);
  s3::SigV4Request signing;
  signing.method = call.method;
  signing.canonical_uri = target.path;
  signing.query = call.query;
  signing.headers = call.headers;
  // Sent explicitly (curl keeps a Host header it is given) so the signed value is the sent one.
  signing.headers.emplace_back("host", target.host);
  signing.payload_sha256_hex = payload_sha256;
  s3::SignV4(credentials_, options_.region, "s3", clock_.NowMicros(), signing);
  request.url = endpoint_.scheme + "://" + target.host + target.path + UrlQuery(call.query);
  request.headers = std::move(signing.headers);
  request.tls = options_.tls;
}

int64_t S3Client::BackoffMicros(int retry) {
  std::lock_guard<std::mutex> lock(random_mu_);
  return FullJitterBackoffMicros(random_, retry - 1, options_.retry.initial_backoff_ms,
                                 options_.retry.max_backoff_ms);
}

Result<HttpResponse> S3Client::AttemptOnce(const Call& call, HttpRequest& request,
                                           const std::string& payload_sha256,
                                           int64_t deadline_micros) {
  const int64_t remaining_ms = (deadline_micros - clock_.MonotonicMicros()) / 1000;
  request.timeout_ms = std::clamp<int64_t>(remaining_ms, 1, options_.request_timeout_ms);
  Sign(call, payload_sha256, request);
  return Interpret(call, http_.Send(request));
}

Result<HttpResponse> S3Client::Interpret(const Call& call, Result<HttpResponse> response) const {
  if (!response.ok()) return response.status().WithContext(call.what);
  if (IsSuccess(response->status)) {
    if (call.check) RETURN_IF_ERROR(call.check(*response));
    return response;
  }
  if (call.pass_status != 0 && response->status == call.pass_status) return response;
  return s3::S3ResponseStatus(*response, call.bucket, call.what);
}

Result<HttpResponse> S3Client::Execute(const Call& call, int* attempts) {
  HttpRequest request;
  request.method = call.method;
  request.body.assign(call.body.begin(), call.body.end());
  const std::string payload_sha256 = s3::Sha256Hex(call.body);
  const int64_t start = clock_.MonotonicMicros();
  const int64_t deadline = start + options_.retry.deadline_ms * 1000;
  Status last;
  int attempt = 0;
  while (true) {
    ++attempt;
    if (attempts != nullptr) *attempts = attempt;
    Result<HttpResponse> response = AttemptOnce(call, request, payload_sha256, deadline);
    if (response.ok() || response.status().code() != StatusCode::kUnavailable) return response;
    last = response.status();
    if (attempt >= options_.retry.max_attempts) break;
    const int64_t sleep = BackoffMicros(attempt);
    if (clock_.MonotonicMicros() + sleep >= deadline) break;
    if (options_.retry.log != nullptr) {
      options_.retry.log->Warn(last.message() + "; attempt " + std::to_string(attempt + 1) +
                               " in " + std::to_string(sleep / 1000) + " ms");
    }
    clock_.SleepMicros(sleep);
  }
  return Status::Unavailable(GaveUp(last, attempt, clock_.MonotonicMicros() - start));
}

}  // namespace pg2iceberg
