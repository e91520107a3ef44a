// Loopback requests per second of the live transport: HttpServer hosting a fixed-body Service
// (one server thread), against a bare Beast server that writes the same response straight from
// Beast types with no Request/Response conversion and no Service call. Both are driven by the
// in-process LiveHttpClient on its own runtime thread, at 1 and 16 keep-alive connections, so the
// ratio of the two shows what our conversion and session logic cost (DESIGN.md asks 0.7x or
// better for a whole stateful mock). Each run is kept to about a second.
#include <benchmark/benchmark.h>

#include <functional>
#include <pthread.h>
#include <time.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "mocks/llm/llm_mock.h"
#include "mocks/shopify/shopify_mock.h"
#include "sim/crypto.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/service.h"
#include "sim/scheduler.h"
#include "sim/task.h"

namespace rh::sim::live {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Both servers answer exactly these bytes.
constexpr std::string_view kBody = R"({"ok":true,"service":"bench"})";
constexpr std::string_view kContentType = "application/json; charset=utf-8";
// Requests per benchmark iteration, shared out over the connections.
constexpr int kBatch = 1600;

// ---------------------------------------------------------------------------------------------
// The bare Beast baseline, after Beast's http_server_async example: read a request, answer the
// fixed body, keep the connection alive, with the same 30 s idle expiry our server sets.

class BareSession : public std::enable_shared_from_this<BareSession> {
 public:
  BareSession(tcp::socket&& socket, std::string_view body) : stream_(std::move(socket)), body_(body) {}
  void Run() {
    stream_.socket().set_option(tcp::no_delay(true));
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&BareSession::Read, shared_from_this()));
  }

 private:
  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, request_,
                     beast::bind_front_handler(&BareSession::OnRead, shared_from_this()));
  }
  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return Close();
    response_ = {http::status::ok, request_.version()};
    response_.set(http::field::content_type, kContentType);
    response_.body() = body_;
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&BareSession::OnWrite, shared_from_this()));
  }
  void OnWrite(beast::error_code ec, std::size_t) {
    if (ec || !response_.keep_alive()) return Close();
    Read();
  }
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  std::string_view body_;  // owned by the server
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

class BareServer {
 public:
  // Answers `body` (the fixed body unless told otherwise) to every request.
  explicit BareServer(std::string body = std::string(kBody)) : body_(std::move(body)), acceptor_(asio::make_strand(io_)) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~BareServer() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      std::make_shared<BareSession>(std::move(s), body_)->Run();
      Accept();
    });
  }

  std::string body_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// The driver.

// Builds the request each worker sends, addressed to the server's port.
using RequestMaker = std::function<Request(std::uint16_t port)>;

Request BenchRequest(std::uint16_t port) {
  Request request;
  request.target = "/bench";
  request.headers.Set("Host", "127.0.0.1:" + std::to_string(port));
  return request;
}

// Sends `n` requests one after another; returns how many came back 200.
Task<int> Worker(LiveHttpClient& client, const RequestMaker& make, std::uint16_t port, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    const SendResult result = co_await client.Send(make(port));
    if (result && result->status == 200) ++ok;
  }
  co_return ok;
}

Task<int> Batch(LiveHttpClient& client, const RequestMaker& make, std::uint16_t port, int connections) {
  std::vector<Task<int>> workers;
  for (int c = 0; c < connections; ++c)
    workers.push_back(Worker(client, make, port, kBatch / connections));
  int ok = 0;
  for (int n : co_await WhenAll(std::move(workers))) ok += n;
  co_return ok;
}

double CpuNanos(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Besides requests per second, reports CPU time per request of the server (the process's CPU
// time minus the client's and the benchmark thread's) and of the client. On a shared 2-core
// machine throughput swings with the neighbours' load; CPU per request barely does, so the
// server_cpu_ns ratio is the steadier comparison with bare Beast.
void Drive(benchmark::State& state, std::uint16_t port, const RequestMaker& make = BenchRequest) {
  const int connections = static_cast<int>(state.range(0));
  LiveRuntime runtime;  // the client's one thread
  LiveHttpClient client(runtime,
                        {.max_connections_per_host = static_cast<std::size_t>(connections)});
  runtime.Start();
  clockid_t client_clock{};
  RunSync(runtime, [](clockid_t* out) -> Task<void> {
    pthread_getcpuclockid(pthread_self(), out);
    co_return;
  }(&client_clock));
  const int expected = kBatch / connections * connections;
  RunSync(runtime, Batch(client, make, port, connections));  // warm-up: opens the connections

  const double process_before = CpuNanos(CLOCK_PROCESS_CPUTIME_ID);
  const double client_before = CpuNanos(client_clock);
  const double main_before = CpuNanos(CLOCK_THREAD_CPUTIME_ID);
  for (auto _ : state) {
    const int ok = RunSync(runtime, Batch(client, make, port, connections));
    if (ok != expected) {
      state.SkipWithError("some requests failed");
      break;
    }
  }
  const double client_cpu = CpuNanos(client_clock) - client_before;
  const double main_cpu = CpuNanos(CLOCK_THREAD_CPUTIME_ID) - main_before;
  const double server_cpu =
      CpuNanos(CLOCK_PROCESS_CPUTIME_ID) - process_before - client_cpu - main_cpu;
  const double requests = static_cast<double>(state.iterations()) * expected;

  state.SetItemsProcessed(state.iterations() * expected);
  state.counters["connections"] = static_cast<double>(client.connections_opened());
  if (requests > 0) {
    state.counters["server_cpu_ns"] = server_cpu / requests;
    state.counters["client_cpu_ns"] = client_cpu / requests;
  }
}

void BM_HttpServer_FixedBody(benchmark::State& state) {
  FunctionService service(
      [](const Request&, Moment) { return Response::Json(200, std::string(kBody)); });
  HttpServer server(service, {.threads = 1});
  const auto port = server.Start();
  if (!port) {
    state.SkipWithError(port.error().c_str());
    return;
  }
  Drive(state, *port);
}

// Server CPU per request of the bare Beast server at 16 connections, from the run above the
// mocks' (registered first), so each mock's ratio compares figures of one run.
double g_bare_server_cpu_ns = 0;
// The Shopify mock's, for the same-body comparison registered after it.
double g_shopify_server_cpu_ns = 0;

void BM_BareBeast_FixedBody(benchmark::State& state) {
  BareServer server;
  Drive(state, server.port());
  if (state.range(0) == 16 && state.counters.count("server_cpu_ns") != 0) {
    g_bare_server_cpu_ns = state.counters["server_cpu_ns"];
  }
}

// ---------------------------------------------------------------------------------------------
// The stateful mocks: the request a support pipeline makes most, answered by each mock, first as a
// direct Handle call (the mock's own cost) and then over loopback beside the bare Beast baseline
// of the same run. Rate limits are lifted so the figure is the mock's speed, not its limit.

struct ShopifyFixture {
  mocks::shopify::ShopifyMock mock{{}, Rng(1)};
  std::string target;
  ShopifyFixture() {
    mock.SetRestLimits({1'000'000'000, Duration(1)});
    const Moment now{};
    auto id = mock.SeedOrder({{"email", "ana@example.com"},
                              {"financial_status", "paid"},
                              {"line_items", {{{"title", "Hoodie"}, {"sku", "HD-1"}, {"quantity", 1}, {"price", "54.99"}}}}},
                             now);
    target = "/admin/api/2026-01/orders/" + std::to_string(id ? *id : 0) + ".json";
  }
  Request Make(std::uint16_t port) const {
    Request r;
    r.target = target;
    r.headers.Set("Host", "127.0.0.1:" + std::to_string(port));
    r.headers.Set("X-Shopify-Access-Token", "shpat_rehearsal_0001");
    return r;
  }
};

struct GorgiasFixture {
  mocks::gorgias::GorgiasMock mock{{}, Rng(2)};
  std::string target;
  std::string auth;
  GorgiasFixture() {
    mock.SetRateLimits({.enabled = false});
    const Moment now{};
    mocks::gorgias::User user;
    user.email = "bench@acme.example";
    const auto user_id = mock.AddUser(user, now);
    mock.AddApiKey(user_id, "bench-key");
    auth = "Basic " + Base64Encode("bench@acme.example:bench-key");
    auto customer = mock.SeedCustomer({{"email", "ana@example.com"}, {"name", "Ana"}}, now);
    target = "/api/customers/" + std::to_string(customer ? *customer : 0);
  }
  Request Make(std::uint16_t port) const {
    Request r;
    r.target = target;
    r.headers.Set("Host", "127.0.0.1:" + std::to_string(port));
    r.headers.Set("Authorization", auth);
    return r;
  }
};

struct KlaviyoFixture {
  Scheduler scheduler;  // campaigns and flows would run here; a GET schedules nothing
  mocks::klaviyo::KlaviyoMock mock{{}, scheduler, Rng(3)};
  Request Make(std::uint16_t port) const {
    Request r;
    r.target = "/api/profiles?filter=equals(email,%22ana@example.com%22)";
    r.headers.Set("Host", "127.0.0.1:" + std::to_string(port));
    r.headers.Set("Authorization", "Klaviyo-API-Key pk_bench00000000000000000000000000000");
    r.headers.Set("revision", "2026-07-15");
    return r;
  }
  KlaviyoFixture() {
    mocks::klaviyo::RateLimits off;
    off.enabled = false;
    mock.SetRateLimits(off);
  }
};

// The LLM mock with its latency model off: every answer is held for its modelled service time
// (hundreds of milliseconds), which would measure the model, not the mock's cost.
mocks::llm::Config NoLatencyLlm() {
  mocks::llm::Config config;
  for (mocks::llm::ModelProfile& model : config.models) {
    model.ttft_median = Duration{0};
    model.per_input_token_ms = 0;
    model.tokens_per_second = 1e18;
  }
  return config;
}

struct LlmFixture {
  mocks::llm::LlmMock mock{NoLatencyLlm(), Rng(4)};
  LlmFixture() {
    mocks::llm::RateLimits off;
    off.enabled = false;
    mock.SetRateLimits(off);
  }
  Request Make(std::uint16_t port) const {
    Request r;
    r.method = Method::kPost;
    r.target = "/v1/chat/completions";
    r.headers.Set("Host", "127.0.0.1:" + std::to_string(port));
    r.headers.Set("Authorization", "Bearer sk-bench");
    r.headers.Set("Content-Type", "application/json");
    r.body = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Customer message: where is my order #1001?"}]})";
    return r;
  }
};

template <class Fixture>
void BM_Mock_InMemoryHandle(benchmark::State& state) {
  Fixture f;
  const Request request = f.Make(0);
  Moment now{};
  std::int64_t ok = 0;
  for (auto _ : state) {
    now.monotonic += Ms(1);
    ok += f.mock.Handle(request, now).status == 200 ? 1 : 0;
  }
  if (ok != state.iterations()) state.SkipWithError("a request was not answered 200");
  state.SetItemsProcessed(state.iterations());
}

template <class Fixture>
void BM_Mock_Loopback(benchmark::State& state) {
  Fixture f;
  HttpServer server(f.mock, {.threads = 1});
  const auto port = server.Start();
  if (!port) {
    state.SkipWithError(port.error().c_str());
    return;
  }
  Drive(state, *port, [&f](std::uint16_t p) { return f.Make(p); });
  // DESIGN.md's bar: at least 0.7 of bare Beast's requests per server CPU-second.
  if (g_bare_server_cpu_ns > 0 && state.counters.count("server_cpu_ns") != 0) {
    state.counters["vs_bare_beast"] = g_bare_server_cpu_ns / state.counters["server_cpu_ns"];
  }
  if constexpr (std::is_same_v<Fixture, ShopifyFixture>) {
    if (state.counters.count("server_cpu_ns") != 0) g_shopify_server_cpu_ns = state.counters["server_cpu_ns"];
  }
}

BENCHMARK_TEMPLATE(BM_Mock_InMemoryHandle, ShopifyFixture);
BENCHMARK_TEMPLATE(BM_Mock_InMemoryHandle, GorgiasFixture);
BENCHMARK_TEMPLATE(BM_Mock_InMemoryHandle, KlaviyoFixture);
BENCHMARK_TEMPLATE(BM_Mock_InMemoryHandle, LlmFixture);
// Bare Beast answering the Shopify fixture's own order document (about 5 KB, against the fixed
// body's 30 bytes): what the bytes of a large answer cost any server, for a like-for-like ratio.
void BM_BareBeast_ShopifyOrderBody(benchmark::State& state) {
  ShopifyFixture f;
  BareServer server(f.mock.Handle(f.Make(0), Moment{}).body);
  Drive(state, server.port());
  state.counters["body_bytes"] = static_cast<double>(f.mock.Handle(f.Make(0), Moment{}).body.size());
  if (g_shopify_server_cpu_ns > 0 && state.counters.count("server_cpu_ns") != 0) {
    state.counters["shopify_vs_this"] = state.counters["server_cpu_ns"] / g_shopify_server_cpu_ns;
  }
}

// The baseline first, then all four mocks: each mock's vs_bare_beast is within this one run.
BENCHMARK(BM_BareBeast_FixedBody)->Arg(16)->UseRealTime()->MinTime(0.5);
BENCHMARK_TEMPLATE(BM_Mock_Loopback, ShopifyFixture)->Arg(16)->UseRealTime()->MinTime(0.5);
BENCHMARK_TEMPLATE(BM_Mock_Loopback, GorgiasFixture)->Arg(16)->UseRealTime()->MinTime(0.5);
BENCHMARK_TEMPLATE(BM_Mock_Loopback, KlaviyoFixture)->Arg(16)->UseRealTime()->MinTime(0.5);
BENCHMARK_TEMPLATE(BM_Mock_Loopback, LlmFixture)->Arg(16)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_BareBeast_ShopifyOrderBody)->Arg(16)->UseRealTime()->MinTime(0.5);

// Interleaved, so that ours and the baseline at one connection count run back to back under the
// same machine load.
BENCHMARK(BM_HttpServer_FixedBody)->Arg(1)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_BareBeast_FixedBody)->Arg(1)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_HttpServer_FixedBody)->Arg(16)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_BareBeast_FixedBody)->Arg(16)->UseRealTime()->MinTime(0.5);

}  // namespace
}  // namespace rh::sim::live
