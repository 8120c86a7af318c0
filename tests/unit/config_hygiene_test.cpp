// What the config says about secrets and transport: a malformed key file never prints any of its
// secret, plain http:// towards other machines is warned about, and the TLS and plugin-permission
// settings are validated with field-exact errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/Config.hpp"
#include "log/JsonErrorText.hpp"

using namespace aicore::host;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSecret = "Zq7#Xw!9Kp~42Vt$";

std::string error_of(const std::string& text, const std::string& dir = ".") {
  try {
    parse_config(text, dir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

// Whether any 4 consecutive characters of the secret appear in `text`.
bool shows_any_of_the_secret(const std::string& text) {
  const std::string s = kSecret;
  for (size_t i = 0; i + 4 <= s.size(); ++i)
    if (text.find(s.substr(i, 4)) != std::string::npos) return true;
  return false;
}

std::string config_with_key_file(const fs::path& dir) {
  return R"({"subAccounts":{"a":{"service_key_json":")" + (dir / "key.json").string() +
         R"(","deployment_models":{"gpt-4o":["https://api.example/d/1"]}}}})";
}

std::string with_sub(const std::string& key, const std::string& deployment = "https://api.example/d/1",
                     const std::string& extra = "") {
  return R"({"subAccounts":{"a":{"service_key":)" + key + R"(,"deployment_models":{"gpt-4o":[")" + deployment +
         R"("]}}})" + extra + "}";
}

const std::string kKey = R"({"clientid":"id","clientsecret":"s","url":"https://auth.example",
  "serviceurls":{"AI_API_URL":"https://api.example"}})";

}  // namespace

// Each of these puts the syntax error right at or after the secret, where nlohmann's message
// quotes the input it last read.
TEST(ConfigHygiene, AMalformedKeyFileNeverPrintsItsSecret) {
  const fs::path dir = fs::temp_directory_path() / "aicore-config-hygiene";
  fs::create_directories(dir);
  const std::string s = kSecret;
  const std::vector<std::string> broken{
      R"({"clientid":"x","clientsecret":")" + s,                                     // unterminated, end of file
      R"({"clientid":"x","clientsecret":")" + s + "\n\",\"url\":\"https://a\"}",    // raw newline inside the string
      R"({"clientid":"x","clientsecret":")" + s + R"(\q","url":"https://a"})",      // invalid escape
      R"({"clientid":"x","clientsecret":)" + s + R"(,"url":"https://a"})",          // unquoted
      R"({"clientid":"x","clientsecret":")" + s + "\xff\xfe\",\"url\":\"https://a\"}",  // invalid UTF-8
      R"({"clientid":"x","clientsecret":")" + s + R"(" "url":"https://a"})",        // missing comma after it
  };
  for (const auto& text : broken) {
    std::ofstream(dir / "key.json", std::ios::binary | std::ios::trunc) << text;
    const std::string err = error_of(config_with_key_file(dir));
    EXPECT_NE(err.find("invalid JSON: [json.exception.parse_error"), std::string::npos) << err;
    EXPECT_NE(err.find("at line "), std::string::npos) << err;  // still says where
    EXPECT_FALSE(shows_any_of_the_secret(err)) << err;
  }
  // The same for the config file itself (keys and inline service keys live there too).
  const std::string err = error_of(R"({"secret_authentication_tokens":[")" + s + "\n\"]}");
  EXPECT_FALSE(shows_any_of_the_secret(err)) << err;
  EXPECT_NE(err.find("config: invalid JSON: [json.exception.parse_error.101] parse error at line 2, column 0"),
            std::string::npos) << err;
}

TEST(ConfigHygiene, JsonErrorTextKeepsWhereAndWhatButNotTheInput) {
  try {
    auto j = nlohmann::json::parse(R"({"a": tru})");
    FAIL() << j.dump();
  } catch (const nlohmann::json::exception& e) {
    EXPECT_EQ(json_error_text(e),
              "[json.exception.parse_error.101] parse error at line 1, column 10: syntax error while parsing value - "
              "invalid literal");
  }
  try {
    auto j = nlohmann::json::parse(R"({"a" 1})");
    FAIL() << j.dump();
  } catch (const nlohmann::json::exception& e) {
    EXPECT_EQ(json_error_text(e),
              "[json.exception.parse_error.101] parse error at line 1, column 6: syntax error while parsing object "
              "separator - unexpected number literal; expected ':'");
  }
  try {
    auto j = nlohmann::json::parse(R"({"port": 1e999})");
    FAIL() << j.dump();
  } catch (const nlohmann::json::exception& e) {
    EXPECT_EQ(json_error_text(e), "[json.exception.out_of_range.406] number overflow");
  }
}

TEST(ConfigHygiene, PlainHttpToAnotherMachineIsWarnedAbout) {
  auto warnings_of = [](const std::string& text) {
    std::string all;
    for (const auto& w : parse_config(text, ".").warnings) all += w + "\n";
    return all;
  };
  const std::string http_key = R"({"clientid":"id","clientsecret":"s","url":"http://auth.example.com/",
    "serviceurls":{"AI_API_URL":"http://user@10.1.2.3:8080/x"}})";
  const std::string w = warnings_of(with_sub(http_key, "http://[2001:db8::1]:80/v2/inference/deployments/d"));
  EXPECT_NE(w.find("subAccounts.a.service_key.url: http:// to auth.example.com (not this machine): the client secret, "
                   "tokens and prompts cross the network unencrypted; use https://"),
            std::string::npos) << w;
  EXPECT_NE(w.find("subAccounts.a.service_key.serviceurls.AI_API_URL: http:// to 10.1.2.3 (not this machine)"),
            std::string::npos) << w;
  EXPECT_NE(w.find("subAccounts.a.deployment_models.gpt-4o[0]: http:// to 2001:db8::1 (not this machine)"),
            std::string::npos) << w;
  // Loopback (the emulator, a local tunnel) and https are fine.
  const std::string local_key = R"({"clientid":"id","clientsecret":"s","url":"http://127.0.0.1:9/",
    "serviceurls":{"AI_API_URL":"http://localhost:9"}})";
  EXPECT_EQ(warnings_of(with_sub(local_key, "http://[::1]:9/d")), "");
  EXPECT_EQ(warnings_of(with_sub(kKey)), "");
}

TEST(ConfigHygiene, TlsSettingsAreValidated) {
  Config c = parse_config(with_sub(kKey), ".");
  EXPECT_EQ(c.server.tls_min_version, "1.2");
  EXPECT_EQ(c.upstream.tls_min_version, "1.2");
  EXPECT_EQ(c.server.tls_ciphers, kDefaultTlsCiphers);
  EXPECT_EQ(c.upstream.tls_ciphers, kDefaultTlsCiphers);
  c = parse_config(with_sub(kKey, "https://api.example/d/1",
                            R"(,"server":{"tls_min_version":"1.3","tls_ciphers":"ECDHE-RSA-AES256-GCM-SHA384"},)"
                            R"("upstream":{"tls_min_version":"1.3"})"),
                   ".");
  EXPECT_EQ(c.server.tls_min_version, "1.3");
  EXPECT_EQ(c.server.tls_ciphers, "ECDHE-RSA-AES256-GCM-SHA384");
  EXPECT_EQ(c.upstream.tls_min_version, "1.3");
  EXPECT_EQ(error_of(with_sub(kKey, "https://api.example/d/1", R"(,"server":{"tls_min_version":"1.1"})")),
            "server.tls_min_version: must be \"1.2\" or \"1.3\", got '1.1'");
  EXPECT_EQ(error_of(with_sub(kKey, "https://api.example/d/1", R"(,"upstream":{"tls_min_version":1.2})")),
            "upstream.tls_min_version: must be a string, got a number");
  EXPECT_EQ(error_of(with_sub(kKey, "https://api.example/d/1", R"(,"upstream":{"tls_ciphers":"AES GCM"})")),
            "upstream.tls_ciphers: must be an OpenSSL cipher list (letters, digits and : + - ! @ = _ . ,)");
  EXPECT_EQ(error_of(with_sub(kKey, "https://api.example/d/1", R"(,"server":{"tls_ciphers":""})")),
            "server.tls_ciphers: must not be empty");
}

TEST(ConfigHygiene, AllowInsecurePluginPermissionsIsABoolean) {
  EXPECT_FALSE(parse_config(with_sub(kKey), ".").plugins.allow_insecure_permissions);
  EXPECT_TRUE(parse_config(with_sub(kKey, "https://api.example/d/1", R"(,"plugins":{"allow_insecure_permissions":true})"), ".")
                  .plugins.allow_insecure_permissions);
  EXPECT_EQ(error_of(with_sub(kKey, "https://api.example/d/1", R"(,"plugins":{"allow_insecure_permissions":"yes"})")),
            "plugins.allow_insecure_permissions: must be true or false, got a string");
}
