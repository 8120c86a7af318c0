#include "net/BytesAtHand.hpp"

#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/StreamSocket.h>

#include "net/ClientSocket.hpp"

namespace aicore::host::net {
namespace {

// HTTPSession::buffered() is protected; a pointer to it taken in a derived class may be applied
// to any HTTPSession (the standard way to read a protected accessor, no cast of the object).
struct SessionBuffered : Poco::Net::HTTPSession {
  static int of(const Poco::Net::HTTPSession& s) { return (s.*(&SessionBuffered::buffered))(); }
};

}  // namespace

int session_buffered(const Poco::Net::HTTPSession& session) { return SessionBuffered::of(session); }

int64_t bytes_at_hand(Poco::Net::HTTPServerRequestImpl& req) {
  int64_t n = SessionBuffered::of(req.session());
  if (auto* c = dynamic_cast<ClientSocket*>(req.socket().impl())) n += static_cast<int64_t>(c->pending().size());
  return n;
}

}  // namespace aicore::host::net
