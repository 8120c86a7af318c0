// A client connection's socket that replays the bytes the poller read while it waited for a
// complete request head, before reading the descriptor again. Poco's HTTPServerSession reads
// through it as through any socket, so Poco still parses every byte; the poller never blocks a
// worker on a slow client. It also carries the poller's bookkeeping for the connection.
#pragma once

#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/HeadScanner.hpp"

namespace aicore::host::net {

using Clock = std::chrono::steady_clock;

class ClientSocket : public Poco::Net::StreamSocketImpl {
 public:
  explicit ClientSocket(poco_socket_t fd) : StreamSocketImpl(fd) {}

  // Poco's reads: pending bytes first, then the descriptor.
  using StreamSocketImpl::receiveBytes;
  int receiveBytes(void* buffer, int length, int flags = 0) override;
  int available() override;
  // Poco sets the receive timeout again for every request (HTTPServerSession's constructor): the
  // syscall is skipped when the value does not change.
  void setReceiveTimeout(const Poco::Timespan& timeout) override;
  // Poco asks for both addresses for every request (getsockname, getpeername); they do not change.
  Poco::Net::SocketAddress address() override;
  Poco::Net::SocketAddress peerAddress() override;

  // The poller's non-blocking read: appends what the kernel has, up to `max_pending` bytes
  // pending in total. Returns the number of bytes read, 0 at end of stream, -1 when nothing is
  // there yet (or `max_pending` is reached), -2 on a socket error.
  int fill(size_t max_pending);
  std::string_view pending() const { return std::string_view(buf_).substr(off_); }
  void drop(size_t n);                      // discards the first n pending bytes
  void unread(const char* data, size_t n);  // puts bytes back in front of the pending ones

  // Bytes handed to Poco since the last reset: with the head's size and what Poco still buffers,
  // how much of a request body the handler consumed.
  int64_t delivered() const { return delivered_; }
  void reset_delivered() { delivered_ = 0; }

  // The poller's state for this connection (touched by one thread at a time: the poller while it
  // holds the connection, the worker while it serves it; the hand-over goes through a mutex).
  enum class Phase { Head, Skip, Linger };
  Phase phase = Phase::Head;
  Clock::time_point deadline{};
  bool idle = true;      // Head: no byte of the next head yet (the keep-alive timeout applies)
  int64_t skip = 0;      // Skip: body bytes of the previous request still to discard
  int64_t lingered = 0;  // Linger: bytes discarded before the close
  int requests = 0;      // requests served on this connection
  // Set by the poller for a head it refuses before Poco parses it (too large, obsolete line
  // folding): the worker answers with it and closes.
  int reject_status = 0;
  std::string reject_message;
  HeadScanner scanner;

 protected:
  ~ClientSocket() override = default;

 private:
  std::string buf_;
  size_t off_ = 0;
  Poco::Timespan::TimeDiff receive_timeout_us_ = -1;
  std::optional<Poco::Net::SocketAddress> address_, peer_;
  int64_t delivered_ = 0;
};

}  // namespace aicore::host::net
