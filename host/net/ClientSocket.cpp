#include "net/ClientSocket.hpp"

#include <cerrno>

#include <sys/socket.h>

namespace aicore::host::net {

int ClientSocket::receiveBytes(void* buffer, int length, int flags) {
  return receive(buffer, length, flags,
                 [this](void* b, int n, int f) { return StreamSocketImpl::receiveBytes(b, n, f); });
}

int ClientSocket::available() { return static_cast<int>(pending_size()) + StreamSocketImpl::available(); }

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

int ClientSocket::read_now(char* dst, size_t n) {
  ssize_t got;
  do got = ::recv(sockfd(), dst, n, MSG_DONTWAIT);
  while (got < 0 && errno == EINTR);
  if (got > 0) return static_cast<int>(got);
  if (got == 0) return 0;
  return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
}

void ClientSocket::send_now(std::string_view bytes) {
  ssize_t sent;
  do sent = ::send(sockfd(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  while (sent < 0 && errno == EINTR);
  ::shutdown(sockfd(), SHUT_WR);  // the answer is complete: the client sees its end at once
}

}  // namespace aicore::host::net
