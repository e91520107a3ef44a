// The client side of every transport: send a request, await a response or a transport error.
// In sim mode the in-memory network answers under virtual time; in live mode the Beast pool
// client answers over sockets. A status code, even 5xx, is a Response, not an error: only
// failures to get any response are TransportErrors.
#pragma once

#include <string>

#include "sim/expected.h"
#include "sim/http.h"
#include "sim/task.h"
#include "sim/time.h"

namespace rh::sim {

enum class TransportErrorKind {
  kConnectFailed,    // nothing listening, or the host is unknown
  kConnectionReset,  // the connection dropped before a full response arrived
  kTimeout,          // no full response within the request's timeout
  kProtocol,         // the peer spoke something that is not HTTP/1.1
  kShutdown,         // the client is stopping
};

std::string_view TransportErrorKindName(TransportErrorKind k);

struct TransportError {
  TransportErrorKind kind;
  std::string detail;
};

using SendResult = Expected<Response, TransportError>;

struct SendOptions {
  // The whole exchange: connect (when needed), write, and read the full response.
  Duration timeout = Sec(30);
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `request` to the authority named by its Host header.
  virtual Task<SendResult> Send(Request request, SendOptions options = {}) = 0;
};

}  // namespace rh::sim
