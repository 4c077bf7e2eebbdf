#include "env/curl_http_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

namespace pg2iceberg {
namespace {

// Binds a TCP socket to 127.0.0.1 on an ephemeral port; returns the fd and sets *port.
int BindLoopback(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  *port = ntohs(address.sin_port);
  return fd;
}

size_t ContentLength(const std::string& head) {
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const size_t at = lower.find("\r\ncontent-length:");
  return at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
}

// Serves one connection on 127.0.0.1: reads one request (headers and Content-Length body),
// records it, answers with a canned response (or, when `respond` is false, waits for the client
// to hang up), and closes.
class CannedServer {
 public:
  explicit CannedServer(std::string response, bool respond = true)
      : response_(std::move(response)), respond_(respond) {
    listen_fd_ = BindLoopback(&port_);
    EXPECT_GE(listen_fd_, 0);
    EXPECT_EQ(listen(listen_fd_, 4), 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedServer() {
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
  }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  // The raw request; call after the client's Send returned.
  std::string request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  void Serve() {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (poll(&waiting, 1, 5000) != 1) return;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    ReadRequest(fd);
    if (respond_) {
      send(fd, response_.data(), response_.size(), MSG_NOSIGNAL);
    } else {
      char byte;
      pollfd client{fd, POLLIN, 0};
      if (poll(&client, 1, 5000) == 1) recv(fd, &byte, 1, 0);  // until the client gives up
    }
    close(fd);
  }
  void ReadRequest(int fd) {
    char buffer[4096];
    size_t head_end = std::string::npos;
    while (true) {
      head_end = request_.find("\r\n\r\n");
      if (head_end != std::string::npos &&
          request_.size() >= head_end + 4 + ContentLength(request_.substr(0, head_end + 2))) {
        return;
      }
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      request_.append(buffer, static_cast<size_t>(n));
    }
  }

  std::string response_;
  bool respond_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

HttpRequest Request(std::string method, std::string url, int64_t timeout_ms = 30000,
                    Bytes body = {}) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.timeout_ms = timeout_ms;
  request.body = std::move(body);
  return request;
}

std::string Text(const Bytes& bytes) { return std::string(AsStringView(bytes)); }

TEST(CurlHttpTransportTest, SendsMethodHeadersAndBodyAndReadsTheResponse) {
  CannedServer server(
      "HTTP/1.1 201 Created\r\nX-Custom-Header:  Some Value \r\nContent-Length: 5\r\n"
      "Connection: close\r\n\r\nhello");
  CurlHttpTransport transport;
  HttpRequest request;
  request.method = "PUT";
  request.url = server.url("/bucket/key?x=1");
  request.headers = {{"X-Amz-Date", "20261123T200000Z"}, {"Content-Type", "application/json"}};
  request.body = Bytes(AsBytes("{\"a\":1}").begin(), AsBytes("{\"a\":1}").end());
  auto response = transport.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->Header("x-custom-header"), "Some Value");
  EXPECT_EQ(response->Header("content-length"), "5");
  EXPECT_EQ(response->Header("missing"), "");
  EXPECT_EQ(Text(response->body), "hello");

  const std::string raw = server.request();
  EXPECT_EQ(raw.rfind("PUT /bucket/key?x=1 HTTP/1.1\r\n", 0), 0u) << raw;
  EXPECT_NE(raw.find("\r\nX-Amz-Date: 20261123T200000Z\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\r\nContent-Length: 7\r\n"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("Expect:"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.size() - 7), "{\"a\":1}");
}

TEST(CurlHttpTransportTest, PostWithoutContentTypeGetsNoDefaultOne) {
  CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  CurlHttpTransport transport;
  const HttpRequest request = Request("POST", server.url("/p"));
  auto response = transport.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  const std::string raw = server.request();
  EXPECT_EQ(raw.rfind("POST /p HTTP/1.1\r\n", 0), 0u) << raw;
  EXPECT_EQ(raw.find("Content-Type"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Content-Length: 0"), std::string::npos) << raw;
}

TEST(CurlHttpTransportTest, ErrorStatusIsASuccessfulSend) {
  CannedServer server(
      "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNoSuchKey");
  CurlHttpTransport transport;
  auto response = transport.Send(Request("GET", server.url("/k")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(Text(response->body), "NoSuchKey");
  EXPECT_EQ(server.request().rfind("GET /k HTTP/1.1\r\n", 0), 0u);
}

TEST(CurlHttpTransportTest, InterimResponseHeadersAreDropped) {
  CannedServer server(
      "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
      "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  CurlHttpTransport transport;
  auto response = transport.Send(Request("PUT", server.url(), 30000, Bytes(3)));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("x-interim"), "");
  EXPECT_EQ(response->Header("x-final"), "yes");
}

TEST(CurlHttpTransportTest, HeadReadsHeadersWithoutABody) {
  CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n");
  CurlHttpTransport transport;
  auto response = transport.Send(Request("HEAD", server.url("/obj")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->Header("content-length"), "1234");
  EXPECT_TRUE(response->body.empty());
  EXPECT_EQ(server.request().rfind("HEAD /obj HTTP/1.1\r\n", 0), 0u);
}

TEST(CurlHttpTransportTest, DeleteSendsTheMethod) {
  CannedServer server("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  CurlHttpTransport transport;
  auto response = transport.Send(Request("DELETE", server.url("/obj")));
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(server.request().rfind("DELETE /obj HTTP/1.1\r\n", 0), 0u);
}

TEST(CurlHttpTransportTest, UnreachablePortIsUnavailable) {
  int port = 0;
  const int fd = BindLoopback(&port);  // bound but not listening: connections are refused
  ASSERT_GE(fd, 0);
  CurlHttpTransport transport;
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x?X-Amz-Signature=secret";
  auto response = transport.Send(Request("GET", url));
  close(fd);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(response.status().message().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(response.status().message().find("secret"), std::string::npos);
}

TEST(CurlHttpTransportTest, SilentServerTimesOutAsUnavailable) {
  CannedServer server("", /*respond=*/false);
  CurlHttpTransport transport;
  auto response = transport.Send(Request("GET", server.url(), 300));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status().ToString();
}

TEST(CurlHttpTransportTest, OversizedBodyIsInternal) {
  CannedServer server(
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789");
  CurlHttpTransport transport(CurlHttpTransportOptions{.max_response_bytes = 4});
  auto response = transport.Send(Request("GET", server.url()));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kInternal) << response.status().ToString();
}

TEST(CurlHttpTransportTest, NonHttpUrlIsInvalidArgument) {
  CurlHttpTransport transport;
  auto response = transport.Send(Request("GET", "file:///etc/passwd"));
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument);
}

TEST(CurlHttpTransportTest, HandlesAreReusedAcrossRequests) {
  CurlHttpTransport transport;
  for (int i = 0; i < 3; ++i) {
    CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n" +
                        std::to_string(i));
    auto response = transport.Send(Request("GET", server.url()));
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    EXPECT_EQ(Text(response->body), std::to_string(i));
  }
}

// Two listening sockets served by one thread that answers neither until it has read a request
// on both: a client sending one request after the other never gets its first answer.
class PairedServer {
 public:
  PairedServer() {
    for (int i = 0; i < 2; ++i) {
      fds_[i] = BindLoopback(&ports_[i]);
      EXPECT_GE(fds_[i], 0);
      EXPECT_EQ(listen(fds_[i], 4), 0);
    }
    thread_ = std::thread([this] { Serve(); });
  }
  ~PairedServer() {
    if (thread_.joinable()) thread_.join();
    for (int fd : fds_) close(fd);
  }
  std::string url(int i) const { return "http://127.0.0.1:" + std::to_string(ports_[i]) + "/"; }

 private:
  void Serve() {
    int clients[2] = {-1, -1};
    for (int accepted = 0; accepted < 2;) {
      pollfd waiting[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
      if (poll(waiting, 2, 5000) <= 0) break;
      for (int i = 0; i < 2; ++i) {
        if ((waiting[i].revents & POLLIN) != 0 && clients[i] < 0) {
          clients[i] = accept(fds_[i], nullptr, nullptr);
          ++accepted;
        }
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (clients[i] < 0) continue;
      char buffer[4096];
      std::string request;
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = recv(clients[i], buffer, sizeof buffer, 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (clients[i] < 0) continue;
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n" + std::to_string(i);
      send(clients[i], response.data(), response.size(), MSG_NOSIGNAL);
      close(clients[i]);
    }
  }

  int fds_[2] = {-1, -1};
  int ports_[2] = {0, 0};
  std::thread thread_;
};

TEST(CurlHttpTransportTest, SendAllRunsRequestsConcurrently) {
  PairedServer server;
  CurlHttpTransport transport;
  const std::vector<HttpRequest> requests = {Request("GET", server.url(0), 4000),
                                             Request("GET", server.url(1), 4000)};
  std::vector<Result<HttpResponse>> results = transport.SendAll(requests, 2);
  ASSERT_EQ(results.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    EXPECT_EQ(Text(results[i]->body), std::to_string(i));  // each result in its request's place
  }
}

TEST(CurlHttpTransportTest, SendAllKeepsGoingPastAFailedRequest) {
  int port = 0;
  const int refused = BindLoopback(&port);  // bound, not listening
  ASSERT_GE(refused, 0);
  CannedServer first("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\na");
  CannedServer last("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  CurlHttpTransport transport;
  const std::vector<HttpRequest> requests = {
      Request("GET", first.url()), Request("GET", "http://127.0.0.1:" + std::to_string(port) + "/"),
      Request("GET", "ftp://127.0.0.1/"),
      Request("PUT", last.url(), 30000, Bytes(3, std::byte{'b'}))};
  std::vector<Result<HttpResponse>> results = transport.SendAll(requests, 1);
  close(refused);
  ASSERT_EQ(results.size(), 4u);
  ASSERT_TRUE(results[0].ok()) << results[0].status().ToString();
  EXPECT_EQ(Text(results[0]->body), "a");
  EXPECT_EQ(results[1].status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(results[2].status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(results[3].ok()) << results[3].status().ToString();
  EXPECT_EQ(results[3]->status, 204);
  EXPECT_EQ(last.request().rfind("PUT / HTTP/1.1\r\n", 0), 0u);
}

}  // namespace
}  // namespace pg2iceberg
