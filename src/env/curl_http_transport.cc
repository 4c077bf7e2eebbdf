#include "env/curl_http_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>

namespace pg2iceberg {
namespace {

CURLcode GlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// What the callbacks fill in during one transfer.
struct Exchange {
  uint64_t max_body_bytes = 0;
  bool body_too_large = false;
  HttpResponse response;
};

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  if (exchange->response.body.size() + bytes > exchange->max_body_bytes) {
    exchange->body_too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  const auto* begin = reinterpret_cast<const std::byte*>(data);
  exchange->response.body.insert(exchange->response.body.end(), begin, begin + bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t bytes = size * count;
  const std::string_view line = TrimSpaces(std::string_view(data, bytes));
  if (line.starts_with("HTTP/")) {
    exchange->response.headers.clear();  // a new (final or interim) response begins
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;  // the blank end-of-headers line
  exchange->response.headers.emplace_back(Lowercase(TrimSpaces(line.substr(0, colon))),
                                          std::string(TrimSpaces(line.substr(colon + 1))));
  return bytes;
}

// The request's headers, plus blanks that stop curl adding its own Expect and Content-Type.
Slist BuildHeaders(const HttpRequest& request) {
  curl_slist* list = nullptr;
  const auto append = [&list](const std::string& line) {
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (grown != nullptr) list = grown;
  };
  for (const auto& [name, value] : request.headers) {
    // "Name;" is curl's spelling for a header with an empty value ("Name:" would remove it).
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  if (request.FindHeader("expect") == nullptr) append("Expect:");
  if (request.FindHeader("content-type") == nullptr) append("Content-Type:");
  return Slist(list);
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request) {
  const std::string& method = request.method;
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  const bool sends_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (sends_body) {
    static const char kEmpty[] = "";
    const void* data =
        request.body.empty() ? static_cast<const void*>(kEmpty) : request.body.data();
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data);
  } else if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
}

// Certificate problems do not go away by retrying: an untrusted or mismatched server
// certificate, an unreadable CA bundle or client certificate.
bool IsPermanentTlsFailure(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR ||
         code == CURLE_SSL_CRL_BADFILE || code == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

// The URL for messages: without the query string, which may hold a presigned signature.
std::string UrlForMessages(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

}  // namespace

CurlHttpTransport::CurlHttpTransport(const CurlHttpTransportOptions& options) : options_(options) {
  GlobalInit();
}

CurlHttpTransport::~CurlHttpTransport() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlHttpTransport::AcquireHandle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      curl_easy_reset(static_cast<CURL*>(handle));  // clears options, keeps connections
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlHttpTransport::ReleaseHandle(void* handle) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_handles_.size() < options_.idle_handles_max) {
      idle_handles_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

// One request on one easy handle: what curl needs alive while the transfer runs.
struct CurlHttpTransport::Transfer {
  const HttpRequest* request = nullptr;
  std::string where;  // "PUT http://host/path" for messages
  CURL* curl = nullptr;
  Exchange exchange;
  char error[CURL_ERROR_SIZE] = "";
  Slist headers;
};

Result<std::unique_ptr<CurlHttpTransport::Transfer>> CurlHttpTransport::Begin(
    const HttpRequest& request) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = &request;
  transfer->where = request.method + " " + UrlForMessages(request.url);
  if (!request.url.starts_with("http://") && !request.url.starts_with("https://")) {
    return Status::InvalidArgument("HTTP " + transfer->where +
                                   ": only http:// and https:// URLs are supported");
  }
  if (const CURLcode init = GlobalInit(); init != CURLE_OK) {
    return Status::Unavailable("curl_global_init failed: " + std::string(curl_easy_strerror(init)));
  }
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr)
    return Status::Unavailable("HTTP " + transfer->where + ": curl_easy_init failed");
  transfer->curl = curl;
  transfer->exchange.max_body_bytes = options_.max_response_bytes;
  transfer->headers = BuildHeaders(request);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transfer->headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer->exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer->exchange);
  if (!request.tls.ca_file.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, request.tls.ca_file.c_str());
  }
  if (!request.tls.client_cert.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERT, request.tls.client_cert.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, request.tls.client_key.c_str());
  }
  if (request.timeout_ms > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  SetMethodAndBody(curl, request);
  return transfer;
}

Result<HttpResponse> CurlHttpTransport::End(Transfer& transfer, int curl_code) {
  const CURLcode code = static_cast<CURLcode>(curl_code);
  CURL* curl = transfer.curl;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // Detach the per-request state before the handle can be reused.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  ReleaseHandle(curl);
  transfer.curl = nullptr;
  if (transfer.exchange.body_too_large) {
    return Status::Internal("HTTP " + transfer.where + ": response body larger than " +
                            std::to_string(options_.max_response_bytes) + " bytes");
  }
  if (code != CURLE_OK) {
    const std::string text = transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code);
    if (IsPermanentTlsFailure(code)) {
      return Status::InvalidArgument(
          "HTTP " + transfer.where + ": " + text +
          " (the server's certificate is not trusted, or the CA file is unusable)");
    }
    return Status::Unavailable("HTTP " + transfer.where + ": " + text);
  }
  transfer.exchange.response.status = static_cast<int>(status);
  return std::move(transfer.exchange.response);
}

Result<HttpResponse> CurlHttpTransport::Send(const HttpRequest& request) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transfer> transfer, Begin(request));
  const CURLcode code = curl_easy_perform(transfer->curl);
  return End(*transfer, code);
}

std::vector<Result<HttpResponse>> CurlHttpTransport::SendAll(
    const std::vector<HttpRequest>& requests, int max_in_flight) {
  std::vector<Result<HttpResponse>> results(requests.size(), Status::Internal("not sent"));
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return HttpTransport::SendAll(requests, max_in_flight);
  std::vector<std::unique_ptr<Transfer>> transfers(requests.size());
  std::map<CURL*, size_t> running;  // easy handle → request index
  size_t next = 0;
  const size_t limit = static_cast<size_t>(std::max(1, max_in_flight));
  while (next < requests.size() || !running.empty()) {
    while (next < requests.size() && running.size() < limit) {
      const size_t index = next++;
      Result<std::unique_ptr<Transfer>> begun = Begin(requests[index]);
      if (!begun.ok()) {
        results[index] = begun.status();
        continue;
      }
      transfers[index] = std::move(*begun);
      CURL* curl = transfers[index]->curl;
      if (curl_multi_add_handle(multi, curl) != CURLM_OK) {
        results[index] = End(*transfers[index], CURLE_FAILED_INIT);
        continue;
      }
      running[curl] = index;
    }
    int still_running = 0;
    CURLMcode step = curl_multi_perform(multi, &still_running);
    if (step == CURLM_OK && still_running > 0)
      step = curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* curl = message->easy_handle;
      const CURLcode code = message->data.result;
      const size_t index = running.at(curl);  // at-ok: curl reports only handles added above
      running.erase(curl);
      curl_multi_remove_handle(multi, curl);
      results[index] = End(*transfers[index], code);
      transfers[index].reset();
    }
    if (step != CURLM_OK) {
      // The multi handle itself failed: finish what runs as failed, send the rest one by one.
      for (const auto& [curl, index] : running) {
        curl_multi_remove_handle(multi, curl);
        results[index] = Status::Unavailable("HTTP " + transfers[index]->where + ": " +
                                             curl_multi_strerror(step));
        End(*transfers[index], CURLE_OK).status().IgnoreError();
      }
      running.clear();
      for (; next < requests.size(); ++next) results[next] = Send(requests[next]);
    }
  }
  curl_multi_cleanup(multi);
  return results;
}

}  // namespace pg2iceberg
