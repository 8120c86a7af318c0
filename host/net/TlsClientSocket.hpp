// An accepted HTTPS connection, built by the poller from the raw descriptor. The poller runs its
// TLS handshake and reads its request heads without blocking (the socket is switched to
// non-blocking for each of the poller's reads), exactly as it reads plain heads: a client that
// drips its handshake or its head costs a descriptor, never a worker. The handshake's CPU is
// spent on the poller thread (docs/connection-layer.md).
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocketImpl.h>

#include "net/ClientConn.hpp"

namespace aicore::host::net {

class TlsClientSocket : public Poco::Net::SecureStreamSocketImpl, public ClientConn {
 public:
  // Takes the descriptor; the TLS handshake happens on the poller's first read.
  TlsClientSocket(poco_socket_t fd, Poco::Net::Context::Ptr ctx);

  // Poco's reads: pending (decrypted) bytes first, then the TLS stream.
  using SecureStreamSocketImpl::receiveBytes;
  int receiveBytes(void* buffer, int length, int flags = 0) override;
  int available() override;
  // Sends close_notify without waiting: a client that does not read must not hold the poller
  // (or a worker) in a close.
  void close() override;

  bool holds_bytes() override;
  void send_now(std::string_view bytes) override;

 protected:
  ~TlsClientSocket() override = default;
  int read_now(char* dst, size_t n) override;

 private:
  TlsClientSocket(Poco::Net::StreamSocketImpl* raw, Poco::Net::Context::Ptr ctx);
  // Poco's TLS layer decides between waiting and returning "want read" by the blocking flag of
  // the raw socket underneath, so that is the one switched for the poller's reads.
  Poco::Net::StreamSocketImpl* raw_;
};

}  // namespace aicore::host::net
