#include "net/TlsClientSocket.hpp"

#include <Poco/Net/StreamSocketImpl.h>

namespace aicore::host::net {

TlsClientSocket::TlsClientSocket(poco_socket_t fd, Poco::Net::Context::Ptr ctx)
    : TlsClientSocket(new Poco::Net::StreamSocketImpl(fd), std::move(ctx)) {}

TlsClientSocket::TlsClientSocket(Poco::Net::StreamSocketImpl* raw, Poco::Net::Context::Ptr ctx)
    : SecureStreamSocketImpl(raw, ctx) {
  // SecureStreamSocketImpl adopts `raw` and takes one more reference (it expects the caller to
  // hold one, as Poco's own accept does through a StreamSocket): give ours back.
  raw->release();
  acceptSSL();  // prepares the server side; the handshake runs on the first read
}

}  // namespace aicore::host::net
