// Named client keys: allow-list globs, the client_keys config section (names, digests, the
// fingerprint names of secret_authentication_tokens) and `aicore-proxy keys new`.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "cli/KeysCommand.hpp"
#include "config/ClientKey.hpp"
#include "config/Config.hpp"

using namespace aicore::host;

namespace {
const char* kSub = R"("subAccounts":{"a":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://x",
  "serviceurls":{"AI_API_URL":"https://y"}},"deployment_models":{"gpt-4o":["https://y/d/1"]}}})";
}  // namespace

TEST(ClientKeys, GlobsAndAllowLists) {
  EXPECT_TRUE(glob_match("gpt-*", "gpt-4o"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("anthropic--claude-*-sonnet", "anthropic--claude-4.5-sonnet"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_match("gpt-*", "gemini-2.5-pro"));
  EXPECT_FALSE(glob_match("gpt-4o", "gpt-4o-mini"));  // exact unless a * says otherwise
  EXPECT_FALSE(glob_match("a*b", "aXbY"));
  ClientKey k;
  EXPECT_TRUE(k.allows("anything"));  // no list: every model
  k.models = {"gpt-4o", "anthropic--*"};
  EXPECT_TRUE(k.allows("gpt-4o"));
  EXPECT_TRUE(k.allows("anthropic--claude-3.7-sonnet"));
  EXPECT_FALSE(k.allows("gpt-4o-mini"));
}

TEST(ClientKeys, ConfigSectionNamesKeysAndHoldsDigests) {
  const std::string digest = sha256_hex("bob-key-0123456789");
  Config c = parse_config(std::string("{") + kSub + R"(,"secret_authentication_tokens":["legacy-key"],
    "client_keys":[{"name":"alice","key":"alice-key-0123456789","models":["gpt-*"]},
                   {"name":"bob","key":"sha256:)" + digest + R"(","enabled":false}]})",
                          "/tmp");
  ASSERT_EQ(c.client_keys.size(), 3u);
  EXPECT_EQ(c.client_keys[0].name, "key-" + sha256_hex("legacy-key").substr(0, 8));
  EXPECT_EQ(c.client("alice")->sha256, sha256_hex("alice-key-0123456789"));
  EXPECT_EQ(c.client("alice")->models, std::vector<std::string>{"gpt-*"});
  EXPECT_EQ(c.client("bob")->key, "");
  EXPECT_EQ(c.client("bob")->sha256, digest);
  EXPECT_FALSE(c.client("bob")->enabled);
  EXPECT_EQ(c.client("carol"), nullptr);
  auto secrets = c.secrets();
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "alice-key-0123456789"), secrets.end());

  auto fails = [](const std::string& keys, const std::string& want) {
    try {
      parse_config(std::string("{") + kSub + ",\"client_keys\":" + keys + "}", "/tmp");
      ADD_FAILURE() << keys;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  fails(R"([{"key":"alice-key-0123456789"}])", "client_keys[0].name: missing");
  fails(R"([{"name":"a b","key":"alice-key-0123456789"}])", "client_keys[0].name: must be 1 to 64");
  fails(R"([{"name":"a"}])", "client_keys[0].key: missing");
  fails(R"([{"name":"a","key":"short"}])", "client_keys[0].key: must be at least 16");
  fails(R"([{"name":"a","key":"alice-key-0123456789","models":[]}])", "client_keys[0].models: must name");
  fails(R"([{"name":"a","key":"alice-key-0123456789"},{"name":"a","key":"other-key-0123456789"}])",
        "two client keys have this name");
  fails(R"([{"name":"a","key":"alice-key-0123456789"},{"name":"b","key":"sha256:)" + sha256_hex("alice-key-0123456789") +
            R"("}])",
        "the same key as a");
}

TEST(KeysCommand, PrintsAFreshKeyOnceAndItsDigestEntry) {
  std::ostringstream out, err;
  ASSERT_EQ(keys_command({"new", "--name", "alice", "--models=gpt-*,gemini-2.5-pro"}, out, err), 0) << err.str();
  const std::string text = out.str();
  const auto at = text.find("aic-");
  ASSERT_NE(at, std::string::npos);
  const std::string key = text.substr(at, text.find('\n', at) - at);
  EXPECT_EQ(key.size(), 4u + 43u);
  EXPECT_NE(text.find(R"({"name":"alice","key":"sha256:)" + sha256_hex(key) + R"(","models":["gpt-*","gemini-2.5-pro"]})"),
            std::string::npos)
      << text;
  EXPECT_NE(new_client_key(), new_client_key());
  std::ostringstream o2, e2;
  EXPECT_EQ(keys_command({"new"}, o2, e2), 2);
  EXPECT_EQ(keys_command({"new", "--name", "a b"}, o2, e2), 2);
  EXPECT_EQ(keys_command({"list"}, o2, e2), 2);
  EXPECT_EQ(keys_command({"new", "--name"}, o2, e2), 2);
}
