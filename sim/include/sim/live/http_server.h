// Hosts any Service over HTTP/1.1 on a TCP listener, for live mode: the mocks listen on loopback
// ports, and pipelines in any language talk to them. The server parses and bounds requests
// (sizes, timeouts, connection count), converts between the wire and rh::sim::Request/Response,
// and calls Service::HandleAsync on its own threads with the real clock. An ordinary Service answers
// at once on the connection's thread; an asynchronous one may finish on any thread, and its answer
// is carried back to the connection. A response is held for its `service_time` before it leaves.
// It must not expose Asio or Beast (pimpl), and it adds nothing of its own to a Service's
// responses (no Date, no Server header), so a response's bytes are the Service's alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sim/expected.h"
#include "sim/service.h"
#include "sim/time.h"

namespace rh::sim::live {

class HttpServer {
 public:
  struct Config {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: an ephemeral port, reported by Start() and port()
    int threads = 1;         // threads calling the Service; at least 1
    std::size_t body_limit = std::size_t{1} << 20;     // request body bytes; larger gets 413
    std::size_t header_limit = std::size_t{64} << 10;  // request head bytes; larger gets 431
    // A keep-alive connection with no request in progress is closed after this long.
    Duration idle_timeout = Sec(30);
    // A client that stalls mid-request (or stops reading its response) is dropped after this long
    // without progress on that request.
    Duration read_timeout = Sec(10);
    // A request's head (request line and header fields) must arrive whole within this long of
    // its first byte, however slowly it trickles in: without it, one byte every read_timeout
    // would hold a connection open for ever (slowloris). The connection is then closed.
    Duration head_timeout = Sec(20);
    // Connections beyond this are closed as soon as they are accepted.
    std::size_t max_connections = 10000;
  };

  // `service` must outlive the server. It is called from the server's `threads` threads at once:
  // a Service that is not thread-safe must be wrapped in SerializedService when threads > 1.
  // Handle may throw; the client then gets a 500, the reason goes to stderr and the server
  // carries on. Before the Service sees a request, the server refuses, as RFC 9112 says, an
  // HTTP/1.1 request without exactly one Host (400) and a transfer coding other than chunked (501). A Service still
  // working when Stop closes its connection may finish later: its answer is dropped.
  explicit HttpServer(Service& service);
  HttpServer(Service& service, Config config);
  // Stop() with the default grace.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Returns the bound port, or an error naming the
  // address and port. A server starts at most once; a second call is an error.
  Expected<std::uint16_t, std::string> Start();
  // The bound port; 0 before a successful Start.
  std::uint16_t port() const;

  // Stops accepting, closes idle keep-alive connections, lets requests already received finish
  // and send their responses (with Connection: close), and after `grace` closes whatever is
  // left. Returns once the threads are joined. Idempotent; must not be called from the Service.
  void Stop(Duration grace = Sec(5));

  // Statistics, readable from any thread at any time.
  std::uint64_t connections_accepted() const;
  std::uint64_t requests_served() const;  // responses fully written, error responses included
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The server's request path without sockets, for the fuzz target and tests: the requests in
// `bytes` answered as one connection would answer them (parse with the same limits, refuse what
// the server refuses, call the Service's Handle, write the response), stopping after a response
// that closes the connection or at a request that is not complete. Returns the response bytes.
std::string AnswerConnectionBytes(Service& service, const HttpServer::Config& config, std::string_view bytes,
                                  Moment now);

}  // namespace rh::sim::live
