// Config parsing: the Python proxy's config.json loads as is; every error names its field.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "config/Config.hpp"

using namespace aicore::host;
namespace fs = std::filesystem;

namespace {

const char* kInlineKey = R"({"clientid":"id","clientsecret":"sec","url":"https://x.example/","identityzoneid":"z",
  "serviceurls":{"AI_API_URL":"https://api.example"}})";

std::string with_sub(const std::string& sub_body, const std::string& extra = "") {
  return std::string(R"({"subAccounts":{"acc1":)") + sub_body + "}" + extra + "}";
}

std::string error_of(const std::string& text, const std::string& dir = ".") {
  try {
    parse_config(text, dir);
  } catch (const ConfigError& e) { return e.what(); }
  return "no error";
}

std::string good_sub() {
  return std::string(R"({"service_key":)") + kInlineKey +
         R"(,"deployment_models":{"gpt-4o":["https://api.example/v2/inference/deployments/d1"]}})";
}

}  // namespace

TEST(Config, PythonProxyConfigWithKeyFileLoads) {
  fs::path dir = fs::temp_directory_path() / "aicore-config-test";
  fs::create_directories(dir / "keys");
  std::ofstream(dir / "keys" / "k.json") << kInlineKey;
  std::ofstream(dir / "config.json") << R"({
    "subAccounts": {"a": {"resource_group": "rg1", "service_key_json": "keys/k.json",
        "deployment_models": {"gpt-4o": ["https://api.example/v2/inference/deployments/d1/"], "4.5-sonnet": "https://api.example/v2/inference/deployments/d2"},
        "deployment_ids": {"gpt-4o": ["d1"]}}},
    "secret_authentication_tokens": ["t1", "t2"], "port": 3005, "host": "0.0.0.0",
    "model_filters": {"include_filters": ["^gpt-.*"]}})";
  Config c = load_config_file((dir / "config.json").string());
  ASSERT_EQ(c.subaccounts.size(), 1u);
  EXPECT_EQ(c.subaccounts[0].resource_group, "rg1");
  EXPECT_EQ(c.subaccounts[0].key.clientid, "id");
  EXPECT_EQ(c.subaccounts[0].key.url, "https://x.example");  // trailing slash dropped
  EXPECT_EQ(c.subaccounts[0].key.ai_api_url, "https://api.example");
  ASSERT_EQ(c.subaccounts[0].deployment_models.size(), 2u);
  EXPECT_EQ(c.subaccounts[0].deployment_models[0].second[0], "https://api.example/v2/inference/deployments/d1");
  EXPECT_EQ(c.subaccounts[0].deployment_models[1].first, "4.5-sonnet");
  ASSERT_EQ(c.client_keys.size(), 2u);  // secret_authentication_tokens: named by fingerprint
  EXPECT_EQ(c.client_keys[0].key, "t1");
  EXPECT_EQ(c.client_keys[1].key, "t2");
  EXPECT_EQ(c.client_keys[0].name, "key-" + sha256_hex("t1").substr(0, 8));
  EXPECT_TRUE(c.client_keys[0].models.empty());
  EXPECT_EQ(c.port, 3005);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_TRUE(std::any_of(c.warnings.begin(), c.warnings.end(),
                          [](auto& w) { return w.find("model_filters") != std::string::npos; }));
  EXPECT_TRUE(std::any_of(c.warnings.begin(), c.warnings.end(),
                          [](auto& w) { return w == "subAccounts.a.deployment_ids: unknown field, ignored"; }));
  EXPECT_EQ(c.model_keys(), (std::vector<std::string>{"gpt-4o", "4.5-sonnet"}));
  auto secrets = c.secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "sec"), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "t2"), secrets.end());
}

TEST(Config, Defaults) {
  Config c = parse_config(with_sub(good_sub()), ".");
  EXPECT_EQ(c.port, 3001);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.subaccounts[0].resource_group, "default");
  EXPECT_TRUE(c.client_keys.empty());
  EXPECT_GE(c.server.max_threads, 256);
  EXPECT_GE(c.server.max_body_bytes, 16 << 20);
  EXPECT_TRUE(c.upstream.verify_tls);
}

TEST(Config, MissingKeyFileNamesTheField) {
  EXPECT_EQ(error_of(with_sub(R"({"service_key_json":"keys/acc1.json","deployment_models":{}})"), "/nonexistent"),
            "subAccounts.acc1.service_key_json: file not found: keys/acc1.json");
}

// SAP BTP's certificate-based service key: no clientsecret, certificate + key + certurl instead;
// the key joins the secrets the log redacts.
TEST(Config, X509ServiceKeyNeedsNoSecret) {
  const std::string x509 =
      R"({"clientid":"id","credential-type":"x509","certificate":"-----BEGIN CERTIFICATE-----\nA\n",
    "key":"-----BEGIN RSA PRIVATE KEY-----\nB\n","certurl":"https://x.authentication.cert.example/","url":"https://x.example",
    "serviceurls":{"AI_API_URL":"https://api.example"}})";
  Config c =
      parse_config(with_sub(R"({"service_key":)" + x509 +
                            R"(,"deployment_models":{"gpt-4o":["https://api.example/v2/inference/deployments/d1"]}})"),
                   ".");
  const ServiceKey& k = c.subaccounts[0].key;
  EXPECT_TRUE(k.x509());
  EXPECT_EQ(k.certurl, "https://x.authentication.cert.example");
  EXPECT_TRUE(k.clientsecret.empty());
  const auto secrets = c.secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), k.key), secrets.end());
  EXPECT_EQ(std::find(secrets.begin(), secrets.end(), std::string()), secrets.end());

  auto without = [&](const std::string& field) {
    nlohmann::json j = nlohmann::json::parse(x509);
    j.erase(field);
    return error_of(with_sub(R"({"service_key":)" + j.dump() + R"(,"deployment_models":{"m":["https://a/b"]}})"));
  };
  EXPECT_EQ(without("key"), "subAccounts.acc1.service_key.key: missing");
  EXPECT_EQ(without("certurl"), "subAccounts.acc1.service_key.certurl: missing");
  EXPECT_EQ(without("certificate"), "subAccounts.acc1.service_key.certificate: missing");
  nlohmann::json bad_url = nlohmann::json::parse(x509);
  bad_url["certurl"] = "x.example";
  EXPECT_EQ(
      error_of(with_sub(R"({"service_key":)" + bad_url.dump() + R"(,"deployment_models":{"m":["https://a/b"]}})")),
      "subAccounts.acc1.service_key.certurl: must be an http(s) URL");
}

TEST(Config, ErrorsNameTheExactPath) {
  EXPECT_EQ(error_of("{}"), "subAccounts: missing (at least one subaccount is needed)");
  EXPECT_EQ(error_of("[1]"), "config: must be a JSON object, got an array");
  EXPECT_NE(error_of("{bad json").find("config: invalid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"subAccounts":{}})"), "subAccounts: must contain at least one subaccount");
  EXPECT_EQ(error_of(with_sub(std::string(R"({"service_key":)") + kInlineKey + R"(,"discover":false})")),
            "subAccounts.acc1.deployment_models: missing (give deployment_models, or leave out \"discover\": false)");
  EXPECT_EQ(error_of(with_sub(std::string(R"({"service_key":)") + kInlineKey + R"(,"deployment_models":{"m":[5]}})")),
            "subAccounts.acc1.deployment_models.m[0]: must be a string, got an integer");
  EXPECT_EQ(
      error_of(with_sub(std::string(R"({"service_key":)") + kInlineKey + R"(,"deployment_models":{"m":["ftp://x"]}})")),
      "subAccounts.acc1.deployment_models.m[0]: must be an http(s) deployment URL, got 'ftp://x'");
  EXPECT_EQ(error_of(with_sub(R"({"service_key":{"clientid":"a"},"deployment_models":{}})")),
            "subAccounts.acc1.service_key.clientsecret: missing");
  EXPECT_EQ(
      error_of(with_sub(
          R"({"service_key":{"clientid":"a","clientsecret":"b","url":"https://u","serviceurls":{}},"deployment_models":{}})")),
      "subAccounts.acc1.service_key.serviceurls.AI_API_URL: missing");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"port":"3001")")), "port: must be an integer, got a string");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"port":70000)")), "port: must be between 0 and 65535");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"secret_authentication_tokens":"abc")")),
            "secret_authentication_tokens: must be an array of strings, got a string");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"secret_authentication_tokens":["ok",""])")),
            "secret_authentication_tokens[1]: must not be empty");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"model_aliases":{"fast":"gpt-9"})")),
            "model_aliases.fast: refers to 'gpt-9', which no subaccount deploys");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"server":{"max_threads":0})")),
            "server.max_threads: must be between 1 and 100000");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"log":{"level":"loud"})")),
            "log.level: must be one of trace, debug, info, warn, error, off");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"plugins":{"settings":{"openai":[]}})")),
            "plugins.settings.openai: must be an object, got an array");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"upstream":{"verify_tls":"no"})")),
            "upstream.verify_tls: must be true or false, got a string");
}

TEST(Config, OurSections) {
  Config c = parse_config(with_sub(good_sub(), R"(,"model_aliases":{"fast":"gpt-4o"},
     "server":{"max_threads":64,"min_threads":4,"max_body_bytes":2048},"retry":{"max_attempts":2},
     "plugins":{"dir":"/opt/p","enabled":["openai","auth"],"disabled":["gemini"],"settings":{"openai":{"api_version":"x"}},
                "models":{"gpt-4o":"openai"}},"log":{"level":"debug","access_log":false})"),
                          "/cfg");
  EXPECT_EQ(c.model_aliases[0], (std::pair<std::string, std::string>{"fast", "gpt-4o"}));
  EXPECT_EQ(c.server.max_threads, 64);
  EXPECT_EQ(c.server.max_body_bytes, 2048);
  EXPECT_EQ(c.retry.max_attempts, 2);
  EXPECT_EQ(c.plugins.dir, "/opt/p");
  EXPECT_EQ(c.plugins.enabled.size(), 2u);
  EXPECT_EQ(c.plugins.settings["openai"], R"({"api_version":"x"})");
  EXPECT_EQ(c.plugins.model_map["gpt-4o"], "openai");
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_FALSE(c.log.access_log);
}

TEST(Config, ShippedExamplesLoad) {
  for (const char* f : {"etc/config.example.json", "etc/demo/config.json"}) {
    SCOPED_TRACE(f);
    Config c = load_config_file(std::string(AICORE_SOURCE_DIR) + "/" + f);
    EXPECT_GE(c.subaccounts.size(), 2u);
    EXPECT_FALSE(c.model_keys().empty());
  }
}

TEST(Config, ConnectionDeadlines) {
  Config d = parse_config(with_sub(good_sub(), ""), "/cfg");
  EXPECT_EQ(d.server.header_timeout_s, 10);
  EXPECT_EQ(d.server.min_body_rate_bytes_s, 1024);
  EXPECT_EQ(d.server.body_grace_s, 5);
  EXPECT_EQ(d.server.send_timeout_s, 60);
  Config c = parse_config(with_sub(good_sub(), R"(,"server":{"header_timeout_s":3,"min_body_rate_bytes_s":0,
     "body_grace_s":1,"send_timeout_s":7})"),
                          "/cfg");
  EXPECT_EQ(c.server.header_timeout_s, 3);
  EXPECT_EQ(c.server.min_body_rate_bytes_s, 0);
  EXPECT_EQ(c.server.body_grace_s, 1);
  EXPECT_EQ(c.server.send_timeout_s, 7);
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"server":{"header_timeout_s":0})")),
            "server.header_timeout_s: must be between 1 and 3600");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"server":{"send_timeout_s":"5"})")),
            "server.send_timeout_s: must be an integer, got a string");
  EXPECT_EQ(error_of(with_sub(good_sub(), R"(,"server":{"min_body_rate_bytes_s":-1})")),
            "server.min_body_rate_bytes_s: must be between 0 and 1073741824");
}

TEST(Config, RoutingAndSubaccountWeights) {
  Config c = parse_config(with_sub(R"({"service_key":)" + std::string(kInlineKey) +
                                       R"(,"weight":3,"priority":1,"deployment_models":{"m":["https://a/d"]}})",
                                   R"(,"routing":{"affinity":"on","affinity_ttl_s":120,"affinity_max_entries":50})"),
                          ".");
  EXPECT_EQ(c.subaccounts[0].weight, 3);
  EXPECT_EQ(c.subaccounts[0].priority, 1);
  EXPECT_EQ(c.routing.affinity, "on");
  EXPECT_EQ(c.routing.affinity_ttl_s, 120);
  EXPECT_EQ(c.routing.affinity_max_entries, 50);
  Config d = parse_config(with_sub(good_sub()), ".");
  EXPECT_EQ(d.subaccounts[0].weight, 1);
  EXPECT_EQ(d.subaccounts[0].priority, 0);
  EXPECT_EQ(d.routing.affinity, "auto");
  EXPECT_EQ(parse_config(with_sub(good_sub(), R"(,"routing":{"affinity":false})"), ".").routing.affinity, "off");
  EXPECT_NE(error_of(with_sub(good_sub(), R"(,"routing":{"affinity":"sometimes"})")).find("routing.affinity"),
            std::string::npos);
  EXPECT_NE(error_of(with_sub(R"({"service_key":)" + std::string(kInlineKey) +
                              R"(,"weight":0,"deployment_models":{"m":["https://a/d"]}})"))
                .find("subAccounts.acc1.weight"),
            std::string::npos);
}

TEST(Config, ModelFallbacks) {
  const std::string sub = R"({"service_key":)" + std::string(kInlineKey) +
                          R"(,"deployment_models":{"a":["https://x/d1"],"b":["https://x/d2"]}})";
  Config c = parse_config(with_sub(sub, R"(,"model_aliases":{"bee":"b"},"model_fallbacks":{"a":["bee","b"]})"), ".");
  EXPECT_EQ(c.model_fallbacks.at("a"), (std::vector<std::string>{"bee", "b"}));
  EXPECT_NE(error_of(with_sub(sub, R"(,"model_fallbacks":{"a":["nope"]})")).find("model_fallbacks.a[0]"),
            std::string::npos);
  EXPECT_NE(error_of(with_sub(sub, R"(,"model_fallbacks":{"zzz":["a"]})")).find("model_fallbacks.zzz"),
            std::string::npos);
  EXPECT_NE(error_of(with_sub(sub, R"(,"model_fallbacks":{"a":["a"]})")).find("itself"), std::string::npos);
  EXPECT_NE(error_of(with_sub(sub, R"(,"model_fallbacks":{"a":"b"})")).find("model_fallbacks.a"), std::string::npos);
  // context_window_fallbacks: the same shape and checks, its own map.
  Config w = parse_config(with_sub(sub, R"(,"context_window_fallbacks":{"a":["b"]})"), ".");
  EXPECT_EQ(w.context_window_fallbacks.at("a"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(w.model_fallbacks.empty());
  EXPECT_NE(
      error_of(with_sub(sub, R"(,"context_window_fallbacks":{"a":["nope"]})")).find("context_window_fallbacks.a[0]"),
      std::string::npos);
  EXPECT_NE(error_of(with_sub(sub, R"(,"context_window_fallbacks":{"a":["a"]})")).find("itself"), std::string::npos);
}
