#include "upstream/UpstreamSession.hpp"

#include <sys/socket.h>

#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/Socket.h>
#include <Poco/Net/SocketImpl.h>

namespace aicore::host {
namespace {

template <class Base>
class PocoSession final : public Base, public UpstreamSession {
 public:
  template <class... A>
  explicit PocoSession(A&&... args) : Base(std::forward<A>(args)...) {
    this->setKeepAlive(true);
    // The pool decides when an idle connection is too old (reusable()); Poco's own check, by the
    // time since the last request was sent, would reconnect inside sendRequest, after a long
    // stream, without telling.
    this->setKeepAliveTimeout(Poco::Timespan(86400, 0));
  }

  Poco::Net::HTTPClientSession& http() override { return *this; }
  void connect() override {
    if (!this->connected()) this->reconnect();
  }

 protected:
  // Every body read (fixed-length, chunk data, until-close) goes through here; a read of nothing
  // is the peer's end-of-file.
  int read(char* buffer, std::streamsize length) override {
    const int n = Base::read(buffer, length);
    if (n == 0 && length > 0) peer_closed_ = true;
    return n;
  }
};

}  // namespace

std::unique_ptr<UpstreamSession> UpstreamSession::open(const Url& u, const Poco::Net::Context::Ptr& tls) {
  if (u.https) return std::make_unique<PocoSession<Poco::Net::HTTPSClientSession>>(u.host, u.port, tls);
  return std::make_unique<PocoSession<Poco::Net::HTTPClientSession>>(u.host, u.port);
}

void UpstreamSession::set_timeouts(Poco::Timespan connect, Poco::Timespan send, Poco::Timespan receive) {
  auto& s = http();
  s.setTimeout(connect, send, receive);
  if (s.connected()) {
    s.socket().setSendTimeout(send);
    s.socket().setReceiveTimeout(receive);
  }
}

void UpstreamSession::set_receive_timeout(Poco::Timespan receive) {
  auto& s = http();
  if (s.connected()) s.socket().setReceiveTimeout(receive);
}

bool UpstreamSession::reusable(Clock::duration max_idle) {
  if (Clock::now() - idle_since > max_idle) return false;
  try {
    auto& s = http();
    if (!s.connected()) return false;
    // Readable while idle means end-of-file (the server closed it) or bytes nobody asked for.
    return !s.socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR);
  } catch (const Poco::Exception&) { return false; }
}

void UpstreamSession::shutdown_socket() {
  try {
    auto& s = http();
    if (!s.connected()) return;
    const auto fd = s.socket().impl()->sockfd();
    if (fd != POCO_INVALID_SOCKET) ::shutdown(fd, SHUT_RDWR);
  } catch (...) {}
}

}  // namespace aicore::host
