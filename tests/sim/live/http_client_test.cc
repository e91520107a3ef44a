// Goal: LiveHttpClient turns every way a connection can fail into the right TransportError
// (refused, silent, cut off mid-response, oversized), replaces a stale pooled connection without
// replaying requests the server may have acted on, and keeps to its per-host cap with a waiting
// queue. Misbehaving servers are played by raw sockets on test threads. Every wait is bounded;
// nothing asserts speed.
#include "sim/live/http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "live_test_support.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/service.h"
#include "sim/task.h"

namespace rh::sim::live {
namespace {

using testing::Await;
using testing::Get;
using testing::Post;
using testing::RawListener;
using testing::RawSocket;
using testing::ReadRequestHead;

// A client on its own running runtime.
struct ClientFixture {
  explicit ClientFixture(LiveHttpClient::Config config = {}) : client(runtime, config) {
    runtime.Start();
  }
  SendResult Send(Request request, SendOptions options = {}) {
    return Await(Launch(runtime, client.Send(std::move(request), options)), "a send");
  }
  LiveRuntime runtime;
  LiveHttpClient client;
};

Response Hello(const Request& request, Moment) {
  return Response::Text(200, "hello " + request.target);
}

std::string Ok(std::string_view body, bool keep_alive = true) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         (keep_alive ? "" : "Connection: close\r\n") + "\r\n" + std::string(body);
}

TEST(LiveHttpClient, ReportsConnectFailedWhenNothingListens) {
  std::uint16_t port = 0;
  {
    RawListener listener;  // take a free port, then free it
    port = listener.port();
  }
  ClientFixture f;
  const SendResult result = f.Send(Get(port));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kConnectFailed) << result.error().detail;
  EXPECT_NE(result.error().detail.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(LiveHttpClient, TimesOutOnAServerThatNeverAnswers) {
  RawListener listener;  // the kernel completes the handshake; nobody ever reads
  ClientFixture f;
  const SendResult result = f.Send(Get(listener.port()), {.timeout = Ms(200)});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kTimeout) << result.error().detail;
}

TEST(LiveHttpClient, ReportsConnectionResetWhenTheServerClosesMidResponse) {
  RawListener listener;
  std::thread server([&] {
    RawSocket conn = listener.Accept();
    ReadRequestHead(conn);
    conn.Write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it");
  });  // the socket closes as the thread ends
  ClientFixture f;
  const SendResult result = f.Send(Get(listener.port()));
  server.join();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kConnectionReset) << result.error().detail;
}

TEST(LiveHttpClient, ReturnsAnAnswerTheServerSentBeforeRefusingTheRestOfTheRequest) {
  RawListener listener;
  std::thread server([&] {
    RawSocket conn = listener.Accept();
    ReadRequestHead(conn);
    conn.Write(
        "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 8\r\nConnection: close\r\n\r\ntoo "
        "big\n");
    // Closing with the body unread resets the connection under the client's write.
  });
  ClientFixture f;
  const SendResult result = f.Send(Post(listener.port(), "/upload", std::string(32 << 20, 'u')));
  server.join();
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(result->body, "too big\n");
}

TEST(LiveHttpClient, ReportsAProtocolErrorForAResponseThatIsNotHttp) {
  RawListener listener;
  std::thread server([&] {
    RawSocket conn = listener.Accept();
    ReadRequestHead(conn);
    conn.Write("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  });
  ClientFixture f;
  const SendResult result = f.Send(Get(listener.port()));
  server.join();
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kProtocol) << result.error().detail;
}

TEST(LiveHttpClient, RefusesAResponseBodyOverItsLimit) {
  FunctionService service(
      [](const Request&, Moment) { return Response::Text(200, std::string(4096, 'b')); });
  HttpServer server(service);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f({.body_limit = 1024});
  const SendResult result = f.Send(Get(*port));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kProtocol) << result.error().detail;
}

TEST(LiveHttpClient, ReportsConnectFailedWithoutAHostHeader) {
  ClientFixture f;
  Request request;
  const SendResult result = f.Send(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, TransportErrorKind::kConnectFailed);
  EXPECT_NE(result.error().detail.find("Host"), std::string::npos);
}

TEST(LiveHttpClient, ResolvesAHostName) {
  FunctionService service(Hello);
  HttpServer server(service);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f;
  Request request = Get(*port, "/named");
  request.headers.Set("Host", "localhost:" + std::to_string(*port));
  const SendResult result = f.Send(std::move(request));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->body, "hello /named");
}

// The server answers the first request and keeps the connection open, then reads the second
// request and closes without a word, then answers on a fresh connection if one comes.
void PlayServerThatDropsTheSecondRequest(RawListener& listener, std::string& second_seen) {
  RawSocket first = listener.Accept();
  ReadRequestHead(first);
  first.Write(Ok("one"));
  second_seen = ReadRequestHead(first);
  first.Close();
  RawSocket fresh = listener.Accept();  // times out (5 s) when the client does not come back
  if (!fresh.valid()) return;
  ReadRequestHead(fresh);
  fresh.Write(Ok("two"));
}

TEST(LiveHttpClient, RetriesAnIdempotentRequestOnceWhenAReusedConnectionDropsIt) {
  RawListener listener;
  std::string second_seen;
  std::thread server([&] { PlayServerThatDropsTheSecondRequest(listener, second_seen); });
  ClientFixture f;
  const SendResult one = f.Send(Get(listener.port(), "/1"));
  const SendResult two = f.Send(Get(listener.port(), "/2"));
  server.join();
  ASSERT_TRUE(one.has_value()) << one.error().detail;
  EXPECT_EQ(one->body, "one");
  ASSERT_TRUE(two.has_value()) << two.error().detail;
  EXPECT_EQ(two->body, "two");
  EXPECT_NE(second_seen.find("GET /2"), std::string::npos);
  EXPECT_EQ(f.client.connections_opened(), 2u);
}

TEST(LiveHttpClient, DoesNotReplayAPostTheServerMayHaveActedOn) {
  RawListener listener(std::chrono::milliseconds(300));  // its second accept waits in vain
  std::string second_seen;
  std::thread server([&] { PlayServerThatDropsTheSecondRequest(listener, second_seen); });
  ClientFixture f;
  const SendResult one = f.Send(Get(listener.port(), "/1"));
  const SendResult two = f.Send(Post(listener.port(), "/charge", ""));
  server.join();
  ASSERT_TRUE(one.has_value());
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().kind, TransportErrorKind::kConnectionReset) << two.error().detail;
  EXPECT_EQ(f.client.connections_opened(), 1u);
}

TEST(LiveHttpClient, ReplaysAPostThatCarriesAnIdempotencyKey) {
  RawListener listener;
  std::string second_seen;
  std::thread server([&] { PlayServerThatDropsTheSecondRequest(listener, second_seen); });
  ClientFixture f;
  const SendResult one = f.Send(Get(listener.port(), "/1"));
  Request post = Post(listener.port(), "/charge", "");
  post.headers.Set("Idempotency-Key", "k-1");
  const SendResult two = f.Send(std::move(post));
  server.join();
  ASSERT_TRUE(two.has_value()) << two.error().detail;
  EXPECT_EQ(two->body, "two");
}

TEST(LiveHttpClient, SkipsAPooledConnectionTheServerClosedWhileIdle) {
  FunctionService service(Hello);
  HttpServer server(service, {.idle_timeout = Ms(50)});
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f;
  ASSERT_TRUE(f.Send(Get(*port, "/a")).has_value());
  // Wait (bounded) until the server has dropped the idle connection.
  for (int i = 0; i < 1000 && server.open_connections() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(server.open_connections(), 0u);
  // A POST is never replayed, so this passes only if the stale connection is noticed up front.
  const SendResult result = f.Send(Post(*port, "/b", "x"));
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_EQ(result->body, "hello /b");
  EXPECT_EQ(f.client.connections_opened(), 2u);
}

TEST(LiveHttpClient, DoesNotPoolAConnectionTheServerAskedToClose) {
  FunctionService service([](const Request&, Moment) {
    Response response = Response::Text(200, "bye");
    response.headers.Set("Connection", "close");
    return response;
  });
  HttpServer server(service);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f;
  for (int i = 0; i < 3; ++i) {
    const SendResult result = f.Send(Get(*port));
    ASSERT_TRUE(result.has_value()) << result.error().detail;
  }
  EXPECT_EQ(f.client.connections_opened(), 3u);
}

Task<std::vector<SendResult>> SendMany(LiveHttpClient& client, std::uint16_t port, int n,
                                       SendOptions options = {}) {
  std::vector<Task<SendResult>> sends;
  for (int i = 0; i < n; ++i) {
    sends.push_back(client.Send(Get(port, "/n/" + std::to_string(i)), options));
  }
  co_return co_await WhenAll(std::move(sends));
}

TEST(LiveHttpClient, KeepsToItsConnectionCapAndQueuesTheRest) {
  FunctionService service(Hello);
  HttpServer server(service, {.threads = 2});
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f({.max_connections_per_host = 2});
  const auto results = Await(Launch(f.runtime, SendMany(f.client, *port, 50)), "50 sends");
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(results[i].has_value()) << results[i].error().detail;
    EXPECT_EQ(results[i]->body, "hello /n/" + std::to_string(i));
  }
  EXPECT_LE(f.client.connections_opened(), 2u);
  EXPECT_LE(server.connections_accepted(), 2u);
}

TEST(LiveHttpClient, TimesOutARequestStillWaitingForAConnection) {
  FunctionService service([](const Request& request, Moment) {
    if (request.Path() == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Response::Text(200, "ok");
  });
  HttpServer server(service);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f({.max_connections_per_host = 1});
  auto slow = Launch(f.runtime, f.client.Send(Get(*port, "/slow")));
  // Make sure the slow one holds the only connection before the quick one asks.
  for (int i = 0; i < 1000 && server.connections_accepted() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const SendResult quick = f.Send(Get(*port, "/quick"), {.timeout = Ms(50)});
  ASSERT_FALSE(quick.has_value());
  EXPECT_EQ(quick.error().kind, TransportErrorKind::kTimeout) << quick.error().detail;
  const SendResult slow_result = Await(std::move(slow), "the slow send");
  ASSERT_TRUE(slow_result.has_value()) << slow_result.error().detail;
  // The connection goes back to the pool and serves the next request.
  ASSERT_TRUE(f.Send(Get(*port, "/quick")).has_value());
  EXPECT_EQ(f.client.connections_opened(), 1u);
}

TEST(LiveHttpClient, FailsTheRequestsBeyondItsWaitingQueue) {
  FunctionService service([](const Request&, Moment) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return Response::Text(200, "ok");
  });
  HttpServer server(service);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f({.max_connections_per_host = 1, .max_waiting_per_host = 2});
  // One on the connection, two waiting, one too many.
  const auto results = Await(Launch(f.runtime, SendMany(f.client, *port, 4)), "4 sends");
  int ok = 0;
  int refused = 0;
  for (const auto& r : results) {
    if (r.has_value()) {
      ++ok;
    } else {
      ++refused;
      EXPECT_EQ(r.error().kind, TransportErrorKind::kConnectFailed) << r.error().detail;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(refused, 1);
}

TEST(LiveHttpClient, CloseFailsWaitingAndLaterSendsWithShutdown) {
  FunctionService service([](const Request&, Moment) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return Response::Text(200, "ok");
  });
  HttpServer server(service);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  ClientFixture f({.max_connections_per_host = 1});
  auto on_connection = Launch(f.runtime, f.client.Send(Get(*port, "/first")));
  for (int i = 0; i < 1000 && server.connections_accepted() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto waiting = Launch(f.runtime, f.client.Send(Get(*port, "/second")));
  // The second has to be queued before Close for this test to mean anything; it is, as soon as
  // the runtime ran it, which a quick Yield-like round trip guarantees.
  Await(Launch(f.runtime, []() -> Task<void> { co_return; }()), "a round trip");
  f.client.Close();

  const SendResult first = Await(std::move(on_connection), "the in-flight send");
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  EXPECT_EQ(first->status, 200);
  const SendResult second = Await(std::move(waiting), "the waiting send");
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().kind, TransportErrorKind::kShutdown);
  const SendResult later = f.Send(Get(*port, "/third"));
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().kind, TransportErrorKind::kShutdown);
}

}  // namespace
}  // namespace rh::sim::live
