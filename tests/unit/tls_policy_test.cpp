// TLS policy and the listener certificate: OpenSSL's verdict on a cipher list is reported under
// the field that holds it, and a certificate reload that cannot work changes nothing.
#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "config/Config.hpp"
#include "tls/ClientCertificate.hpp"
#include "tls/ListenerCertificate.hpp"
#include "tls/TlsPolicy.hpp"

using namespace aicore::host;
namespace fs = std::filesystem;

namespace {
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) { return e.what(); }
  return "no error";
}

// A self-signed certificate and key made with the openssl command line.
struct CertFiles {
  fs::path dir = fs::temp_directory_path() / "aicore-tls-unit";
  fs::path cert(const std::string& cn) const { return dir / (cn + ".pem"); }
  fs::path key(const std::string& cn) const { return dir / (cn + ".key"); }
  void make(const std::string& cn) const {
    fs::create_directories(dir);
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + cn + " -keyout " +
                            key(cn).string() + " -out " + cert(cn).string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
};
}  // namespace

TEST(TlsPolicy, UnknownCiphersAreAFieldError) {
  Config c;
  EXPECT_EQ(error_of([&] { check_tls_policies(c); }), "no error");
  c.upstream.tls_ciphers = "NOT-A-CIPHER:ALSO-NOT";
  EXPECT_EQ(
      error_of([&] { check_tls_policies(c); }).rfind("upstream.tls_ciphers: OpenSSL knows none of these ciphers: ", 0),
      0u);
  c.upstream.tls_ciphers = kDefaultTlsCiphers;
  c.server.tls_ciphers = "NOT-A-CIPHER";
  EXPECT_EQ(
      error_of([&] { check_tls_policies(c); }).rfind("server.tls_ciphers: OpenSSL knows none of these ciphers: ", 0),
      0u);
}

TEST(TlsPolicy, ContextsRefuseVersionsBelowTheMinimum) {
  UpstreamSettings u;
  auto ctx = make_upstream_context(u);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->sslContext()), TLS1_2_VERSION);
  u.tls_min_version = "1.3";
  EXPECT_EQ(SSL_CTX_get_min_proto_version(make_upstream_context(u)->sslContext()), TLS1_3_VERSION);
}

TEST(ListenerCertificate, LoadsReloadsAndKeepsTheOldPairWhenTheNewOneIsBroken) {
  CertFiles files;
  files.make("first");
  files.make("second");
  ServerSettings s;
  s.tls_cert_file = files.cert("first").string();
  s.tls_key_file = files.key("first").string();
  auto ctx = make_listener_context(s);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->sslContext()), TLS1_2_VERSION);

  ServerSettings mismatched = s;
  mismatched.tls_key_file = files.key("second").string();
  EXPECT_EQ(
      error_of([&] { reload_listener_certificate(*ctx, mismatched); }),
      "server.tls_key_file: " + files.key("second").string() + " is not the key of " + files.cert("first").string());
  ServerSettings missing = s;
  missing.tls_cert_file = (files.dir / "nope.pem").string();
  EXPECT_EQ(error_of([&] { reload_listener_certificate(*ctx, missing); }),
            "server.tls_cert_file: cannot open " + missing.tls_cert_file);
  ServerSettings not_a_key = s;
  not_a_key.tls_key_file = files.cert("second").string();
  EXPECT_EQ(error_of([&] { reload_listener_certificate(*ctx, not_a_key); }),
            "server.tls_key_file: no unencrypted PEM private key in " + not_a_key.tls_key_file);

  ServerSettings second = s;
  second.tls_cert_file = files.cert("second").string();
  second.tls_key_file = files.key("second").string();
  EXPECT_EQ(error_of([&] { reload_listener_certificate(*ctx, second); }), "no error");
  EXPECT_EQ(error_of([&] { make_listener_context(mismatched); }).rfind("server.tls_key_file: ", 0), 0u);
}

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

// An X.509 service key's certificate and key (PEM text, as the key holds them): a matching pair
// gives a context presenting it; anything else a ConfigError that names the field and never
// quotes the key. An encrypted key is refused at once instead of prompting for a passphrase.
TEST(ClientCertificate, PairsAreCheckedAndKeysNeverQuoted) {
  CertFiles files;
  files.make("client-a");
  files.make("client-b");
  const std::string cert = slurp(files.cert("client-a")), key = slurp(files.key("client-a"));
  UpstreamSettings u;
  const std::string where = "subAccounts.x: the service key's";
  auto ctx = make_client_certificate_context(u, cert + slurp(files.cert("client-b")), key, where);  // with a "chain"
  ASSERT_NE(SSL_CTX_get0_certificate(ctx->sslContext()), nullptr);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx->sslContext()), TLS1_2_VERSION);

  EXPECT_EQ(error_of([&] {
              make_client_certificate_context(u, cert, slurp(files.key("client-b")), where);
            }).rfind(where + " key does not belong to its certificate", 0),
            0u);
  EXPECT_EQ(error_of([&] {
              make_client_certificate_context(u, "hello", key, where);
            }).rfind(where + " certificate is not a PEM certificate", 0),
            0u);
  const std::string garbage = "-----BEGIN PRIVATE KEY-----\nsecret-looking-bytes\n-----END PRIVATE KEY-----\n";
  const std::string e = error_of([&] { make_client_certificate_context(u, cert, garbage, where); });
  EXPECT_EQ(e.rfind(where + " key is not an unencrypted PEM private key", 0), 0u) << e;
  EXPECT_EQ(e.find("secret-looking-bytes"), std::string::npos);

  const fs::path encrypted = files.dir / "encrypted.key";
  const std::string cmd = "openssl pkey -in " + files.key("client-a").string() + " -aes256 -passout pass:pw -out " +
                          encrypted.string() + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(error_of([&] {
              make_client_certificate_context(u, cert, slurp(encrypted), where);
            }).rfind(where + " key is not an unencrypted PEM private key", 0),
            0u);
}
