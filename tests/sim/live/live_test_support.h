// Helpers for the live transport tests: bounded waits on futures and a blocking POSIX socket for
// speaking raw (possibly malformed) HTTP to a server, or for playing a misbehaving server.
// Test-only; must not include Asio or Beast, so the tests exercise only the public headers.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/http.h"

namespace rh::sim::live::testing {

// Every wait in these tests is bounded by this; hitting it is a failure, never a slow pass.
inline constexpr auto kWaitLimit = std::chrono::seconds(10);

// The value of `future`, or an abort naming `what` when it does not come within kWaitLimit.
// Aborting (rather than failing the test and returning) because the task is still running and
// references the test's locals.
template <class T>
T Await(std::future<T> future, const char* what = "a live task") {
  if (future.wait_for(kWaitLimit) != std::future_status::ready) {
    std::fprintf(stderr, "timed out waiting for %s\n", what);
    std::abort();
  }
  return future.get();
}

inline Request Get(std::uint16_t port, std::string target = "/") {
  Request request;
  request.method = Method::kGet;
  request.target = std::move(target);
  request.headers.Set("Host", "127.0.0.1:" + std::to_string(port));
  return request;
}

inline Request Post(std::uint16_t port, std::string target, std::string body) {
  Request request = Get(port, std::move(target));
  request.method = Method::kPost;
  request.body = std::move(body);
  return request;
}

// A blocking TCP socket with a receive timeout, for raw HTTP.
class RawSocket {
 public:
  RawSocket() = default;
  explicit RawSocket(int fd) : fd_(fd) { SetTimeout(); }
  RawSocket(RawSocket&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  RawSocket& operator=(RawSocket&& o) noexcept {
    if (this != &o) {
      Close();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~RawSocket() { Close(); }

  static RawSocket Connect(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return RawSocket();
    }
    return RawSocket(fd);
  }

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes, an error, or the receive timeout.
  std::string ReadAll() {
    std::string out;
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Reads one response framed by Content-Length (enough for these tests); empty on failure.
  std::string ReadResponse() {
    std::string out;
    char chunk[4096];
    for (;;) {
      const auto head_end = out.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t length = 0;
        const auto at = FindIgnoreCase(out.substr(0, head_end), "content-length:");
        if (at != std::string::npos) length = std::strtoul(out.c_str() + at + 15, nullptr, 10);
        if (out.size() >= head_end + 4 + length) return out.substr(0, head_end + 4 + length);
      }
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return {};
      out.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // True when the peer has closed (EOF or reset) within the receive timeout.
  bool PeerClosed() {
    char byte;
    const ssize_t n = ::recv(fd_, &byte, 1, 0);
    if (n == 0) return true;
    return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  static std::size_t FindIgnoreCase(const std::string& hay, std::string_view needle) {
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
      if (EqualsIgnoreCase(std::string_view(hay).substr(i, needle.size()), needle)) return i;
    }
    return std::string::npos;
  }

  void SetTimeout() {
    timeval tv{};
    tv.tv_sec = 5;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  int fd_ = -1;
};

// A listening socket on an ephemeral loopback port that the test drives by hand, to play servers
// that misbehave (never answer, close mid-response).
class RawListener {
 public:
  // `accept_timeout` bounds each Accept().
  explicit RawListener(std::chrono::milliseconds accept_timeout = std::chrono::seconds(5)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(accept_timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>(accept_timeout.count() % 1000 * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);  // bounds accept()
  }
  ~RawListener() { ::close(fd_); }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;

  std::uint16_t port() const { return port_; }

  // An accepted connection, or an invalid socket after the accept timeout.
  RawSocket Accept() {
    const int fd = ::accept(fd_, nullptr, nullptr);
    return fd >= 0 ? RawSocket(fd) : RawSocket();
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// Reads one request head (up to the blank line) from `socket`; empty on failure. Bodies are not
// read: the misbehaving servers here are only sent bodiless requests.
inline std::string ReadRequestHead(RawSocket& socket) {
  std::string out;
  char byte;
  while (out.find("\r\n\r\n") == std::string::npos) {
    const ssize_t n = ::recv(socket.fd(), &byte, 1, 0);
    if (n <= 0) return {};
    out.push_back(byte);
  }
  return out;
}

}  // namespace rh::sim::live::testing
