#include "tls/TlsPolicy.hpp"

#include <Poco/Net/SSLManager.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace aicore::host {
namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

struct SslInit {
  SslInit() { Poco::Net::initializeSSL(); }
};

}  // namespace

void apply_tls_policy(Poco::Net::Context& ctx, const std::string& min_version, const std::string& ciphers,
                      const std::string& section) {
  SSL_CTX* c = ctx.sslContext();
  const int version = min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (min_version != "1.2" && min_version != "1.3")
    throw ConfigError(section + ".tls_min_version: must be \"1.2\" or \"1.3\"");
  if (SSL_CTX_set_min_proto_version(c, version) != 1)
    throw ConfigError(section + ".tls_min_version: OpenSSL refused TLS " + min_version + ": " + openssl_error());
  // Applies to TLS 1.2; fails when OpenSSL knows none of the listed ciphers.
  if (SSL_CTX_set_cipher_list(c, ciphers.c_str()) != 1)
    throw ConfigError(section + ".tls_ciphers: OpenSSL knows none of these ciphers: " + openssl_error());
}

void check_tls_policies(const Config& config) {
  static SslInit once;
  Poco::Net::Context scratch(Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_NONE);
  apply_tls_policy(scratch, config.server.tls_min_version, config.server.tls_ciphers, "server");
  apply_tls_policy(scratch, config.upstream.tls_min_version, config.upstream.tls_ciphers, "upstream");
}

Poco::Net::Context::Ptr make_upstream_context(const UpstreamSettings& settings) {
  static SslInit once;
  using Poco::Net::Context;
  // Poco verifies the chain, then that the certificate names the host we connected to; but in
  // VERIFY_RELAXED it skips the name check when the host name resolves to a loopback address (a
  // local tunnel, a hosts-file entry). VERIFY_STRICT (for a client: the same chain check) checks
  // the name always (tests/integration/tls.test.mjs proves both checks).
  Context::VerificationMode mode = settings.verify_tls ? Context::VERIFY_STRICT : Context::VERIFY_NONE;
  Context::Ptr ctx = new Context(Context::TLS_CLIENT_USE, "", "", settings.ca_file, mode, 9, settings.ca_file.empty());
  apply_tls_policy(*ctx, settings.tls_min_version, settings.tls_ciphers, "upstream");
  return ctx;
}

}  // namespace aicore::host
