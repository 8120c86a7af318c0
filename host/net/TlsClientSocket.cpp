#include "net/TlsClientSocket.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>

namespace aicore::host::net {
namespace {

// Non-blocking for the length of one call of the poller's, blocking again after (the workers'
// reads and writes block, bounded by the socket's timeouts).
struct NonBlocking {
  explicit NonBlocking(Poco::Net::StreamSocketImpl* raw) : raw_(raw) { raw_->setBlocking(false); }
  ~NonBlocking() {
    try {
      raw_->setBlocking(true);
    } catch (...) {}
  }
  Poco::Net::StreamSocketImpl* raw_;
};

}  // namespace

TlsClientSocket::TlsClientSocket(poco_socket_t fd, Poco::Net::Context::Ptr ctx)
    : TlsClientSocket(new Poco::Net::StreamSocketImpl(fd), std::move(ctx)) {}

TlsClientSocket::TlsClientSocket(Poco::Net::StreamSocketImpl* raw, Poco::Net::Context::Ptr ctx)
    : SecureStreamSocketImpl(raw, ctx), raw_(raw) {
  // SecureStreamSocketImpl adopts `raw` and takes one more reference (it expects the caller to
  // hold one, as Poco's own accept does through a StreamSocket): give ours back. It stays alive
  // as long as this socket.
  raw->release();
  acceptSSL();  // prepares the server side; the handshake runs on the poller's first read
}

int TlsClientSocket::receiveBytes(void* buffer, int length, int flags) {
  return receive(buffer, length, flags,
                 [this](void* b, int n, int f) { return SecureStreamSocketImpl::receiveBytes(b, n, f); });
}

int TlsClientSocket::available() { return static_cast<int>(pending_size()) + SecureStreamSocketImpl::available(); }

void TlsClientSocket::close() {
  try {
    raw_->setBlocking(false);
  } catch (...) {}
  SecureStreamSocketImpl::close();
}

bool TlsClientSocket::holds_bytes() {
  try {
    return SecureStreamSocketImpl::available() > 0;
  } catch (const Poco::Exception&) { return false; }
}

int TlsClientSocket::read_now(char* dst, size_t n) {
  try {
    NonBlocking nb(raw_);
    // Runs (or continues) the handshake first; "want read/write" while it or a record is
    // incomplete.
    const int got = SecureStreamSocketImpl::receiveBytes(dst, static_cast<int>(n), 0);
    if (got > 0) return got;
    if (got == 0) return 0;
    return got == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ ||
                   got == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE
               ? -1
               : -2;
  } catch (const Poco::Exception&) {
    return -2;  // a failed handshake, a TLS alert, a reset
  }
}

void TlsClientSocket::send_now(std::string_view bytes) {
  try {
    NonBlocking nb(raw_);
    SecureStreamSocketImpl::sendBytes(bytes.data(), static_cast<int>(bytes.size()), 0);
  } catch (const Poco::Exception&) {}
}

}  // namespace aicore::host::net
