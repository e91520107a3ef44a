// Goal: HttpServer hosts a Service correctly over real loopback sockets: it converts requests and
// responses faithfully, keeps connections alive, survives malformed and oversized requests,
// bounds idle and stalled connections, and stops gracefully with requests in flight. Clients are
// LiveHttpClient or raw sockets (for bytes no well-behaved client would send). Every wait is
// bounded; nothing asserts speed.
#include "sim/live/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "live_test_support.h"
#include "sim/live/http_client.h"
#include "sim/live/runtime.h"
#include "sim/service.h"
#include "sim/task.h"

namespace rh::sim::live {
namespace {

using testing::Await;
using testing::Get;
using testing::Post;
using testing::RawSocket;

// Answers with what it received, so tests can see the conversion.
Response Echo(const Request& request, Moment /*now*/) {
  Response response = Response::Text(
      200, std::string(MethodName(request.method)) + " " + request.target + " " + request.body);
  response.headers.Set("X-Seen-Header", request.headers.GetOr("X-Test", "(none)"));
  return response;
}

// A server on an ephemeral port and a client on its own runtime, started and torn down in order.
struct Fixture {
  explicit Fixture(Service& service, HttpServer::Config server_config = {},
                   LiveHttpClient::Config client_config = {})
      : server(service, std::move(server_config)), client(runtime, client_config) {
    auto started = server.Start();
    RH_CHECK(started.has_value(), "test server failed to start");
    port = *started;
    runtime.Start();
  }
  SendResult Send(Request request, SendOptions options = {}) {
    return Await(Launch(runtime, client.Send(std::move(request), options)), "a send");
  }

  HttpServer server;
  LiveRuntime runtime;
  LiveHttpClient client;
  std::uint16_t port = 0;
};

TEST(HttpServer, PassesMethodTargetHeadersAndBodyToTheServiceAndItsResponseBack) {
  FunctionService service(Echo);
  Fixture f(service);
  Request request = Post(f.port, "/orders?limit=2", "{\"a\":1}");
  request.headers.Set("X-Test", "yes");
  const SendResult result = f.Send(std::move(request));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "POST /orders?limit=2 {\"a\":1}");
  EXPECT_EQ(result->headers.GetOr("X-Seen-Header", ""), "yes");
  EXPECT_EQ(result->headers.GetOr("Content-Length", ""), std::to_string(result->body.size()));
}

TEST(HttpServer, SequentialRequestsReuseOneKeepAliveConnection) {
  FunctionService service(Echo);
  Fixture f(service);
  for (int i = 0; i < 100; ++i) {
    const SendResult result = f.Send(Get(f.port, "/n/" + std::to_string(i)));
    ASSERT_TRUE(result.has_value()) << result.error().detail;
    ASSERT_EQ(result->body, "GET /n/" + std::to_string(i) + " ");
  }
  EXPECT_EQ(f.client.connections_opened(), 1u);
  EXPECT_EQ(f.server.connections_accepted(), 1u);
  // The server counts a response once its write completes, which may be after the client has
  // read it; stopping settles the count.
  f.server.Stop();
  EXPECT_EQ(f.server.requests_served(), 100u);
}

Task<std::vector<SendResult>> SendMany(LiveHttpClient& client, std::uint16_t port, int n) {
  std::vector<Task<SendResult>> sends;
  for (int i = 0; i < n; ++i) sends.push_back(client.Send(Get(port, "/n/" + std::to_string(i))));
  co_return co_await WhenAll(std::move(sends));
}

TEST(HttpServer, Answers200ConcurrentRequestsEachWithItsOwnAnswer) {
  FunctionService service(Echo);
  Fixture f(service, {.threads = 2}, {.max_connections_per_host = 200});
  const auto results = Await(Launch(f.runtime, SendMany(f.client, f.port, 200)), "200 sends");
  ASSERT_EQ(results.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(results[i].has_value()) << results[i].error().detail;
    EXPECT_EQ(results[i]->body, "GET /n/" + std::to_string(i) + " ");
  }
  EXPECT_LE(f.client.connections_opened(), 200u);
  f.server.Stop();  // settles the count (see above)
  EXPECT_EQ(f.server.requests_served(), 200u);
}

TEST(HttpServer, Answers200ThreadsWithTheirOwnSocketsAtOnce) {
  FunctionService service(Echo);
  Fixture f(service, {.threads = 2});
  constexpr int kClients = 200;
  std::vector<std::string> answers(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      RawSocket socket = RawSocket::Connect(f.port);
      if (!socket.valid()) return;
      socket.Write("GET /t/" + std::to_string(i) +
                   " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      answers[i] = socket.ReadAll();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_NE(answers[i].find("HTTP/1.1 200 OK"), std::string::npos) << i;
    EXPECT_NE(answers[i].find("\r\n\r\nGET /t/" + std::to_string(i) + " "), std::string::npos)
        << answers[i];
  }
  EXPECT_EQ(f.server.connections_accepted(), static_cast<std::uint64_t>(kClients));
}

TEST(HttpServer, GivesAStatusBeastDoesNotKnowAReasonPhraseFromOurTable) {
  FunctionService service([](const Request&, Moment) { return Response::Json(529, "{}"); });
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  ASSERT_TRUE(socket.valid());
  socket.Write("GET /busy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string answer = socket.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 529 Overloaded\r\n", 0), 0u) << answer;
}

TEST(HttpServer, AnswersGarbageWith400ClosesAndKeepsServing) {
  FunctionService service(Echo);
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  ASSERT_TRUE(socket.valid());
  socket.Write("GARBAGE\r\n\r\n");
  const std::string answer = socket.ReadAll();  // ends when the server closes
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);

  const SendResult after = f.Send(Get(f.port, "/after"));
  ASSERT_TRUE(after.has_value()) << after.error().detail;
  EXPECT_EQ(after->status, 200);
}

TEST(HttpServer, AnswersABodyOverTheLimitWith413ClosesAndKeepsServing) {
  FunctionService service(Echo);
  Fixture f(service, {.body_limit = 1024});
  RawSocket socket = RawSocket::Connect(f.port);
  ASSERT_TRUE(socket.valid());
  // The whole oversized body goes out before the answer is read: the server must drain it rather
  // than reset the connection under its own 413.
  socket.Write("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
               std::string(100000, 'x'));
  const std::string answer = socket.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u) << answer;

  // Chunked bodies have no Content-Length to check up front; the limit still holds.
  RawSocket chunked = RawSocket::Connect(f.port);
  chunked.Write("POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
                std::string(0x800, 'y') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.ReadAll().rfind("HTTP/1.1 413", 0), 0u);

  const SendResult after = f.Send(Post(f.port, "/small", std::string(1000, 'z')));
  ASSERT_TRUE(after.has_value()) << after.error().detail;
  EXPECT_EQ(after->status, 200);
}

TEST(HttpServer, AnswersAnOversizedHeadWith431) {
  FunctionService service(Echo);
  Fixture f(service, {.header_limit = 1024});
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n");
  EXPECT_EQ(socket.ReadAll().rfind("HTTP/1.1 431", 0), 0u);
}

TEST(HttpServer, AnswersAnUnknownMethodWith501AndKeepsTheConnection) {
  FunctionService service(Echo);
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(socket.ReadResponse().rfind("HTTP/1.1 501 Not Implemented\r\n", 0), 0u);
  socket.Write("GET /still-here HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string second = socket.ReadResponse();
  EXPECT_EQ(second.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << second;
  EXPECT_EQ(f.server.connections_accepted(), 1u);
}

TEST(HttpServer, AnswersPipelinedRequestsInOrder) {
  FunctionService service(Echo);
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string all = socket.ReadAll();
  const auto one = all.find("GET /one ");
  const auto two = all.find("POST /two abc");
  const auto three = all.find("GET /three ");
  ASSERT_NE(one, std::string::npos) << all;
  ASSERT_NE(two, std::string::npos) << all;
  ASSERT_NE(three, std::string::npos) << all;
  EXPECT_LT(one, two);
  EXPECT_LT(two, three);
}

TEST(HttpServer, AnswersExpect100ContinueBeforeReadingTheBody) {
  FunctionService service(Echo);
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("PUT /doc HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const std::string interim = testing::ReadRequestHead(socket);  // reads up to a blank line
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  socket.Write("hello");
  const std::string final_answer = socket.ReadResponse();
  EXPECT_NE(final_answer.find("PUT /doc hello"), std::string::npos) << final_answer;
}

TEST(HttpServer, AnswersHeadWithTheLengthButNoBody) {
  FunctionService service(Echo);
  Fixture f(service);
  Request head = Get(f.port, "/h");
  head.method = Method::kHead;
  const SendResult result = f.Send(std::move(head));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->body, "");
  EXPECT_EQ(result->headers.GetOr("Content-Length", ""),
            std::to_string(std::string("HEAD /h ").size()));
  // The connection stays usable: no body bytes were left on it.
  const SendResult next = f.Send(Get(f.port, "/next"));
  ASSERT_TRUE(next.has_value()) << next.error().detail;
  EXPECT_EQ(next->body, "GET /next ");
  EXPECT_EQ(f.client.connections_opened(), 1u);
}

TEST(HttpServer, AnswersWith500WhenTheServiceThrowsAndKeepsServing) {
  FunctionService service([](const Request& request, Moment now) -> Response {
    if (request.Path() == "/throw") throw std::runtime_error("kaboom");
    return Echo(request, now);
  });
  Fixture f(service);
  const SendResult failed = f.Send(Get(f.port, "/throw"));
  ASSERT_TRUE(failed.has_value()) << failed.error().detail;
  EXPECT_EQ(failed->status, 500);
  EXPECT_NE(failed->body.find("kaboom"), std::string::npos);
  const SendResult after = f.Send(Get(f.port, "/fine"));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->status, 200);
}

TEST(HttpServer, GivesTheServiceTheRealClock) {
  std::atomic<std::int64_t> seen_wall_s{0};
  FunctionService service([&](const Request&, Moment now) {
    seen_wall_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.wall.time_since_epoch()).count();
    return Response::Text(204, "");
  });
  Fixture f(service);
  const SendResult result = f.Send(Get(f.port));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, 204);
  EXPECT_FALSE(result->headers.Has("Content-Length")) << "204 carries no Content-Length";
  // 2020-01-01 as a floor: a calendar reading, not an uninitialised or virtual one.
  EXPECT_GT(seen_wall_s.load(), 1577836800);
}

TEST(HttpServer, ClosesAKeepAliveConnectionIdleForTooLong) {
  FunctionService service(Echo);
  Fixture f(service, {.idle_timeout = Ms(100)});
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_FALSE(socket.ReadResponse().empty());
  EXPECT_TRUE(socket.PeerClosed()) << "still open after the 5 s receive timeout";
}

TEST(HttpServer, DropsAClientThatStallsMidRequest) {
  FunctionService service(Echo);
  Fixture f(service, {.idle_timeout = Sec(60), .read_timeout = Ms(100)});
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("GET / HTTP/1.1\r\nHo");
  EXPECT_TRUE(socket.PeerClosed()) << "still open after the 5 s receive timeout";
}

TEST(HttpServer, DropsAClientThatTricklesItsHeadPastTheHeadDeadline) {
  // Slowloris: a byte every 50 ms never trips the 10 s read timeout, but the head must be whole
  // within head_timeout of its first byte.
  FunctionService service(Echo);
  Fixture f(service, {.idle_timeout = Sec(60), .read_timeout = Sec(10), .head_timeout = Ms(300)});
  RawSocket socket = RawSocket::Connect(f.port);
  const std::string head = "GET / HTTP/1.1\r\nX-Slow: " + std::string(200, 's');
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (const char c : head) {
    if (!socket.Write(std::string_view(&c, 1))) {
      closed = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(5)) break;
  }
  EXPECT_TRUE(closed || socket.PeerClosed()) << "the head trickled in for 5 s and the connection stayed open";
}

TEST(HttpServer, RefusesAnHttp11RequestWithoutHostWith400) {
  FunctionService service(Echo);
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("GET / HTTP/1.1\r\nX-Test: 1\r\n\r\n");
  const std::string answer = socket.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Host"), std::string::npos) << answer;

  RawSocket two_hosts = RawSocket::Connect(f.port);
  two_hosts.Write("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  EXPECT_EQ(two_hosts.ReadAll().rfind("HTTP/1.1 400", 0), 0u);

  // HTTP/1.0 has no Host requirement.
  RawSocket old = RawSocket::Connect(f.port);
  old.Write("GET /old HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.ReadAll().rfind("HTTP/1.0 200", 0), 0u);
}

TEST(HttpServer, RefusesATransferCodingOtherThanChunkedWith501) {
  FunctionService service(Echo);
  Fixture f(service);
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  const std::string answer = socket.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 501 Not Implemented\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("gzip"), std::string::npos) << answer;

  // Plain chunked is still read.
  RawSocket chunked = RawSocket::Connect(f.port);
  chunked.Write("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  const std::string ok = chunked.ReadAll();
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(ok.find("POST /c abc"), std::string::npos) << ok;
}

// The request path without sockets answers as a connection would; an incomplete request (here a
// final chunk without its last CRLF, found by the http_request fuzz target) is left unanswered.
TEST(AnswerConnectionBytes, AnswersCompleteRequestsAndLeavesAnIncompleteOneUnanswered) {
  FunctionService service(Echo);
  const std::string answer = AnswerConnectionBytes(
      service, {}, "GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\na",
      Moment{});
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("GET /one"), std::string::npos);
  EXPECT_EQ(answer.find("POST /c"), std::string::npos) << answer;
  EXPECT_EQ(AnswerConnectionBytes(service, {}, "GET / HTTP/1.1\r\n\r\n", Moment{}).rfind("HTTP/1.1 400", 0), 0u);
}

TEST(HttpServer, ClosesConnectionsBeyondMaxConnections) {
  FunctionService service(Echo);
  Fixture f(service, {.max_connections = 1});
  RawSocket first = RawSocket::Connect(f.port);
  first.Write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_FALSE(first.ReadResponse().empty());  // now certainly accepted and counted
  RawSocket second = RawSocket::Connect(f.port);
  ASSERT_TRUE(second.valid());  // the kernel accepts; the server closes
  EXPECT_TRUE(second.PeerClosed());
  EXPECT_EQ(f.server.connections_accepted(), 1u);
}

TEST(HttpServer, StartNamesTheAddressWhenThePortIsTaken) {
  FunctionService service(Echo);
  HttpServer first(service);
  const auto port = first.Start();
  ASSERT_TRUE(port.has_value()) << port.error();
  HttpServer second(service, {.port = *port});
  const auto clash = second.Start();
  ASSERT_FALSE(clash.has_value());
  EXPECT_NE(clash.error().find("127.0.0.1:" + std::to_string(*port)), std::string::npos)
      << clash.error();
  EXPECT_FALSE(first.Start().has_value()) << "a server starts once";
}

TEST(HttpServer, StopWithoutStartAndTwiceIsHarmless) {
  FunctionService service(Echo);
  HttpServer never(service);
  never.Stop();
  HttpServer twice(service);
  ASSERT_TRUE(twice.Start().has_value());
  twice.Stop();
  twice.Stop();
}

// A Service that holds every request until released, counting those inside; "/free" passes.
class GateService final : public Service {
 public:
  Response Handle(const Request& request, Moment /*now*/) override {
    if (request.Path() == "/free") return Response::Text(200, "free");
    std::unique_lock lock(mu_);
    ++inside_;
    changed_.notify_all();
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
    return Response::Text(200, "done " + request.target);
  }
  // True once `n` requests are inside, within the test's wait limit.
  bool WaitInside(int n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, testing::kWaitLimit, [&] { return inside_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int inside_ = 0;
  bool open_ = false;
};

TEST(HttpServer, StopLetsRequestsInFlightFinishAndAnswer) {
  GateService service;  // thread-safe on its own, so several threads may call it
  constexpr int kInFlight = 4;
  // One thread more than the requests held at the gate, free to close the idle connection.
  Fixture f(service, {.threads = kInFlight + 1}, {.max_connections_per_host = kInFlight});

  // An idle keep-alive connection, which Stop must close rather than wait for.
  RawSocket idle = RawSocket::Connect(f.port);
  idle.Write("GET /free HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_FALSE(idle.ReadResponse().empty());

  std::vector<std::future<SendResult>> answers;
  for (int i = 0; i < kInFlight; ++i) {
    answers.push_back(Launch(f.runtime, f.client.Send(Get(f.port, "/r" + std::to_string(i)))));
  }
  ASSERT_TRUE(service.WaitInside(kInFlight));

  // The gate opens only once Stop is under way (the idle connection closing shows it), so Stop
  // has to wait for the requests in flight, and they finish after it began.
  bool idle_closed = false;
  std::thread opener([&] {
    idle_closed = idle.PeerClosed();
    service.Open();
  });
  f.server.Stop();
  opener.join();
  EXPECT_TRUE(idle_closed);

  for (int i = 0; i < kInFlight; ++i) {
    const SendResult result = Await(std::move(answers[i]), "an in-flight answer");
    ASSERT_TRUE(result.has_value()) << result.error().detail;
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(result->body, "done /r" + std::to_string(i));
    EXPECT_EQ(result->headers.GetOr("Connection", ""), "close");
  }
  EXPECT_EQ(f.server.open_connections(), 0u);

  const SendResult refused = f.Send(Get(f.port, "/late"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, TransportErrorKind::kConnectFailed);
}

TEST(HttpServer, StopClosesIdleKeepAliveConnectionsWithoutWaitingForTheirTimeout) {
  FunctionService service(Echo);
  Fixture f(service, {.idle_timeout = Sec(60)});
  RawSocket socket = RawSocket::Connect(f.port);
  socket.Write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_FALSE(socket.ReadResponse().empty());
  // A grace period longer than the socket's 5 s receive timeout: had Stop waited for the idle
  // connection instead of closing it, PeerClosed would see nothing.
  std::thread stopper([&] { f.server.Stop(Sec(30)); });
  EXPECT_TRUE(socket.PeerClosed());
  stopper.join();
}

TEST(HttpServer, StopForceClosesAfterTheGracePeriod) {
  FunctionService service(Echo);
  Fixture f(service, {.idle_timeout = Sec(60), .read_timeout = Sec(60)});
  RawSocket stalled = RawSocket::Connect(f.port);
  stalled.Write("GET / HTTP/1.1\r\nHo");  // a request under way that will never finish
  // Give the server a moment to read those bytes, so the session is mid-request rather than idle
  // (idle ones close at once; either way the socket must end up closed).
  for (int i = 0; i < 1000 && f.server.open_connections() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  f.server.Stop(Ms(50));
  EXPECT_TRUE(stalled.PeerClosed());
  EXPECT_EQ(f.server.open_connections(), 0u);
}

}  // namespace
}  // namespace rh::sim::live
