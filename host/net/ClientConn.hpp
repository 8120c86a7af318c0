// What every client connection carries besides its socket, plain or TLS: the bytes the poller
// read while it waited for a complete request head (replayed to Poco before the socket is read
// again), and the poller's bookkeeping. ClientSocket (plain) and TlsClientSocket (HTTPS) are both
// a Poco socket and a ClientConn, so the poller and the request runner treat them alike: neither
// a slow plain client nor a slow TLS handshake ever holds a worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/HeadScanner.hpp"

namespace Poco::Net {
class Socket;
}

namespace aicore::host::net {

using Clock = std::chrono::steady_clock;

class ClientConn {
 public:
  virtual ~ClientConn() = default;

  // The poller's non-blocking read: appends what the connection has (decrypted, for TLS), up to
  // `max_pending` bytes pending in total. Returns the number of bytes read, 0 at end of stream,
  // -1 when nothing is there yet (or `max_pending` is reached), -2 on a socket or TLS error.
  int fill(size_t max_pending);
  std::string_view pending() const { return std::string_view(buf_).substr(off_); }
  void drop(size_t n);                      // discards the first n pending bytes
  void unread(const char* data, size_t n);  // puts bytes back in front of the pending ones

  // Bytes handed to Poco since the last reset: with the head's size and what Poco still buffers,
  // how much of a request body the handler consumed.
  int64_t delivered() const { return delivered_; }
  void reset_delivered() { delivered_ = 0; }

  // Bytes the connection already holds beyond the descriptor (TLS: records OpenSSL decrypted
  // but nobody read): the descriptor will not become readable for them.
  virtual bool holds_bytes() { return false; }
  // The poller's non-blocking write of a short answer (the 503 when no worker can take the
  // connection); best effort. Then ends the sending side where that cannot block.
  virtual void send_now(std::string_view bytes) = 0;

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
  // One non-blocking read into `dst`, with fill()'s return convention.
  virtual int read_now(char* dst, size_t n) = 0;
  // For the sockets' receiveBytes: copies pending bytes first. Returns 0 when none are pending.
  int replay(void* buffer, int length);
  // The sockets' receiveBytes: pending bytes first, then read(buffer, length, flags) of the socket
  // class, counting what reaches Poco (a peek, flags != 0, neither replays nor counts).
  template <class Read>
  int receive(void* buffer, int length, int flags, Read&& read) {
    if (flags == 0) {
      if (const int n = replay(buffer, length); n > 0) return n;
    }
    const int n = read(buffer, length, flags);
    if (n > 0 && flags == 0) count_delivered(n);
    return n;
  }
  void count_delivered(int n) { delivered_ += n; }
  size_t pending_size() const { return buf_.size() - off_; }

 private:
  std::string buf_;
  size_t off_ = 0;
  int64_t delivered_ = 0;
};

// The client's port, for the debug log's connection trail (0 when the socket has none any more).
int peer_port(const Poco::Net::Socket& s) noexcept;

}  // namespace aicore::host::net
