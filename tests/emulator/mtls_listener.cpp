#include "mtls_listener.hpp"

#include "emulator.hpp"
#include "router.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>

namespace aicore::emulator {

MtlsListener startMtlsListener(Emulator& emu, Poco::ThreadPool& pool) {
  using Poco::Net::Context;
  static const bool sslReady = (Poco::Net::initializeSSL(), true);
  (void)sslReady;
  const Options& o = emu.options;
  // VERIFY_STRICT on a server: a client certificate is required and must chain to mtlsCa.
  Context::Ptr ctx = new Context(Context::TLS_SERVER_USE, o.mtlsKey, o.mtlsCert, o.mtlsCa, Context::VERIFY_STRICT, 9, false);
  Poco::Net::SecureServerSocket socket(ctx);
  socket.bind(Poco::Net::SocketAddress(o.host, static_cast<Poco::UInt16>(o.mtlsPort)), true, false);
  socket.listen(64);
  MtlsListener l;
  l.port = socket.address().port();
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);
  params->setKeepAlive(true);
  l.server = std::make_unique<Poco::Net::HTTPServer>(new RequestHandlerFactory(emu), pool, socket, params);
  l.server->start();
  return l;
}

}  // namespace aicore::emulator
