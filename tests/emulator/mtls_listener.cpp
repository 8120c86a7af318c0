#include "mtls_listener.hpp"

#include "emulator.hpp"
#include "router.hpp"

#include <Poco/ErrorHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>

#include <cstdio>

namespace aicore::emulator {

namespace {

// Poco's server threads report failures (a refused handshake among them) to the ErrorHandler,
// whose default says nothing: say it on stderr, where the tests' output shows it.
class StderrErrorHandler : public Poco::ErrorHandler {
 public:
  void exception(const Poco::Exception& e) override {
    std::fprintf(stderr, "aicore-emulator: %s\n", e.displayText().c_str());
  }
  void exception(const std::exception& e) override { std::fprintf(stderr, "aicore-emulator: %s\n", e.what()); }
  void exception() override { std::fprintf(stderr, "aicore-emulator: unknown error in a server thread\n"); }
};

}  // namespace

MtlsListener startMtlsListener(Emulator& emu, Poco::ThreadPool& pool) {
  using Poco::Net::Context;
  static const bool sslReady = (Poco::Net::initializeSSL(), true);
  (void)sslReady;
  static StderrErrorHandler errors;
  Poco::ErrorHandler::set(&errors);
  const Options& o = emu.options;
  // VERIFY_STRICT on a server: a client certificate is required and must chain to mtlsCa.
  Context::Ptr ctx =
      new Context(Context::TLS_SERVER_USE, o.mtlsKey, o.mtlsCert, o.mtlsCa, Context::VERIFY_STRICT, 9, false);
  // With client verification on, OpenSSL refuses to resume sessions that have no session id
  // context (and drops the connection); give it one.
  ctx->enableSessionCache(true, "aicore-emulator-mtls");
  // Poco's "extended" check would match the client certificate's name to the client's address,
  // which no client certificate names; XSUAA checks the chain (OpenSSL, above) and the client id.
  ctx->enableExtendedCertificateVerification(false);
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
