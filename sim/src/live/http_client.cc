// LiveHttpClient on Beast. One Exchange per Send runs connect, write and read as a chain of
// completion handlers (one operation at a time, so it needs no strand) and resumes the awaiting
// coroutine from the last one. Pools of keep-alive connections, one per authority, sit behind a
// single mutex; requests that find the pool at its cap wait in a bounded FIFO and are handed the
// next connection released, or the next free slot.
#include "sim/live/http_client.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <coroutine>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime_access.h"

namespace rh::sim::live {

namespace detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;
using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

TransportError Error(TransportErrorKind kind, std::string detail) {
  return TransportError{kind, std::move(detail)};
}

// Where a request goes, from its Host header.
struct Authority {
  std::string host;  // name or address, IPv6 without brackets
  std::uint16_t port = 80;
  std::string key;  // "host:port", the pool's name and the errors' wording
};

Expected<Authority, std::string> ParseAuthority(std::string_view text) {
  if (text.empty()) return MakeUnexpected(std::string("the request has no Host header"));
  Authority out;
  std::string_view port_text;
  if (text.front() == '[') {  // "[::1]:8080"
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return MakeUnexpected("malformed Host header '" + std::string(text) + "'");
    }
    out.host.assign(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return MakeUnexpected("malformed Host header '" + std::string(text) + "'");
      }
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = text.rfind(':');
    out.host.assign(text.substr(0, colon));
    if (colon != std::string_view::npos) port_text = text.substr(colon + 1);
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return MakeUnexpected("bad port in Host header '" + std::string(text) + "'");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  if (out.host.empty()) return MakeUnexpected("no host in Host header '" + std::string(text) + "'");
  const bool v6 = out.host.find(':') != std::string::npos;
  out.key = (v6 ? "[" + out.host + "]" : out.host) + ":" + std::to_string(out.port);
  return out;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool IsIdempotent(const Request& request) {
  switch (request.method) {
    case Method::kGet:
    case Method::kHead:
    case Method::kOptions:
    case Method::kPut:
    case Method::kDelete:
      return true;
    case Method::kPost:
    case Method::kPatch:
      return request.headers.Has("Idempotency-Key");
  }
  return false;
}

// A request checked and converted, ready to be written (possibly twice).
struct Prepared {
  Authority authority;
  BeastRequest message;
  bool replayable = false;  // may be sent again after it was written and nothing came back
  bool head = false;        // the response has no body whatever its Content-Length says
};

Expected<Prepared, TransportError> Prepare(Request&& request) {
  auto authority = ParseAuthority(request.Host());
  if (!authority)
    return MakeUnexpected(Error(TransportErrorKind::kConnectFailed, authority.error()));
  // These would corrupt the request line or the head on the wire; they are caller bugs, reported
  // as values so one bad request cannot take a run down.
  if (request.target.empty() || request.target.find_first_of(" \r\n") != std::string::npos) {
    return MakeUnexpected(
        Error(TransportErrorKind::kProtocol, "invalid request target '" + request.target + "'"));
  }
  Prepared out;
  out.authority = std::move(*authority);
  out.replayable = IsIdempotent(request);
  out.head = request.method == Method::kHead;
  BeastRequest& message = out.message;
  message.version(11);
  message.method_string(MethodName(request.method));
  message.target(request.target);
  for (const auto& [name, value] : request.headers.fields()) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) {
      return MakeUnexpected(
          Error(TransportErrorKind::kProtocol, "invalid header field '" + name + "'"));
    }
    // Framing is computed from the body below.
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding")) {
      continue;
    }
    message.insert(name, value);
  }
  message.body() = std::move(request.body);
  message.prepare_payload();
  return out;
}

Response ToSimResponse(BeastResponse&& in) {
  Response out;
  out.status = static_cast<int>(in.result_int());
  for (const auto& field : in) out.headers.Add(field.name_string(), field.value());
  out.body = std::move(in.body());
  return out;
}

// The peer went away (cleanly or not) rather than saying something that is not HTTP.
bool IsDisconnect(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::connection_aborted || ec == asio::error::broken_pipe ||
         ec == asio::error::not_connected || ec == asio::error::bad_descriptor;
}

struct Connection {
  explicit Connection(asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

// Whether an idle pooled connection is unusable: the server closed it (end of stream or reset)
// or sent bytes nobody asked for. One non-blocking peek; no data is consumed.
bool LooksClosed(Connection& conn) {
  char byte;
  const auto n = ::recv(conn.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n >= 0) return true;  // 0: end of stream; > 0: stray bytes
  return errno != EAGAIN && errno != EWOULDBLOCK;
}

class Exchange;

struct HostPool {
  std::vector<std::unique_ptr<Connection>> idle;  // the most recently used last
  std::size_t open = 0;  // connections counted against the cap: busy, idle and connecting
  std::map<std::uint64_t, std::shared_ptr<Exchange>> waiting;  // FIFO by ticket
};

struct ClientState {
  ClientState(asio::io_context& io_context, LiveHttpClient::Config c) : io(io_context), config(c) {}

  asio::io_context& io;
  const LiveHttpClient::Config config;
  std::atomic<std::uint64_t> opened{0};

  std::mutex mu;
  bool closed = false;                    // guarded by mu
  std::map<std::string, HostPool> pools;  // guarded by mu; never erased, so HostPool* stay valid
  std::uint64_t next_ticket = 0;          // guarded by mu
};

// One Send: gets a connection, writes, reads, and gives the connection back.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Done = std::function<void(SendResult)>;

  Exchange(std::shared_ptr<ClientState> state, Prepared prepared, Duration timeout, Done done)
      : state_(std::move(state)),
        authority_(std::move(prepared.authority)),
        request_(std::move(prepared.message)),
        replayable_(prepared.replayable),
        head_(prepared.head),
        timeout_(timeout),
        done_(std::move(done)) {
    // A timeout too long to add to the clock means "no timeout".
    constexpr Duration kForever = Hours(24 * 365);
    deadline_ = timeout >= kForever
                    ? SteadyTime::max()
                    : std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  }

  // An error returned here is final and `done` is never called. Otherwise `done` is called
  // exactly once, later, on a runtime thread. Nothing after the first asynchronous operation
  // starts touches this object: it may complete on another thread at once.
  std::optional<TransportError> Start() {
    std::unique_lock lock(state_->mu);
    if (state_->closed) return Error(TransportErrorKind::kShutdown, "the client is closed");
    pool_ = &state_->pools[authority_.key];
    while (!pool_->idle.empty()) {
      std::unique_ptr<Connection> conn = std::move(pool_->idle.back());
      pool_->idle.pop_back();
      if (LooksClosed(*conn)) {
        --pool_->open;  // and the connection closes as it goes
        continue;
      }
      conn_ = std::move(conn);
      reused_ = true;
      break;
    }
    if (conn_) {
      lock.unlock();
      Write();
      return std::nullopt;
    }
    if (pool_->open < state_->config.max_connections_per_host) {
      ++pool_->open;
      lock.unlock();
      Connect();
      return std::nullopt;
    }
    if (pool_->waiting.size() >= state_->config.max_waiting_per_host) {
      return Error(TransportErrorKind::kConnectFailed, std::to_string(pool_->waiting.size()) +
                                                           " requests already wait for a " +
                                                           "connection to " + authority_.key);
    }
    ticket_ = state_->next_ticket++;
    pool_->waiting.emplace(ticket_, shared_from_this());
    queue_timer_.emplace(state_->io, deadline_);
    queue_timer_->async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->OnQueueTimeout();
    });
    return std::nullopt;
  }

  // For a waiting exchange, called by the one releasing `conn` (with no lock held).
  void TakeConnection(std::unique_ptr<Connection> conn) {
    queue_timer_->cancel();
    conn_ = std::move(conn);
    reused_ = true;
    Write();
  }

  // For a waiting exchange: a slot is free (already counted for it); open a connection.
  void OpenConnection() {
    queue_timer_->cancel();
    Connect();
  }

  // For a waiting exchange, already removed from the queue by Close().
  void Abandon() {
    asio::post(state_->io, [self = shared_from_this()] {
      self->queue_timer_->cancel();
      self->Finish(MakeUnexpected(Error(TransportErrorKind::kShutdown, "the client closed")),
                   false);
    });
  }

 private:
  void OnQueueTimeout() {
    {
      std::lock_guard lock(state_->mu);
      auto it = pool_->waiting.find(ticket_);
      if (it == pool_->waiting.end()) return;  // handed a connection meanwhile
      pool_->waiting.erase(it);
    }
    Fail(TransportErrorKind::kTimeout,
         "no connection to " + authority_.key + " became free within " + TimeoutText());
  }

  void Connect() {
    conn_ = std::make_unique<Connection>(state_->io);
    state_->opened.fetch_add(1, std::memory_order_relaxed);
    conn_->stream.expires_at(deadline_);
    error_code ec;
    const asio::ip::address ip = asio::ip::make_address(authority_.host, ec);
    if (!ec) {  // numeric hosts (the usual loopback case) need no resolver
      conn_->stream.async_connect(
          tcp::endpoint(ip, authority_.port),
          beast::bind_front_handler(&Exchange::OnConnect, shared_from_this()));
      return;
    }
    resolver_.emplace(state_->io);
    resolver_->async_resolve(
        authority_.host, std::to_string(authority_.port),
        [self = shared_from_this()](error_code resolve_ec, tcp::resolver::results_type results) {
          self->OnResolve(resolve_ec, std::move(results));
        });
  }

  void OnResolve(error_code ec, tcp::resolver::results_type results) {
    if (ec) {
      return Fail(TransportErrorKind::kConnectFailed,
                  "cannot resolve " + authority_.host + ": " + ec.message());
    }
    if (std::chrono::steady_clock::now() >= deadline_) {
      return Fail(TransportErrorKind::kTimeout,
                  "resolving " + authority_.host + " took longer than " + TimeoutText());
    }
    conn_->stream.async_connect(
        results, [self = shared_from_this()](error_code connect_ec, const tcp::endpoint&) {
          self->OnConnect(connect_ec);
        });
  }

  void OnConnect(error_code ec) {
    if (ec == beast::error::timeout) {
      return Fail(TransportErrorKind::kTimeout,
                  "connecting to " + authority_.key + " took longer than " + TimeoutText());
    }
    if (ec) {
      return Fail(TransportErrorKind::kConnectFailed,
                  "cannot connect to " + authority_.key + ": " + ec.message());
    }
    error_code ignored;
    conn_->stream.socket().set_option(tcp::no_delay(true), ignored);
    Write();
  }

  void Write() {
    conn_->stream.expires_at(deadline_);
    http::async_write(conn_->stream, request_,
                      beast::bind_front_handler(&Exchange::OnWrite, shared_from_this()));
  }

  void OnWrite(error_code ec, std::size_t /*bytes*/) {
    if (ec == beast::error::timeout) {
      return Fail(TransportErrorKind::kTimeout,
                  "writing to " + authority_.key + " took longer than " + TimeoutText());
    }
    if (ec) {
      // The request did not get through whole, so the server cannot have acted on it: a stale
      // pooled connection is replaced whatever the method.
      if (reused_ && !retried_) return Retry();
      // A server may answer before it has read the whole request (a 413, say) and close; its
      // answer may still be waiting to be read.
      write_error_ = ec;
    }
    Read();
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(static_cast<std::uint64_t>(state_->config.body_limit));
    if (head_) parser_->skip(true);
    http::async_read(conn_->stream, conn_->buffer, *parser_,
                     beast::bind_front_handler(&Exchange::OnRead, shared_from_this()));
  }

  void OnRead(error_code ec, std::size_t /*bytes*/) {
    if (!ec) {
      BeastResponse message = parser_->release();
      const unsigned status = message.result_int();
      // An interim response (100 Continue to a caller's own Expect) precedes the real one.
      if (status >= 100 && status < 200 && status != 101) return Read();
      const bool reusable = !write_error_ && message.keep_alive() && request_.keep_alive() &&
                            conn_->buffer.size() == 0;
      return Finish(ToSimResponse(std::move(message)), reusable);
    }
    if (ec == beast::error::timeout) {
      return Fail(TransportErrorKind::kTimeout,
                  "no full response from " + authority_.key + " within " + TimeoutText());
    }
    if (write_error_) {
      return Fail(TransportErrorKind::kConnectionReset,
                  "writing to " + authority_.key + " failed: " + write_error_.message());
    }
    const bool nothing_received = !parser_->got_some() && conn_->buffer.size() == 0;
    if (IsDisconnect(ec)) {
      // Typically a keep-alive connection the server closed just as the request went out.
      if (nothing_received && reused_ && !retried_ && replayable_) return Retry();
      return Fail(
          TransportErrorKind::kConnectionReset,
          authority_.key + " closed the connection before a full response (" + ec.message() + ")");
    }
    if (ec == http::error::body_limit) {
      return Fail(TransportErrorKind::kProtocol, "response body from " + authority_.key + " over " +
                                                     std::to_string(state_->config.body_limit) +
                                                     " bytes");
    }
    if (ec.category() == http::make_error_code(http::error::need_more).category()) {
      return Fail(TransportErrorKind::kProtocol,
                  "invalid HTTP response from " + authority_.key + ": " + ec.message());
    }
    Fail(TransportErrorKind::kConnectionReset,
         "reading from " + authority_.key + " failed: " + ec.message());
  }

  // Replaces a stale pooled connection with a fresh one, keeping its slot in the pool.
  void Retry() {
    retried_ = true;
    reused_ = false;
    write_error_ = {};
    conn_.reset();
    Connect();
  }

  void Fail(TransportErrorKind kind, std::string detail) {
    Finish(MakeUnexpected(Error(kind, std::move(detail))), false);
  }

  void Finish(SendResult result, bool reusable) {
    if (conn_) Release(std::move(conn_), reusable);
    Done done = std::move(done_);
    done(std::move(result));  // may run the caller's coroutine on to its next suspension
  }

  // Gives the connection to the next waiter, keeps it idle, or closes it (freeing a slot).
  void Release(std::unique_ptr<Connection> conn, bool reusable) {
    if (reusable) conn->stream.expires_never();
    std::shared_ptr<Exchange> next;
    bool next_opens = false;
    {
      std::lock_guard lock(state_->mu);
      if (reusable && !state_->closed) {
        if (!pool_->waiting.empty()) {
          auto first = pool_->waiting.begin();
          next = std::move(first->second);
          pool_->waiting.erase(first);
        } else if (pool_->idle.size() < state_->config.max_idle_per_host) {
          pool_->idle.push_back(std::move(conn));
        }
      }
      if (conn && !next) {  // closing it
        --pool_->open;
        if (!state_->closed && !pool_->waiting.empty() &&
            pool_->open < state_->config.max_connections_per_host) {
          auto first = pool_->waiting.begin();
          next = std::move(first->second);
          pool_->waiting.erase(first);
          ++pool_->open;
          next_opens = true;
        }
      }
    }
    if (!next) return;  // `conn`, if still held, closes here
    if (next_opens) {
      conn.reset();
      next->OpenConnection();
    } else {
      next->TakeConnection(std::move(conn));
    }
  }

  std::string TimeoutText() const {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count()) +
           " ms";
  }

  std::shared_ptr<ClientState> state_;
  const Authority authority_;
  BeastRequest request_;
  const bool replayable_;
  const bool head_;
  const Duration timeout_;
  Done done_;
  SteadyTime deadline_;

  HostPool* pool_ = nullptr;
  std::unique_ptr<Connection> conn_;
  bool reused_ = false;     // conn_ came from the pool, so it may be stale
  bool retried_ = false;    // the one transparent retry is spent
  error_code write_error_;  // the request did not go out whole; only a response can save it
  std::optional<http::response_parser<http::string_body>> parser_;
  std::optional<tcp::resolver> resolver_;
  std::optional<asio::steady_timer> queue_timer_;  // while waiting for a connection
  std::uint64_t ticket_ = 0;                       // place in the waiting queue
};

// co_await-ed by Send: starts the Exchange in await_suspend and is resumed by its completion.
class SendAwaiter {
 public:
  SendAwaiter(std::shared_ptr<ClientState> state, Prepared prepared, Duration timeout)
      : state_(std::move(state)), prepared_(std::move(prepared)), timeout_(timeout) {}

  bool await_ready() const noexcept { return false; }

  bool await_suspend(std::coroutine_handle<> handle) {
    auto exchange = std::make_shared<Exchange>(state_, std::move(prepared_), timeout_,
                                               [this, handle](SendResult result) {
                                                 result_.emplace(std::move(result));
                                                 handle.resume();
                                               });
    if (auto error = exchange->Start()) {
      result_.emplace(MakeUnexpected(std::move(*error)));
      return false;  // resume at once, on this thread
    }
    return true;  // the awaiter may already be gone: touch nothing after Start
  }

  SendResult await_resume() { return std::move(*result_); }

 private:
  std::shared_ptr<ClientState> state_;
  Prepared prepared_;
  Duration timeout_;
  std::optional<SendResult> result_;
};

}  // namespace detail

LiveHttpClient::LiveHttpClient(LiveRuntime& runtime) : LiveHttpClient(runtime, Config{}) {}

LiveHttpClient::LiveHttpClient(LiveRuntime& runtime, Config config)
    : state_(std::make_shared<detail::ClientState>(detail::RuntimeAccess::Io(runtime), config)) {
  RH_CHECK(config.max_connections_per_host >= 1, "LiveHttpClient needs at least one connection");
}

LiveHttpClient::~LiveHttpClient() { Close(); }

Task<SendResult> LiveHttpClient::Send(Request request, SendOptions options) {
  auto prepared = detail::Prepare(std::move(request));
  if (!prepared) co_return MakeUnexpected(prepared.error());
  co_return co_await detail::SendAwaiter(state_, std::move(*prepared), options.timeout);
}

void LiveHttpClient::Close() {
  std::vector<std::unique_ptr<detail::Connection>> idle;
  std::vector<std::shared_ptr<detail::Exchange>> waiting;
  {
    std::lock_guard lock(state_->mu);
    if (state_->closed) return;
    state_->closed = true;
    for (auto& [key, pool] : state_->pools) {
      pool.open -= pool.idle.size();
      for (auto& conn : pool.idle) idle.push_back(std::move(conn));
      pool.idle.clear();
      for (auto& [ticket, exchange] : pool.waiting) waiting.push_back(std::move(exchange));
      pool.waiting.clear();
    }
  }
  idle.clear();  // closes the sockets; no operation is pending on an idle connection
  for (auto& exchange : waiting) exchange->Abandon();
}

std::uint64_t LiveHttpClient::connections_opened() const {
  return state_->opened.load(std::memory_order_relaxed);
}

}  // namespace rh::sim::live
