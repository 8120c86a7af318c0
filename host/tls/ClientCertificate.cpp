#include "tls/ClientCertificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <memory>

#include "tls/TlsPolicy.hpp"

namespace aicore::host {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// OpenSSL's reason for the last failure (never the input: it may be the private key).
std::string openssl_reason() {
  const unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (!e) return "not PEM";
  const char* reason = ERR_reason_error_string(e);
  return reason ? reason : "unknown OpenSSL error";
}

// An encrypted key has no passphrase here: refuse at once (OpenSSL's default would prompt on the
// terminal, and a service has none).
int no_passphrase(char*, int, int, void*) { return 0; }

Bio memory(const std::string& pem) { return Bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))); }

}  // namespace

Poco::Net::Context::Ptr make_client_certificate_context(const UpstreamSettings& settings,
                                                        const std::string& certificate_pem, const std::string& key_pem,
                                                        const std::string& where) {
  Poco::Net::Context::Ptr ctx = make_upstream_context(settings);
  SSL_CTX* ssl = ctx->sslContext();
  ERR_clear_error();

  Bio certs = memory(certificate_pem);
  Cert leaf(certs ? PEM_read_bio_X509(certs.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!leaf) throw ConfigError(where + " certificate is not a PEM certificate (" + openssl_reason() + ")");
  if (SSL_CTX_use_certificate(ssl, leaf.get()) != 1)
    throw ConfigError(where + " certificate was refused by OpenSSL (" + openssl_reason() + ")");
  // The rest of the chain, so the token endpoint can verify the leaf up to a CA it trusts.
  while (Cert next{PEM_read_bio_X509(certs.get(), nullptr, no_passphrase, nullptr)}) {
    if (SSL_CTX_add_extra_chain_cert(ssl, next.get()) != 1)
      throw ConfigError(where + " certificate chain was refused by OpenSSL (" + openssl_reason() + ")");
    next.release();  // owned by the context now
  }
  ERR_clear_error();  // the loop ends on "no start line"

  Bio keys = memory(key_pem);
  Key key(keys ? PEM_read_bio_PrivateKey(keys.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) throw ConfigError(where + " key is not an unencrypted PEM private key (" + openssl_reason() + ")");
  if (SSL_CTX_use_PrivateKey(ssl, key.get()) != 1 || SSL_CTX_check_private_key(ssl) != 1)
    throw ConfigError(where + " key does not belong to its certificate (" + openssl_reason() + ")");
  return ctx;
}

}  // namespace aicore::host
