// HttpServer on Beast, shaped like Beast's advanced server example: a Listener accepts, a Session
// per connection reads and writes on its own strand, and request handling (conversion to and from
// rh::sim messages and the Service call) is a plain function that knows nothing of sockets.
//
// A Session parses with the parser's put() over its own reads instead of http::async_read, for
// two reasons: it can tell "no request yet" (idle_timeout) from "a request half received"
// (read_timeout), and it can answer "Expect: 100-continue" between head and body.
#include "sim/live/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iterator>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime_access.h"
#include "sim/live/runtime.h"

namespace rh::sim::live {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

// Bytes asked of the socket per read.
constexpr std::size_t kReadChunk = 64 * 1024;
// After a response that closes the connection, the server reads and discards what the client
// still sends, for at most this long and this many bytes, before closing. Closing with unread
// bytes makes the kernel send a reset, which can destroy the response before the client reads it
// (a 413 sent while the client is still uploading, say).
constexpr Duration kLingerTime = Sec(2);
constexpr std::size_t kLingerMaxBytes = 8 << 20;
// How long Stop waits, after closing the remaining sockets, for their sessions to unwind.
constexpr Duration kUnwindTime = Sec(1);
// Pause before accepting again after an accept error (out of file descriptors, say), so the
// listener does not spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// ---------------------------------------------------------------------------------------------
// Request handling: no sockets here.

struct ServerShared;

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

BeastResponse PlainResponse(http::status status, unsigned version, std::string_view text,
                            bool keep_alive) {
  BeastResponse res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body().reserve(text.size() + 1);
  res.body().append(text);
  res.body().push_back('\n');
  res.prepare_payload();
  res.keep_alive(keep_alive);
  return res;
}

Request ToSimRequest(BeastRequest&& in, Method method) {
  Request out;
  out.method = method;
  out.target.assign(in.target());
  for (const auto& field : in) out.headers.Add(field.name_string(), field.value());
  out.body = std::move(in.body());
  return out;
}

// A head the server refuses before reading a body or calling the Service, or nullopt. RFC 9112:
// an HTTP/1.1 request without a Host field, or with more than one, gets 400 (section 3.2); a
// transfer coding the server does not understand gets 501 (section 6.1). Beast decodes chunked
// only, and passes any coding before it (gzip, chunked) on undecoded, so only "chunked" is
// accepted; Beast itself refuses codings where chunked is not last.
std::optional<BeastResponse> RefuseHead(const BeastRequest& head) {
  // Every field is visited in order: Beast's equal_range spans from the first to the last field of
  // a name in insertion order, others in between included.
  int hosts = 0;
  for (const auto& field : head) hosts += field.name() == http::field::host ? 1 : 0;
  if (head.version() >= 11 || hosts > 1) {
    const int count = hosts;
    if (count != 1) {
      return PlainResponse(http::status::bad_request, head.version(),
                           count == 0 ? "an HTTP/1.1 request needs a Host header field"
                                      : "a request has at most one Host header field",
                           false);
    }
  }
  for (const auto& field : head) {
    if (field.name() != http::field::transfer_encoding) continue;
    std::string_view codings = field.value();
    while (!codings.empty()) {
      const std::size_t comma = codings.find(',');
      std::string_view coding = codings.substr(0, comma);
      codings = comma == std::string_view::npos ? std::string_view() : codings.substr(comma + 1);
      while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
      while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
      if (coding.empty() || EqualsIgnoreCase(coding, "chunked")) continue;
      std::string text = "transfer coding ";
      text.append(coding.substr(0, 64));
      text.append(" is not implemented");
      return PlainResponse(http::status::not_implemented, head.version(), text, false);
    }
  }
  return std::nullopt;
}

using RequestParser = http::request_parser<http::string_body>;

// The limits every request is parsed under.
void ConfigureParser(RequestParser& parser, const HttpServer::Config& config) {
  parser.body_limit(static_cast<std::uint64_t>(config.body_limit));
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(config.header_limit, std::numeric_limits<std::uint32_t>::max())));
  parser.eager(true);
}

// The answer to a request the parser refused; the connection closes after it.
BeastResponse RejectionResponse(error_code ec, const HttpServer::Config& config) {
  if (ec == http::error::body_limit) {
    return PlainResponse(http::status::payload_too_large, 11,
                         "request body over " + std::to_string(config.body_limit) + " bytes", false);
  }
  if (ec == http::error::header_limit) {
    return PlainResponse(http::status::request_header_fields_too_large, 11,
                         "request head over " + std::to_string(config.header_limit) + " bytes", false);
  }
  return PlainResponse(http::status::bad_request, 11, "malformed request: " + ec.message(), false);
}

// Converts the Service's answer. Framing (Content-Length, Transfer-Encoding) is the server's
// business, so the Service's own framing fields are ignored; a Connection: close from the
// Service is honoured. `head` keeps the length of the body but not the body.
BeastResponse ToBeastResponse(Response&& in, unsigned version, bool head, bool keep_alive) {
  // 1xx are not final responses and Beast refuses codes above 999: both are Service bugs.
  if (in.status < 200 || in.status > 999) {
    return PlainResponse(http::status::internal_server_error, version,
                         "the service returned an invalid status code", keep_alive);
  }
  BeastResponse res;
  res.version(version);
  res.result(static_cast<unsigned>(in.status));
  // Beast writes "<unknown-status>" for codes it does not know (Anthropic's 529, say); such a
  // status gets the phrase of our own table instead. Known codes keep Beast's phrase.
  if (http::int_to_status(static_cast<unsigned>(in.status)) == http::status::unknown) {
    res.reason(std::string(ReasonPhrase(in.status)));
  }
  for (const auto& [name, value] : in.headers.fields()) {
    // A line break would let a value forge further header fields or split the response.
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value)) continue;
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding")) {
      continue;
    }
    if (EqualsIgnoreCase(name, "Connection")) {
      if (value.find("close") != std::string::npos) keep_alive = false;
      continue;
    }
    res.insert(name, value);
  }
  // 204 and 304 carry no body and (204) no Content-Length either.
  const bool bodiless = in.status == 204 || in.status == 304;
  if (!bodiless) {
    res.body() = std::move(in.body);
    res.prepare_payload();
    if (head) res.body().clear();  // Content-Length still says what GET would send
  }
  res.keep_alive(keep_alive);
  return res;
}

// ---------------------------------------------------------------------------------------------
// State shared by the listener, the sessions and HttpServer. Sessions hold it by shared_ptr, so it
// outlives whichever of them goes last (sessions die with the event loop's queued handlers).

class Session;

struct ServerShared {
  ServerShared(Service& s, HttpServer::Config c) : service(s), config(std::move(c)) {}

  Service& service;
  const HttpServer::Config config;
  const Clock* clock = nullptr;  // the runtime's RealClock; set before any session exists

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> served{0};

  mutable std::mutex mu;
  std::condition_variable sessions_changed;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;  // guarded by mu
  std::uint64_t next_session_id = 0;                         // guarded by mu
  // False once Stop has begun tearing the event loop down: a Service that answers after that
  // (an asynchronous one, waiting on an upstream) must not post to a dead loop.
  bool loop_accepts_completions = true;  // guarded by mu
};

// What a request gets before the Service sees it: a method we cannot map is answered here.
struct PreparedRequest {
  unsigned version = 11;
  bool client_keeps_alive = true;
  bool head = false;
  std::optional<Request> request;      // set when the Service is to answer
  std::optional<BeastResponse> early;  // set when the server answers itself
};

PreparedRequest PrepareRequest(ServerShared& shared, BeastRequest&& req) {
  PreparedRequest out;
  out.version = req.version();
  out.client_keeps_alive = req.keep_alive();
  const std::optional<Method> method = ParseMethod(req.method_string());
  if (!method) {
    std::string text = "method ";
    text.append(req.method_string());
    text.append(" is not supported");
    out.early = PlainResponse(http::status::not_implemented, out.version, text,
                              out.client_keeps_alive && !shared.stopping.load());
    return out;
  }
  out.head = *method == Method::kHead;
  out.request = ToSimRequest(std::move(req), *method);
  return out;
}

// The Service's answer (or its failure) as the response to write. Keep-alive is decided after
// the Service returns: a Stop begun while it ran must still say Connection: close.
BeastResponse FinishResponse(ServerShared& shared, const PreparedRequest& prepared,
                             Response&& response) {
  const bool keep_alive = prepared.client_keeps_alive && !shared.stopping.load();
  return ToBeastResponse(std::move(response), prepared.version, prepared.head, keep_alive);
}

BeastResponse FailureResponse(ServerShared& shared, const PreparedRequest& prepared,
                              const std::string& failure) {
  const bool keep_alive = prepared.client_keeps_alive && !shared.stopping.load();
  return PlainResponse(http::status::internal_server_error, prepared.version, failure, keep_alive);
}

// ---------------------------------------------------------------------------------------------
// One connection. Every member runs on the session's strand.

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerShared> shared, std::uint64_t id)
      : stream_(std::move(socket)),
        hold_timer_(stream_.get_executor()),
        buffer_(shared->config.header_limit + kReadChunk),
        shared_(std::move(shared)),
        id_(id) {}

  ~Session() {
    std::lock_guard lock(shared_->mu);
    shared_->sessions.erase(id_);
    shared_->sessions_changed.notify_all();
  }

  void Run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::Begin, shared_from_this()));
  }

  // Stop has begun: an idle connection closes now; one with a request under way finishes it
  // (HandleRequest then answers with Connection: close).
  void WindDown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::kIdle) self->Close();
    });
  }

  // The grace period is over.
  void ForceClose() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kHolding, kWriting, kLingering, kClosed };

  const HttpServer::Config& config() const { return shared_->config; }

  void Begin() {
    if (phase_ == Phase::kClosed) return;  // Stop got here first
    error_code ec;
    // Responses are written whole; Nagle would only delay them.
    stream_.socket().set_option(tcp::no_delay(true), ec);
    NextRequest();
  }

  void NextRequest() {
    parser_.emplace();
    ConfigureParser(*parser_, config());
    expect_checked_ = false;
    head_deadline_.reset();
    Parse();
  }

  // Feeds buffered bytes to the parser; reads more when it needs them.
  void Parse() {
    while (buffer_.size() > 0) {
      error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return Reject(ec);
      if (parser_->is_header_done() && !expect_checked_) {
        expect_checked_ = true;
        head_deadline_.reset();
        if (std::optional<BeastResponse> refused = RefuseHead(parser_->get())) {
          response_ = std::move(*refused);
          return Write();
        }
        if (!parser_->is_done() && ExpectsContinue()) return SendContinue();
      }
      if (parser_->is_done()) return Respond();
      if (used == 0) break;  // no progress and no error: the parser wants more input
    }
    ReadMore();
  }

  void ReadMore() {
    const bool idle = !parser_->got_some();
    if (idle && shared_->stopping.load()) return Close();
    phase_ = idle ? Phase::kIdle : Phase::kReading;
    stream_.expires_after(idle ? config().idle_timeout : config().read_timeout);
    if (!idle && !parser_->is_header_done()) {
      // The head has begun: it must be complete by a fixed deadline, however it trickles in.
      const auto now = std::chrono::steady_clock::now();
      if (!head_deadline_) head_deadline_ = now + config().head_timeout;
      if (*head_deadline_ < now + config().read_timeout) stream_.expires_at(*head_deadline_);
    }
    const std::size_t size = beast::read_size(buffer_, kReadChunk);
    // The parser consumes everything but an unfinished head, which header_limit bounds, so the
    // buffer cannot fill up; a full one would mean a parser bug, answered as an oversized head.
    if (size == 0) return Reject(http::error::header_limit);
    stream_.async_read_some(buffer_.prepare(size),
                            beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(error_code ec, std::size_t bytes) {
    if (phase_ == Phase::kClosed) return;
    // End of stream, a reset, or a timeout (tcp_stream has closed the socket): either the client
    // left between requests, which is normal, or it stalled or vanished mid-request, which
    // leaves nobody to answer.
    if (ec) return Close();
    buffer_.commit(bytes);
    Parse();
  }

  bool ExpectsContinue() const {
    const auto& head = parser_->get();
    return head.version() >= 11 && EqualsIgnoreCase(head[http::field::expect], "100-continue");
  }

  void SendContinue() {
    phase_ = Phase::kReading;
    stream_.expires_after(config().read_timeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      beast::bind_front_handler(&Session::OnContinueSent, shared_from_this()));
  }

  void OnContinueSent(error_code ec, std::size_t /*bytes*/) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return Close();
    Parse();
  }

  // Calls the Service through HandleAsync. An ordinary Service answers at once, on this strand,
  // and the response is written from here with no extra hop. An asynchronous one (a recording
  // proxy) may finish later on another thread: its answer is posted back to the strand. The
  // coroutine holds the session weakly, so a connection closed meanwhile goes away; pending_self_
  // keeps it alive until then.
  void Respond() {
    phase_ = Phase::kHandling;
    auto call = std::make_shared<ServiceCall>();
    call->prepared = PrepareRequest(*shared_, parser_->release());
    if (call->prepared.early) {
      response_ = std::move(*call->prepared.early);
      return Write();
    }
    Request request = std::move(*call->prepared.request);
    call->prepared.request.reset();
    call->caller_waiting.store(true);
    Detach(CallService(weak_from_this(), shared_, call, std::move(request),
                       shared_->clock->MomentNow()));
    // Exactly one side sees caller_waiting still true: here, the call is still running.
    if (call->caller_waiting.exchange(false)) {
      pending_self_ = shared_from_this();
      return;
    }
    OnHandled(*call);
  }

  // One Service call; its result is written before caller_waiting is given up.
  struct ServiceCall {
    PreparedRequest prepared;
    std::optional<Response> response;
    std::string failure;
    std::atomic<bool> caller_waiting{false};
  };

  static Task<void> CallService(std::weak_ptr<Session> weak, std::shared_ptr<ServerShared> shared,
                                std::shared_ptr<ServiceCall> call, Request request, Moment now) {
    try {
      call->response.emplace(co_await shared->service.HandleAsync(std::move(request), now));
    } catch (const std::exception& e) {
      // A throwing Service is a bug in it, but one request must not take the server down.
      call->failure = std::string("the service failed: ") + e.what();
    } catch (...) {
      call->failure = "the service failed";
    }
    if (!call->failure.empty()) {
      // The live transport's log: the operator learns why a client got this 500.
      std::fprintf(stderr, "rehearsal http server: %s\n", call->failure.c_str());
    }
    if (call->caller_waiting.exchange(false)) co_return;  // Respond picks the result up
    std::lock_guard lock(shared->mu);
    if (!shared->loop_accepts_completions) co_return;
    std::shared_ptr<Session> self = weak.lock();
    if (!self) co_return;
    // Posted, never run inline under the lock; the strong reference travels into the handler,
    // so none is dropped here.
    auto executor = self->stream_.get_executor();
    asio::post(executor, [self = std::move(self), call = std::move(call)] {
      self->pending_self_.reset();
      self->OnHandled(*call);
    });
  }

  void OnHandled(ServiceCall& call) {
    if (phase_ == Phase::kClosed) return;
    if (!call.response) {
      response_ = FailureResponse(*shared_, call.prepared, call.failure);
      return Write();
    }
    const Duration hold = call.response->service_time;
    response_ = FinishResponse(*shared_, call.prepared, std::move(*call.response));
    if (hold <= Duration::zero()) return Write();
    // Modelled processing time (an LLM's latency): the response leaves after it. Close cancels.
    phase_ = Phase::kHolding;
    hold_timer_.expires_after(hold);
    hold_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->phase_ == Phase::kClosed) return;
      self->Write();
    });
  }

  // A request the parser refused. The stream cannot be trusted after it, so the connection closes.
  void Reject(error_code ec) {
    response_ = RejectionResponse(ec, config());
    Write();
  }

  void Write() {
    phase_ = Phase::kWriting;
    stream_.expires_after(config().read_timeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(error_code ec, std::size_t /*bytes*/) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return Close();
    shared_->served.fetch_add(1, std::memory_order_relaxed);
    const bool promised_keep_alive = response_.keep_alive();
    response_ = {};
    // The response said close: let the client read it in peace (see kLingerTime).
    if (!promised_keep_alive) return Linger();
    // Stop began while the response went out with keep-alive: the client expects nothing more,
    // and lingering would hold Stop up until it closed its idle connection.
    if (shared_->stopping.load()) return Close();
    NextRequest();
  }

  void Linger() {
    phase_ = Phase::kLingering;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(std::min(kLingerTime, config().read_timeout));
    lingered_bytes_ = 0;
    buffer_.clear();
    Discard();
  }

  void Discard() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::OnDiscard, shared_from_this()));
  }

  void OnDiscard(error_code ec, std::size_t bytes) {
    if (phase_ == Phase::kClosed) return;
    lingered_bytes_ += bytes;
    if (ec || lingered_bytes_ > kLingerMaxBytes) return Close();  // EOF is the usual way out
    Discard();
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    pending_self_.reset();  // a Service still working will find the session gone
    hold_timer_.cancel();
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();  // pending operations finish with operation_aborted and drop their ref
  }

  beast::tcp_stream stream_;
  asio::steady_timer hold_timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  BeastResponse response_;
  bool expect_checked_ = false;
  // When the current request's head must be complete (set by its first bytes; see head_timeout).
  std::optional<std::chrono::steady_clock::time_point> head_deadline_;
  std::size_t lingered_bytes_ = 0;
  Phase phase_ = Phase::kIdle;
  std::shared_ptr<Session> pending_self_;  // set while the Service works on a request
  std::shared_ptr<ServerShared> shared_;
  const std::uint64_t id_;
};

// ---------------------------------------------------------------------------------------------
// Accepts connections and starts their sessions. Runs on its own strand.

std::string Describe(const std::string& address, std::uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, std::shared_ptr<ServerShared> shared)
      : io_(io),
        acceptor_(asio::make_strand(io)),
        retry_timer_(acceptor_.get_executor()),
        shared_(std::move(shared)) {}

  Expected<std::uint16_t, std::string> Open(const std::string& address, std::uint16_t port) {
    const std::string where = Describe(address, port);
    error_code ec;
    const asio::ip::address ip = asio::ip::make_address(address, ec);
    if (ec) return MakeUnexpected("invalid listen address " + where + ": " + ec.message());
    const tcp::endpoint endpoint(ip, port);
    if (acceptor_.open(endpoint.protocol(), ec); ec) {
      return MakeUnexpected("cannot open a socket for " + where + ": " + ec.message());
    }
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor_.bind(endpoint, ec); ec) {
      return MakeUnexpected("cannot bind " + where + ": " + ec.message());
    }
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
      return MakeUnexpected("cannot listen on " + where + ": " + ec.message());
    }
    const tcp::endpoint bound = acceptor_.local_endpoint(ec);
    if (ec) return MakeUnexpected("cannot read the bound port of " + where + ": " + ec.message());
    return bound.port();
  }

  void Accept() {
    // Each connection gets its own strand, so its handlers never run concurrently.
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void Close() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      error_code ec;
      self->acceptor_.close(ec);
      self->retry_timer_.cancel();
    });
  }

 private:
  void OnAccept(error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec && self->acceptor_.is_open()) self->Accept();
      });
      return;
    }
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(shared_->mu);
      // Over the limit or stopping: the socket closes as it goes out of scope.
      if (!shared_->stopping.load() && shared_->sessions.size() < shared_->config.max_connections) {
        const std::uint64_t id = shared_->next_session_id++;
        session = std::make_shared<Session>(std::move(socket), shared_, id);
        shared_->sessions.emplace(id, session);
      }
    }
    if (session) {
      shared_->accepted.fetch_add(1, std::memory_order_relaxed);
      session->Run();
    }
    Accept();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  std::shared_ptr<ServerShared> shared_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct HttpServer::Impl {
  Impl(Service& service, Config config)
      : shared(std::make_shared<ServerShared>(service, std::move(config))) {}

  std::vector<std::shared_ptr<Session>> LiveSessions() const {
    std::vector<std::shared_ptr<Session>> live;
    std::lock_guard lock(shared->mu);
    live.reserve(shared->sessions.size());
    for (const auto& entry : shared->sessions) {
      if (auto session = entry.second.lock()) live.push_back(std::move(session));
    }
    return live;
  }

  // True when every session ended within `timeout`.
  bool WaitForSessions(Duration timeout) const {
    std::unique_lock lock(shared->mu);
    return shared->sessions_changed.wait_for(lock, timeout,
                                             [&] { return shared->sessions.empty(); });
  }

  std::shared_ptr<ServerShared> shared;
  std::mutex mu;  // Start / Stop
  bool started = false;
  std::atomic<std::uint16_t> port{0};
  // The listener is declared after the runtime so that it is destroyed first: its acceptor
  // belongs to the runtime's event loop.
  std::unique_ptr<LiveRuntime> runtime;
  std::shared_ptr<Listener> listener;
};

std::string AnswerConnectionBytes(Service& service, const HttpServer::Config& config, std::string_view bytes,
                                  Moment now) {
  ServerShared shared(service, config);
  std::string out;
  const auto append = [&out](BeastResponse& response) {
    http::response_serializer<http::string_body> serializer(response);
    error_code ec;
    do {
      serializer.next(ec, [&](error_code&, const auto& buffers) {
        std::size_t size = 0;
        for (const auto& b : beast::buffers_range_ref(buffers)) {
          out.append(static_cast<const char*>(b.data()), b.size());
          size += b.size();
        }
        serializer.consume(size);
      });
    } while (!ec && !serializer.is_done());
  };
  while (!bytes.empty()) {
    RequestParser parser;
    ConfigureParser(parser, config);
    bool head_checked = false;
    while (!parser.is_done()) {
      error_code ec;
      const std::size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      // Every byte of the connection is already here, so "need more" means the request is
      // incomplete. Beast's parser must never be handed the same bytes again without new ones
      // (it asserts; the http_request fuzz target found it), as a Session, which reads first,
      // never does.
      if (ec == http::error::need_more) return out;
      if (ec) {
        BeastResponse rejection = RejectionResponse(ec, config);
        append(rejection);
        return out;
      }
      if (parser.is_header_done() && !head_checked) {
        head_checked = true;
        if (std::optional<BeastResponse> refused = RefuseHead(parser.get())) {
          append(*refused);
          return out;
        }
      }
      if (used == 0 && !parser.is_done()) return out;
    }
    PreparedRequest prepared = PrepareRequest(shared, parser.release());
    BeastResponse response;
    if (prepared.early) {
      response = std::move(*prepared.early);
    } else {
      try {
        response = FinishResponse(shared, prepared, service.Handle(*prepared.request, now));
      } catch (const std::exception& e) {
        response = FailureResponse(shared, prepared, std::string("the service failed: ") + e.what());
      }
    }
    const bool keep_alive = response.keep_alive();
    append(response);
    if (!keep_alive) return out;
  }
  return out;
}

HttpServer::HttpServer(Service& service) : HttpServer(service, Config{}) {}

HttpServer::HttpServer(Service& service, Config config)
    : impl_(std::make_unique<Impl>(service, std::move(config))) {
  RH_CHECK(impl_->shared->config.threads >= 1, "HttpServer needs at least one thread");
}

HttpServer::~HttpServer() { Stop(); }

Expected<std::uint16_t, std::string> HttpServer::Start() {
  std::lock_guard lock(impl_->mu);
  const Config& config = impl_->shared->config;
  if (impl_->started) {
    return MakeUnexpected("the server for " + Describe(config.address, config.port) +
                          " was already started");
  }
  impl_->started = true;
  auto runtime = std::make_unique<LiveRuntime>(LiveRuntime::Config{config.threads});
  impl_->shared->clock = &runtime->clock();
  auto listener = std::make_shared<Listener>(detail::RuntimeAccess::Io(*runtime), impl_->shared);
  auto port = listener->Open(config.address, config.port);
  if (!port) return port;
  listener->Accept();
  runtime->Start();
  impl_->port.store(*port);
  impl_->runtime = std::move(runtime);
  impl_->listener = std::move(listener);
  return port;
}

std::uint16_t HttpServer::port() const { return impl_->port.load(); }

void HttpServer::Stop(Duration grace) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->runtime) return;  // never started, or already stopped
  RH_CHECK(!impl_->runtime->InRuntimeThread(),
           "HttpServer::Stop called from the server's own thread (from the Service?)");
  impl_->shared->stopping.store(true);
  impl_->listener->Close();
  for (const auto& session : impl_->LiveSessions()) session->WindDown();
  if (!impl_->WaitForSessions(grace)) {
    for (const auto& session : impl_->LiveSessions()) session->ForceClose();
    // Closed sockets unwind at once unless a Service call is still running; joining the threads
    // below waits for that anyway.
    impl_->WaitForSessions(kUnwindTime);
  }
  {
    std::lock_guard shared_lock(impl_->shared->mu);
    impl_->shared->loop_accepts_completions = false;
  }
  impl_->runtime->Stop();
  // Handlers still queued own the last sessions; they are destroyed with the event loop, after the
  // listener whose acceptor belongs to it.
  impl_->listener.reset();
  impl_->runtime.reset();
}

std::uint64_t HttpServer::connections_accepted() const {
  return impl_->shared->accepted.load(std::memory_order_relaxed);
}

std::uint64_t HttpServer::requests_served() const {
  return impl_->shared->served.load(std::memory_order_relaxed);
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->shared->mu);
  return impl_->shared->sessions.size();
}

}  // namespace rh::sim::live
