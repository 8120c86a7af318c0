// The configuration of the memory and upstream bounds: defaults and field-exact errors.
#include <gtest/gtest.h>

#include "config/Config.hpp"

using namespace aicore::host;

namespace {

std::string config(const std::string& extra) {
  return std::string(R"({"subAccounts":{"acc1":{"service_key":{"clientid":"id","clientsecret":"sec",
    "url":"https://x.example","serviceurls":{"AI_API_URL":"https://api.example"}},
    "deployment_models":{"gpt-4o":["https://api.example/v2/inference/deployments/d1"]}}})") + extra + "}";
}

std::string error_of(const std::string& extra) {
  try {
    parse_config(config(extra), ".");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(ConfigBounds, UpstreamMaxResponseBytes) {
  EXPECT_EQ(parse_config(config(""), ".").upstream.max_response_bytes, 64 << 20);
  EXPECT_EQ(parse_config(config(R"(,"upstream":{"max_response_bytes":1048576})"), ".").upstream.max_response_bytes, 1 << 20);
  EXPECT_EQ(error_of(R"(,"upstream":{"max_response_bytes":100})"),
            "upstream.max_response_bytes: must be between 65536 and 17179869184");
  EXPECT_EQ(error_of(R"(,"upstream":{"max_response_bytes":"64M"})"),
            "upstream.max_response_bytes: must be an integer, got a string");
}

TEST(ConfigBounds, BodyLimitAndInflightBudget) {
  const Config c = parse_config(config(""), ".");
  EXPECT_EQ(c.server.max_body_bytes, 32 << 20);
  EXPECT_EQ(c.server.max_inflight_body_bytes, int64_t(2) << 30);
  EXPECT_EQ(parse_config(config(R"(,"server":{"max_inflight_body_bytes":1073741824})"), ".").server.max_inflight_body_bytes,
            int64_t(1) << 30);
  EXPECT_EQ(error_of(R"(,"server":{"max_inflight_body_bytes":1000})"),
            "server.max_inflight_body_bytes: must be between 1048576 and 1099511627776");
  EXPECT_EQ(error_of(R"(,"server":{"max_body_bytes":67108864,"max_inflight_body_bytes":33554432})"),
            "server.max_inflight_body_bytes: must be at least server.max_body_bytes (67108864), or a body of that size "
            "could never be read");
}
