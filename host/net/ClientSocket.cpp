#include "net/ClientSocket.hpp"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>

namespace aicore::host::net {

int ClientSocket::receiveBytes(void* buffer, int length, int flags) {
  if (off_ < buf_.size() && flags == 0 && length > 0) {
    const size_t n = std::min(buf_.size() - off_, static_cast<size_t>(length));
    std::memcpy(buffer, buf_.data() + off_, n);
    drop(n);
    delivered_ += static_cast<int64_t>(n);
    return static_cast<int>(n);
  }
  const int n = StreamSocketImpl::receiveBytes(buffer, length, flags);
  if (n > 0 && flags == 0) delivered_ += n;
  return n;
}

int ClientSocket::available() {
  return static_cast<int>(buf_.size() - off_) + StreamSocketImpl::available();
}

void ClientSocket::setReceiveTimeout(const Poco::Timespan& timeout) {
  if (timeout.totalMicroseconds() == receive_timeout_us_) return;
  StreamSocketImpl::setReceiveTimeout(timeout);
  receive_timeout_us_ = timeout.totalMicroseconds();
}

Poco::Net::SocketAddress ClientSocket::address() {
  if (!address_) address_ = StreamSocketImpl::address();
  return *address_;
}

Poco::Net::SocketAddress ClientSocket::peerAddress() {
  if (!peer_) peer_ = StreamSocketImpl::peerAddress();
  return *peer_;
}

int ClientSocket::fill(size_t max_pending) {
  const size_t have = buf_.size() - off_;
  if (have >= max_pending) return -1;
  if (off_ > 0 && off_ == buf_.size()) {
    buf_.clear();
    off_ = 0;
  }
  const size_t want = std::min<size_t>(max_pending - have, 16384);
  const size_t old = buf_.size();
  buf_.resize(old + want);
  ssize_t n;
  do n = ::recv(sockfd(), buf_.data() + old, want, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  buf_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
  if (n > 0) return static_cast<int>(n);
  if (n == 0) return 0;
  return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
}

void ClientSocket::drop(size_t n) {
  off_ += std::min(n, buf_.size() - off_);
  if (off_ == buf_.size()) {
    buf_.clear();
    off_ = 0;
    // An idle connection should not keep the buffer of a large head it once sent.
    if (buf_.capacity() > 65536) buf_.shrink_to_fit();
  }
}

void ClientSocket::unread(const char* data, size_t n) {
  if (n == 0) return;
  if (n <= off_) {
    off_ -= n;
    std::memcpy(buf_.data() + off_, data, n);
    return;
  }
  buf_.replace(0, off_, data, n);
  off_ = 0;
}

}  // namespace aicore::host::net
