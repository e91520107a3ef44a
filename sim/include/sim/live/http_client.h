// The live-mode HttpClient: HTTP/1.1 over sockets with a keep-alive connection pool per
// authority, for the pipeline and the load driver when they talk to the mocks (or to the real
// services' plain-HTTP endpoints) in live mode. Errors are TransportError values, never
// exceptions. It must not expose Asio or Beast (pimpl), and it does no TLS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "sim/http_client.h"
#include "sim/live/runtime.h"

namespace rh::sim::live {

namespace detail {
struct ClientState;
}  // namespace detail

class LiveHttpClient final : public HttpClient {
 public:
  struct Config {
    // Connections open (busy, idle or connecting) to one authority ("host:port"). Requests
    // beyond them wait, first come first served, for one to be free.
    std::size_t max_connections_per_host = 64;
    // Idle keep-alive connections kept per authority; more are closed.
    std::size_t max_idle_per_host = 64;
    // Response body bytes; a larger body fails the request with kProtocol.
    std::size_t body_limit = std::size_t{8} << 20;
    // Requests waiting for a connection, per authority. One more fails at once with
    // kConnectFailed (TransportErrorKind has no "overloaded" kind).
    std::size_t max_waiting_per_host = 100'000;
  };

  // The runtime must be running to make progress and must outlive the client.
  explicit LiveHttpClient(LiveRuntime& runtime);
  LiveHttpClient(LiveRuntime& runtime, Config config);
  // Close().
  ~LiveHttpClient() override;
  LiveHttpClient(const LiveHttpClient&) = delete;
  LiveHttpClient& operator=(const LiveHttpClient&) = delete;

  // Sends to the authority of the Host header ("127.0.0.1:8080"; no port means 80). The awaiting
  // coroutine resumes on a runtime thread. SendOptions::timeout covers waiting for a connection,
  // connecting, writing and reading the whole response (name resolution excepted: numeric hosts
  // skip it, and getaddrinfo cannot be interrupted).
  //
  // A pooled connection that turns out to be closed by the server is replaced transparently,
  // once: always when the request could not be written, and, when it was written but nothing
  // came back, only for idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, or any request
  // carrying an Idempotency-Key header), since the server may have acted on it. A connection the
  // server has closed while idle in the pool is usually noticed before use and skipped.
  Task<SendResult> Send(Request request, SendOptions options = {}) override;

  // Closes the idle connections and fails the requests waiting for a connection with kShutdown;
  // requests already on a connection finish with their result, and their connections close
  // afterwards. Later Sends fail with kShutdown. Idempotent; callable from any thread.
  void Close();

  // Connections opened since construction (for tests proving reuse).
  std::uint64_t connections_opened() const;

 private:
  std::shared_ptr<detail::ClientState> state_;
};

}  // namespace rh::sim::live
