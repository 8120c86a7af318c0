// The auth plugin's logic: exact key match in either header, both XSUAA token request forms.
#include <gtest/gtest.h>

#include "client_auth.hpp"
#include "upstream_auth.hpp"

using namespace aicore;
using namespace aicore::auth;

namespace {
struct Hdrs {
  std::vector<std::pair<std::string, std::string>> kv;
  std::vector<acp_header> v;
  Headers make() {
    v.clear();
    for (auto& [n, x] : kv) v.push_back({{n.data(), n.size()}, {x.data(), x.size()}});
    return Headers(v.data(), v.size());
  }
};

struct Captured {
  std::string target, method, body;
  std::vector<std::pair<std::string, std::string>> headers;
  acp_request_out out{sizeof(acp_request_out),
                      this,
                      [](void* c, acp_str s) { static_cast<Captured*>(c)->target.assign(s.ptr, s.len); },
                      [](void* c, acp_str s) { static_cast<Captured*>(c)->method.assign(s.ptr, s.len); },
                      [](void* c, acp_str n, acp_str v) {
                        static_cast<Captured*>(c)->headers.emplace_back(std::string(n.ptr, n.len),
                                                                        std::string(v.ptr, v.len));
                      },
                      [](void* c, acp_str s) { static_cast<Captured*>(c)->body.append(s.ptr, s.len); },
                      nullptr,
                      nullptr};
};
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

TEST(ClientAuth, ExactMatchOnly) {
  std::vector<std::string> keys{"secret-one", "secret-two"};
  EXPECT_TRUE(matches_any_key("secret-one", keys));
  EXPECT_TRUE(matches_any_key("secret-two", keys));
  EXPECT_FALSE(matches_any_key("secret", keys));           // prefix
  EXPECT_FALSE(matches_any_key("secret-one-more", keys));  // superstring (the Python proxy let this in)
  EXPECT_FALSE(matches_any_key("", keys));
  EXPECT_FALSE(matches_any_key("secret-onE", keys));
  EXPECT_FALSE(matches_any_key("x", {}));
}

TEST(ClientAuth, AcceptsBearerBareAndXApiKey) {
  KeyAuth auth(R"({"keys":["k-123"]})");
  Hdrs h;
  h.kv = {{"authorization", "Bearer k-123"}};
  EXPECT_NO_THROW(auth.check(h.make()));
  h.kv = {{"authorization", "k-123"}};
  EXPECT_NO_THROW(auth.check(h.make()));
  h.kv = {{"x-api-key", "k-123"}};
  EXPECT_NO_THROW(auth.check(h.make()));
  h.kv = {{"authorization", "Bearer wrong"}};
  try {
    auth.check(h.make());
    FAIL() << "accepted a wrong key";
  } catch (const PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UNAUTHORIZED);
    EXPECT_EQ(e.message.find("wrong"), std::string::npos);  // never echo what was presented
  }
  h.kv = {};
  EXPECT_THROW(auth.check(h.make()), PluginError);
  KeyAuth open("{}");
  EXPECT_NO_THROW(open.check(h.make()));
  EXPECT_THROW(KeyAuth(R"({"keys":"k"})"), PluginError);
}

TEST(UpstreamAuth, FormRequestByDefault) {
  XsuaaAuth a("{}");
  Captured c;
  a.build_token_request(R"({"clientid":"sb-x!b1|aicore","clientsecret":"s&e=c","url":"https://z.auth.example/"})",
                        RequestOut(&c.out));
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.target, "https://z.auth.example/oauth/token");
  EXPECT_EQ(c.body, "grant_type=client_credentials&client_id=sb-x%21b1%7Caicore&client_secret=s%26e%3Dc");
}

TEST(UpstreamAuth, BasicRequestLikeThePythonProxy) {
  XsuaaAuth a(R"({"token_request":"basic"})");
  Captured c;
  a.build_token_request(R"({"clientid":"id","clientsecret":"secret","url":"https://z"})", RequestOut(&c.out));
  EXPECT_EQ(c.target, "https://z/oauth/token?grant_type=client_credentials");
  EXPECT_TRUE(c.body.empty());
  bool found = false;
  for (auto& [n, v] : c.headers)
    if (n == "Authorization") found = v == "Basic aWQ6c2VjcmV0";
  EXPECT_TRUE(found);
}

// An X.509 service key: the certificate endpoint, the client id alone (the host presents the
// certificate on the connection), never a secret, whatever else the key holds.
TEST(UpstreamAuth, CertificateKeyAsksTheCertificateEndpoint) {
  XsuaaAuth a(R"({"token_request":"basic"})");
  Captured c;
  a.build_token_request(
      R"({"clientid":"sb-x!b1|aicore","credential-type":"x509","certificate":"-----BEGIN CERTIFICATE-----",
                             "key":"-----BEGIN PRIVATE KEY-----","certurl":"https://z.authentication.cert.example/",
                             "url":"https://z.authentication.example"})",
      RequestOut(&c.out));
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.target, "https://z.authentication.cert.example/oauth/token");
  EXPECT_EQ(c.body, "grant_type=client_credentials&client_id=sb-x%21b1%7Caicore");
  for (auto& [n, v] : c.headers) {
    EXPECT_NE(n, "Authorization");
    EXPECT_EQ(v.find("BEGIN"), std::string::npos) << n;
  }
  EXPECT_THROW(a.build_token_request(R"({"certificate":"c","key":"k","certurl":"https://c","url":"https://z"})",
                                     RequestOut(nullptr)),
               PluginError);  // no clientid
}

TEST(UpstreamAuth, ParsesTokenAndErrors) {
  XsuaaAuth a("{}");
  auto [tok, exp] = a.parse_token_response(200, R"({"access_token":"ey.x","token_type":"bearer","expires_in":7199})");
  EXPECT_EQ(tok, "ey.x");
  EXPECT_EQ(exp, 7199);
  try {
    a.parse_token_response(401, R"({"error":"invalid_client","error_description":"Bad credentials"})");
    FAIL();
  } catch (const PluginError& e) {
    EXPECT_EQ(e.message, "token endpoint answered 401: invalid_client: Bad credentials");
  }
  EXPECT_THROW(a.parse_token_response(200, "not json"), PluginError);
  EXPECT_THROW(
      a.build_token_request(R"({"clientid":"id","url":"https://z","certurl":"https://c"})", RequestOut(nullptr)),
      PluginError);
  EXPECT_EQ(base64("a"), "YQ==");
  EXPECT_EQ(base64("ab"), "YWI=");
  EXPECT_EQ(base64("abc"), "YWJj");
}

// Named keys (ABI 1.3): the host passes every enabled key as name + SHA-256; identify() answers
// the name of the key presented, in either header; "clients" present but empty lets nobody in.
TEST(ClientAuth, NamedKeysAreIdentifiedByDigest) {
  const std::string settings = R"({"keys":["plain-key-for-old-plugins"],"clients":[
    {"name":"alice","sha256":")" +
                               sha256_hex("alice-key-0123456789") + R"("},
    {"name":"bob","sha256":")" +
                               upper(sha256_hex("bob-key-0123456789")) + R"("}]})";
  KeyAuth auth(settings);
  Hdrs h;
  h.kv = {{"authorization", "Bearer alice-key-0123456789"}};
  EXPECT_EQ(auth.identify(h.make()), "alice");
  h.kv = {{"x-api-key", "bob-key-0123456789"}};
  EXPECT_EQ(auth.identify(h.make()), "bob");            // a digest written in upper case matches too
  h.kv = {{"x-api-key", "plain-key-for-old-plugins"}};  // "clients" replaces "keys"
  EXPECT_THROW(auth.identify(h.make()), PluginError);
  h.kv = {{"x-api-key", "alice-key-012345678"}};
  EXPECT_THROW(auth.identify(h.make()), PluginError);
  h.kv = {};
  EXPECT_THROW(auth.check(h.make()), PluginError);

  KeyAuth nobody(R"({"keys":[],"clients":[]})");  // every key disabled
  h.kv = {{"x-api-key", "alice-key-0123456789"}};
  EXPECT_THROW(nobody.identify(h.make()), PluginError);
  KeyAuth open(R"({"keys":[]})");  // no keys at all (a 1.2 host's open access)
  EXPECT_EQ(open.identify(h.make()), "");

  EXPECT_THROW(KeyAuth(R"({"clients":[{"name":"x","sha256":"abc"}]})"), PluginError);
  EXPECT_THROW(KeyAuth(R"({"clients":{}})"), PluginError);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
