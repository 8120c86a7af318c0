// One keep-alive connection to an upstream origin: Poco's client session plus what Poco 1.11 does
// not tell. Whether a read met the peer's end-of-file (Poco's body streams then end quietly, so a
// body cut short would pass for a complete one: BodyReader asks); whether an idle pooled
// connection is still open before a request is written on it (a request goes out again on another
// connection only when none of it reached the upstream); and a way to wake the thread using it
// from another one (the drain deadline, InFlightCalls).
#pragma once

#include <chrono>
#include <memory>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Timespan.h>

#include "upstream/Url.hpp"

namespace aicore::host {

class UpstreamSession {
 public:
  using Clock = std::chrono::steady_clock;

  static std::unique_ptr<UpstreamSession> open(const Url& u, const Poco::Net::Context::Ptr& tls);
  virtual ~UpstreamSession() = default;

  virtual Poco::Net::HTTPClientSession& http() = 0;
  // Connects now unless connected: the call registers its socket before writing on it.
  virtual void connect() = 0;

  // Timeouts of the next connect, writes and reads. Poco applies a session's timeouts only when
  // it connects; a pooled connection needs them set on its socket.
  void set_timeouts(Poco::Timespan connect, Poco::Timespan send, Poco::Timespan receive);
  void set_receive_timeout(Poco::Timespan receive);

  // A pooled connection before reuse: false when the server closed it while idle (end-of-file or
  // unasked bytes are waiting) or it idled longer than `max_idle`.
  bool reusable(Clock::duration max_idle);
  Clock::time_point idle_since{};

  // True once a read of this exchange met the peer's end-of-file.
  bool peer_closed() const { return peer_closed_; }
  void clear_peer_closed() { peer_closed_ = false; }

  // Any thread: shutdown(2) of the descriptor, which wakes a blocked reader and writes nothing.
  void shutdown_socket();

 protected:
  bool peer_closed_ = false;
};

}  // namespace aicore::host
