// POST /oauth/token: the XSUAA client-credentials grant, in both forms clients use (reference §1):
// (a) ?grant_type=client_credentials + Authorization: Basic base64(id:secret), no body;
// (b) form body grant_type=client_credentials&client_id=…&client_secret=…;
// and on the mTLS listener (an X.509 service key's certurl), (c) form body
// grant_type=client_credentials&client_id=… with the client's certificate on the connection.
#include "base64.hpp"
#include "emulator.hpp"
#include "exchange.hpp"
#include "fault_injection.hpp"
#include "handlers.hpp"
#include "text.hpp"

namespace aicore::emulator {

namespace {

struct Credentials {
  std::string id, secret;
  bool present = false;
};

Credentials fromBasicHeader(const std::string& value) {
  Credentials c;
  if (value.size() < 6 || !iequals(std::string_view(value).substr(0, 6), "Basic ")) return c;
  auto decoded = base64Decode(std::string_view(value).substr(6));
  if (!decoded) return c;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return c;
  // Not url-decoded: UAA (Spring's BasicAuthenticationFilter) takes id and secret verbatim.
  c.id = decoded->substr(0, colon);
  c.secret = decoded->substr(colon + 1);
  c.present = true;
  return c;
}

}  // namespace

void handleOauth(Exchange& ex) {
  if (ex.method() != "POST") {
    ex.sendJson(
        405,
        R"({"error":"method_not_allowed","error_description":"Request method ')" + ex.method() + R"(' not supported"})",
        {{"Allow", "POST"}});
    return;
  }
  if (applyFault(ex, "", true)) return;

  std::vector<std::pair<std::string, std::string>> form;
  if (auto ct = ex.header("Content-Type"); ct && toLower(*ct).starts_with("application/x-www-form-urlencoded"))
    form = parseUrlEncoded(ex.body());
  auto formValue = [&](std::string_view key) -> std::optional<std::string> {
    for (auto& [k, v] : form)
      if (k == key) return v;
    return std::nullopt;
  };

  Credentials cred;
  if (auto auth = ex.header("Authorization")) cred = fromBasicHeader(*auth);
  if (!cred.present) {
    auto id = formValue("client_id"), secret = formValue("client_secret");
    if (id && secret) cred = Credentials{*id, *secret, true};
  }
  // Client authentication comes first, as in UAA: bad credentials win over a bad grant type. A
  // client without a secret authenticates only by certificate.
  const Client* client = cred.present ? ex.emu.config.findClient(cred.id) : nullptr;
  bool authenticated = client && !client->secret.empty() && client->secret == cred.secret;
  if (!cred.present) {
    // By certificate: the verified peer certificate's CN must be the one registered for client_id.
    const std::string cn = ex.peerCertificateCn();
    auto id = formValue("client_id");
    client = id && !cn.empty() ? ex.emu.config.findClient(*id) : nullptr;
    authenticated = client && !client->certificateCn.empty() && client->certificateCn == cn;
  }
  if (!authenticated) {
    ex.sendJson(401, R"({"error":"invalid_client","error_description":"Bad credentials"})",
                {{"WWW-Authenticate",
                  R"(Basic realm="UAA/client", error="unauthorized", error_description="Bad credentials")"}});
    return;
  }
  ex.clientId = client->id;

  std::optional<std::string> grant = formValue("grant_type");
  if (!grant) grant = ex.queryParam("grant_type");
  if (grant != "client_credentials") {
    ex.sendJson(400, Json{{"error", "unsupported_grant_type"},
                          {"error_description", "Unsupported grant type: " + grant.value_or("")}});
    return;
  }

  const int ttl = ex.emu.config.tokenTtlSeconds;
  IssuedToken t = ex.emu.tokens.issue(client->id, ttl);
  Json body = {{"access_token", t.accessToken},
               {"token_type", "bearer"},
               {"expires_in", ttl},
               {"scope", "uaa.resource"},
               {"jti", t.jti}};
  ex.sendJson(200, body, {{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}});
}

}  // namespace aicore::emulator
