// What the connection layer enforces on clients; from the config's `server` section.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <Poco/Net/HTTPServerResponse.h>

namespace aicore::host::net {

struct ConnectionSettings {
  int header_timeout_s = 10;      // a request head must be complete this long after its first byte
  int keep_alive_timeout_s = 15;  // an idle connection waits this long for the next request
  int client_timeout_s = 120;     // longest silence while a body is read
  int send_timeout_s = 60;        // longest a write to a client may block (a stalled reader)
  int max_keep_alive_requests = 10000;
  size_t max_head_bytes = 64 * 1024;
  // An unread request body (a 401, a 404, /v1/models with a body) is discarded on the poller, up
  // to this many bytes and this long; beyond either the connection closes.
  int64_t max_discard_bytes = 1 << 20;
  int discard_ms = 2000;
  // Before closing a connection whose client may still be sending, read and drop its bytes up to
  // this much and this long, so the close does not reset the connection and destroy the answer
  // in the client's receive buffer.
  int64_t max_linger_bytes = 16 << 20;
  int linger_ms = 2000;
  // The whole HTTP/1.1 answer (503, Retry-After, Connection: close) for a connection no worker
  // can take because server.max_queued heads already wait; given the pending bytes, whose
  // request line picks the dialect's envelope. Sent by the poller without blocking.
  std::function<std::string(std::string_view head)> busy_answer;
};

// Sends an error answer the connection layer gives before any handler runs (a malformed head,
// broken framing): `path` is the request's path when known (it picks the dialect's envelope).
using ErrorAnswer = std::function<void(Poco::Net::HTTPServerResponse& resp, std::string_view path, int status,
                                       std::string_view message)>;

}  // namespace aicore::host::net
