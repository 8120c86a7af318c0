// A plain client connection's socket: Poco's HTTPServerSession reads through it as through any
// socket, getting the bytes the poller already read (ClientConn) before the descriptor's, so
// Poco still parses every byte and the poller never blocks a worker on a slow client.
#pragma once

#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Timespan.h>

#include <optional>

#include "net/ClientConn.hpp"

namespace aicore::host::net {

class ClientSocket : public Poco::Net::StreamSocketImpl, public ClientConn {
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

  void send_now(std::string_view bytes) override;

 protected:
  ~ClientSocket() override = default;
  int read_now(char* dst, size_t n) override;

 private:
  Poco::Timespan::TimeDiff receive_timeout_us_ = -1;
  std::optional<Poco::Net::SocketAddress> address_, peer_;
};

}  // namespace aicore::host::net
