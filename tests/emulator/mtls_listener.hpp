#pragma once
// The mTLS token endpoint: XSUAA's certificate domain (an X.509 service key's certurl), where
// clients authenticate by the certificate they present. A second listener beside the plain one,
// serving the same routes; the TLS handshake refuses clients without a certificate signed by the
// configured CA, and /oauth/token then matches the certificate's CN to the client_id.
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

namespace aicore::emulator {

struct Emulator;

struct MtlsListener {
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
};

// Started; throws Poco::Exception when the certificate, key or CA cannot be read or the port bound.
MtlsListener startMtlsListener(Emulator& emu, Poco::ThreadPool& pool);

}  // namespace aicore::emulator
