#include "tls/ListenerCertificate.hpp"

#include <Poco/Net/SSLManager.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "tls/TlsPolicy.hpp"

namespace aicore::host {
namespace {

// One certificate, its chain and its key, as loaded from the PEM files.
struct KeyPair {
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;
  EVP_PKEY* key = nullptr;
  KeyPair() = default;
  KeyPair(const KeyPair&) = delete;
  ~KeyPair() {
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }
};

// What the callback serves, attached to the SSL_CTX (freed with it).
struct Current {
  std::mutex mu;
  std::shared_ptr<const KeyPair> pair;
};

std::unique_ptr<FILE, int (*)(FILE*)> open_file(const std::string& path, const std::string& field) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw ConfigError(field + ": cannot open " + path);
  return {f, &std::fclose};
}

std::shared_ptr<const KeyPair> load_pair(const ServerSettings& s) {
  auto pair = std::make_shared<KeyPair>();
  {
    auto f = open_file(s.tls_cert_file, "server.tls_cert_file");
    pair->cert = PEM_read_X509(f.get(), nullptr, nullptr, nullptr);
    if (!pair->cert) throw ConfigError("server.tls_cert_file: no PEM certificate in " + s.tls_cert_file);
    pair->chain = sk_X509_new_null();
    while (X509* extra = PEM_read_X509(f.get(), nullptr, nullptr, nullptr)) sk_X509_push(pair->chain, extra);
    ERR_clear_error();  // the loop ends on "no start line"
  }
  {
    // Never echo what is in the key file: its error is the file name and OpenSSL's verdict only.
    auto f = open_file(s.tls_key_file, "server.tls_key_file");
    pair->key = PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr);
    ERR_clear_error();
    if (!pair->key) throw ConfigError("server.tls_key_file: no unencrypted PEM private key in " + s.tls_key_file);
  }
  if (X509_check_private_key(pair->cert, pair->key) != 1) {
    ERR_clear_error();
    throw ConfigError("server.tls_key_file: " + s.tls_key_file + " is not the key of " + s.tls_cert_file);
  }
  return pair;
}

int ex_index() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr,
      [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<Current*>(ptr); });
  return index;
}

int use_current(SSL* ssl, void* arg) {
  std::shared_ptr<const KeyPair> pair;
  {
    auto* cur = static_cast<Current*>(arg);
    std::lock_guard lock(cur->mu);
    pair = cur->pair;
  }
  if (!pair || SSL_use_certificate(ssl, pair->cert) != 1 || SSL_use_PrivateKey(ssl, pair->key) != 1 ||
      SSL_set1_chain(ssl, pair->chain) != 1)
    return 0;  // the handshake fails
  return 1;
}

}  // namespace

Poco::Net::Context::Ptr make_listener_context(const ServerSettings& settings) {
  Poco::Net::initializeSSL();
  using Poco::Net::Context;
  // No files here: the certificate comes from the callback, so a reload can replace it.
  Context::Ptr ctx = new Context(Context::TLS_SERVER_USE, "", "", "", Context::VERIFY_NONE);
  apply_tls_policy(*ctx, settings.tls_min_version, settings.tls_ciphers, "server");
  auto cur = std::make_unique<Current>();
  cur->pair = load_pair(settings);
  SSL_CTX* c = ctx->sslContext();
  if (SSL_CTX_set_ex_data(c, ex_index(), cur.get()) != 1) throw ConfigError("server.tls_cert_file: cannot attach");
  SSL_CTX_set_cert_cb(c, &use_current, cur.release());
  return ctx;
}

void reload_listener_certificate(const Poco::Net::Context& ctx, const ServerSettings& settings) {
  auto* cur = static_cast<Current*>(SSL_CTX_get_ex_data(ctx.sslContext(), ex_index()));
  if (!cur) throw ConfigError("server.tls_cert_file: the listener was not started with TLS (restart to enable it)");
  auto pair = load_pair(settings);  // throws before anything changes
  std::lock_guard lock(cur->mu);
  cur->pair = std::move(pair);
}

}  // namespace aicore::host
