// A config nested absurdly deep is a config error, not a crash: the service key and each plugin's
// settings are serialised again by recursion, and a SIGHUP reload parses on a thread of the
// running proxy. Run on a stack the size of the workers' (tests/support/worker_stack.hpp).
#include <gtest/gtest.h>

#include "config/Config.hpp"
#include "worker_stack.hpp"

using namespace aicore::host;

namespace {

std::string nested(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += R"({"a":)";
  return s + "1" + std::string(depth, '}');
}

std::string config_with_key_extra(const std::string& extra) {
  return R"({"subAccounts":{"s":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://a.example",)"
         R"("serviceurls":{"AI_API_URL":"https://b.example"},"x":)" + extra +
         R"(},"deployment_models":{"gpt-4o":["https://b.example/v2/inference/deployments/d"]}}}})";
}

std::string error_of(const std::string& text) {
  std::string what = "no error";
  test_support::run_on_worker_stack([&] {
    try {
      parse_config(text, "/nonexistent");
    } catch (const ConfigError& e) {
      what = e.what();
    }
  });
  return what;
}

}  // namespace

TEST(ConfigNesting, DeepServiceKeyOrSettingsAreAConfigError) {
  EXPECT_EQ(error_of(config_with_key_extra(nested(6000))), "config: invalid JSON: nested deeper than 64 levels");
  const std::string settings =
      R"({"subAccounts":{"s":{"service_key":{"clientid":"c","clientsecret":"s","url":"https://a.example",)"
      R"("serviceurls":{"AI_API_URL":"https://b.example"}},"deployment_models":{"gpt-4o":["https://b.example/v2/inference/deployments/d"]}}},)"
      R"("plugins":{"settings":{"openai":)" + nested(100000) + "}}}";
  EXPECT_EQ(error_of(settings), "config: invalid JSON: nested deeper than 64 levels");
}

TEST(ConfigNesting, NestingWithinTheLimitLoads) {
  // The key's extra field sits 4 levels down: 60 more make 64.
  EXPECT_EQ(error_of(config_with_key_extra(nested(60))), "no error");
  EXPECT_EQ(error_of(config_with_key_extra(nested(61))), "config: invalid JSON: nested deeper than 64 levels");
}
