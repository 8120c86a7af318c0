// Named client keys across the ABI (1.3 appended acp_client_auth_v1.identify): a client-auth
// plugin built for 1.2 (a table that ends at check) still loads and is called through check,
// its callers unnamed; the bundled auth plugin names the caller by the key's digest.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/ClientKey.hpp"
#include "plugin/AuthPlugins.hpp"
#include "plugin/PluginLibrary.hpp"

using namespace aicore::host;

namespace {

struct Presented {
  std::string key;
  std::vector<acp_header> headers() const { return {{{"x-api-key", 9}, {key.data(), key.size()}}}; }
};

std::unique_ptr<ClientAuthPlugin> load(const std::string& file, const std::string& settings) {
  auto lib = PluginLibrary::load(file);
  return std::make_unique<ClientAuthPlugin>(
      lib, read_table<acp_client_auth_v1>(lib->find_interface(ACP_IFACE_CLIENT_AUTH_V1)), settings);
}

}  // namespace

TEST(AuthCompat, APluginBuiltFor12IsAskedThroughCheckAndNamesNobody) {
  auto auth = load(std::string(EVENTS_PLUGIN_DIR) + "/legacy_auth.so", R"({"keys":[],"clients":[]})");
  EXPECT_EQ(auth->abi_minor(), 2u);
  std::string why, who;
  EXPECT_TRUE(auth->check(Presented{"ok-anything"}.headers(), why, &who));
  EXPECT_EQ(who, "");
  EXPECT_FALSE(auth->check(Presented{"not-ok"}.headers(), why, &who));
  EXPECT_EQ(why, "invalid API key");
}

TEST(AuthCompat, TheBundledAuthPluginNamesTheCaller) {
  const std::string settings = R"({"keys":["plain"],"clients":[{"name":"alice","sha256":")" +
                               sha256_hex("alice-key-0123456789") + R"("}]})";
  auto auth = load(AUTH_PLUGIN, settings);
  EXPECT_EQ(auth->abi_minor(), uint32_t{ACP_ABI_VERSION_MINOR});
  std::string why, who;
  EXPECT_TRUE(auth->check(Presented{"alice-key-0123456789"}.headers(), why, &who));
  EXPECT_EQ(who, "alice");
  who.clear();
  EXPECT_FALSE(auth->check(Presented{"plain"}.headers(), why, &who));  // "clients" replaces "keys"
  EXPECT_EQ(who, "");
  EXPECT_TRUE(auth->check(Presented{"alice-key-0123456789"}.headers(), why));  // not asking: check alone
}
