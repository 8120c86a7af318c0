#include "net/ClientConn.hpp"

#include <Poco/Net/Socket.h>

#include <algorithm>
#include <cstring>

namespace aicore::host::net {

int ClientConn::fill(size_t max_pending) {
  int total = 0;
  // TLS: one readable event can bring more decrypted bytes than one read takes, and what stays
  // inside OpenSSL would never wake the poller again; so read while the connection holds some.
  do {
    const size_t have = buf_.size() - off_;
    if (have >= max_pending) return total > 0 ? total : -1;
    if (off_ > 0 && off_ == buf_.size()) {
      buf_.clear();
      off_ = 0;
    }
    // Read onto the stack and append what came: growing buf_ by 16 KiB first would zero-fill
    // them on every read (5 % of a small request's instructions, callgrind) for a few hundred bytes.
    char chunk[16384];
    const size_t want = std::min(max_pending - have, sizeof chunk);
    const int n = read_now(chunk, want);
    if (n <= 0) return total > 0 ? total : n;
    buf_.append(chunk, static_cast<size_t>(n));
    total += n;
  } while (holds_bytes());
  return total;
}

int ClientConn::replay(void* buffer, int length) {
  if (off_ >= buf_.size() || length <= 0) return 0;
  const size_t n = std::min(buf_.size() - off_, static_cast<size_t>(length));
  std::memcpy(buffer, buf_.data() + off_, n);
  drop(n);
  delivered_ += static_cast<int64_t>(n);
  return static_cast<int>(n);
}

void ClientConn::drop(size_t n) {
  off_ += std::min(n, buf_.size() - off_);
  if (off_ == buf_.size()) {
    buf_.clear();
    off_ = 0;
    // An idle connection should not keep the buffer of a large head it once sent.
    if (buf_.capacity() > 65536) buf_.shrink_to_fit();
  }
}

void ClientConn::unread(const char* data, size_t n) {
  if (n == 0) return;
  if (n <= off_) {
    off_ -= n;
    std::memcpy(buf_.data() + off_, data, n);
    return;
  }
  buf_.replace(0, off_, data, n);
  off_ = 0;
}

int peer_port(const Poco::Net::Socket& s) noexcept {
  try {
    return s.peerAddress().port();
  } catch (...) { return 0; }
}

}  // namespace aicore::host::net
