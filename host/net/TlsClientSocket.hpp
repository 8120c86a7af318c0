// An accepted HTTPS connection, built by the poller from the raw descriptor so that it can carry
// the connection's bookkeeping across hand-overs like ClientSocket does: between requests an idle
// HTTPS connection waits on the poller, not on a worker. (The poller cannot read inside TLS, so
// each head is read on a worker, guarded by the head deadline.)
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocketImpl.h>

#include "net/ClientSocket.hpp"

namespace aicore::host::net {

class TlsClientSocket : public Poco::Net::SecureStreamSocketImpl {
 public:
  // Takes the descriptor; the TLS handshake happens on the first read, on a worker.
  TlsClientSocket(poco_socket_t fd, Poco::Net::Context::Ptr ctx);

  Clock::time_point deadline{};  // while on the poller: for the first bytes of the next request
  int requests = 0;              // requests served on this connection

 protected:
  ~TlsClientSocket() override = default;

 private:
  TlsClientSocket(Poco::Net::StreamSocketImpl* raw, Poco::Net::Context::Ptr ctx);
};

}  // namespace aicore::host::net
