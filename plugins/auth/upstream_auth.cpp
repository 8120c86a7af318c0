#include "upstream_auth.hpp"

#include <nlohmann/json.hpp>

namespace aicore::auth {

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string o;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      o.push_back(static_cast<char>(c));
    } else {
      o.push_back('%');
      o.push_back(hex[c >> 4]);
      o.push_back(hex[c & 15]);
    }
  }
  return o;
}

std::string base64(std::string_view s) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string o;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    o += {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], tbl[v & 63]};
  }
  if (i + 1 == s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    o += {tbl[v >> 18], tbl[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == s.size()) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8);
    o += {tbl[v >> 18], tbl[(v >> 12) & 63], tbl[(v >> 6) & 63], '='};
  }
  return o;
}

XsuaaAuth::XsuaaAuth(std::string_view settings_json) {
  auto s = nlohmann::json::parse(settings_json, nullptr, false);
  if (!s.is_object()) throw PluginError(ACP_ERR_CONFIG, "auth settings must be a JSON object");
  if (s.contains("token_request")) {
    const auto& v = s["token_request"];
    if (!v.is_string() || (v != "form" && v != "basic"))
      throw PluginError(ACP_ERR_CONFIG, "token_request: must be \"form\" or \"basic\"");
    basic_ = v == "basic";
  }
}

void XsuaaAuth::build_token_request(std::string_view service_key_json, const RequestOut& out) const {
  auto key = nlohmann::json::parse(service_key_json, nullptr, false);
  if (!key.is_object()) throw PluginError(ACP_ERR_CONFIG, "service key is not a JSON object");
  auto field = [&](const char* name) -> std::string {
    if (!key.contains(name) || !key[name].is_string() || key[name].get<std::string>().empty())
      throw PluginError(ACP_ERR_CONFIG, std::string("service key: ") + name + " missing");
    return key[name].get<std::string>();
  };
  // An X.509 key (BTP "credential-type": "x509"): the certificate endpoint, the client id in the
  // form and no secret; the host presents the key's certificate on the connection (mutual TLS).
  // Every field is read before anything is written to `out`.
  if (key.contains("certificate") && key.contains("certurl")) {
    std::string certurl = field("certurl");
    while (!certurl.empty() && certurl.back() == '/') certurl.pop_back();
    const std::string body = "grant_type=client_credentials&client_id=" + url_encode(field("clientid"));
    out.method("POST");
    out.target(certurl + "/oauth/token");
    out.header("Content-Type", "application/x-www-form-urlencoded");
    out.body(body);
    out.header("Accept", "application/json");
    return;
  }
  std::string url = field("url");
  while (!url.empty() && url.back() == '/') url.pop_back();
  const std::string id = field("clientid"), secret = field("clientsecret");
  out.method("POST");
  if (basic_) {
    out.target(url + "/oauth/token?grant_type=client_credentials");
    out.header("Authorization", "Basic " + base64(id + ":" + secret));
  } else {
    out.target(url + "/oauth/token");
    out.header("Content-Type", "application/x-www-form-urlencoded");
    out.body("grant_type=client_credentials&client_id=" + url_encode(id) + "&client_secret=" + url_encode(secret));
  }
  out.header("Accept", "application/json");
}

std::pair<std::string, int64_t> XsuaaAuth::parse_token_response(int status, std::string_view body) const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (status != 200) {
    std::string why;
    if (j.is_object()) {
      if (j.contains("error") && j["error"].is_string()) why = j["error"].get<std::string>();
      if (j.contains("error_description") && j["error_description"].is_string())
        why += (why.empty() ? "" : ": ") + j["error_description"].get<std::string>();
    }
    if (why.empty()) why = "unexpected answer";
    throw PluginError(ACP_ERR_UPSTREAM, "token endpoint answered " + std::to_string(status) + ": " + why);
  }
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
    throw PluginError(ACP_ERR_UPSTREAM, "token endpoint answered without an access_token");
  int64_t expires = 0;
  if (j.contains("expires_in") && j["expires_in"].is_number()) expires = j["expires_in"].get<int64_t>();
  return {j["access_token"].get<std::string>(), expires};
}

}  // namespace aicore::auth
