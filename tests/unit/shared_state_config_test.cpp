// shared_state: the Redis URL taken apart, and the config errors that name the field without
// ever quoting the password.
#include <gtest/gtest.h>

#include "config/Config.hpp"
#include "shared/RedisUrl.hpp"

using namespace aicore::host;
using aicore::host::shared::parse_redis_url;

namespace {

std::string config(const std::string& shared_state) {
  return std::string(R"({"subAccounts":{"acc1":{"service_key":{"clientid":"id","clientsecret":"sec",
    "url":"https://x.example","serviceurls":{"AI_API_URL":"https://api.example"}},
    "deployment_models":{"gpt-4o":["https://api.example/v2/inference/deployments/d1"]}}})") +
         (shared_state.empty() ? "" : R"(,"shared_state":)" + shared_state) + "}";
}

std::string error_of(const std::string& shared_state) {
  try {
    parse_config(config(shared_state), ".");
  } catch (const ConfigError& e) { return e.what(); }
  return "no error";
}

std::string url_error(const std::string& url) {
  try {
    parse_redis_url(url);
  } catch (const std::invalid_argument& e) { return e.what(); }
  return "no error";
}

}  // namespace

TEST(RedisUrl, HostPortAndDatabase) {
  const auto u = parse_redis_url("redis://cache.internal:6380/3");
  EXPECT_EQ(u.host, "cache.internal");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.db, 3);
  EXPECT_TRUE(u.password.empty());
  EXPECT_TRUE(u.user.empty());
}

TEST(RedisUrl, DefaultsArePort6379AndDatabase0) {
  for (const char* s : {"redis://h", "redis://h/", "redis://h:6379/0"}) {
    const auto u = parse_redis_url(s);
    EXPECT_EQ(u.host, "h") << s;
    EXPECT_EQ(u.port, 6379) << s;
    EXPECT_EQ(u.db, 0) << s;
  }
}

TEST(RedisUrl, PasswordWithOrWithoutUserAndPercentEscapes) {
  const auto a = parse_redis_url("redis://:s3cret@h:1/2");
  EXPECT_EQ(a.user, "");
  EXPECT_EQ(a.password, "s3cret");
  const auto b = parse_redis_url("redis://gw:p%40ss%3Aw%2Fd@h");
  EXPECT_EQ(b.user, "gw");
  EXPECT_EQ(b.password, "p@ss:w/d");
  const auto c = parse_redis_url("redis://:p@ss@h");  // the last '@' ends the credentials
  EXPECT_EQ(c.password, "p@ss");
  EXPECT_EQ(c.host, "h");
}

TEST(RedisUrl, IPv6InBrackets) {
  const auto u = parse_redis_url("redis://[::1]:7000/1");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 7000);
  EXPECT_EQ(u.redacted(), "redis://[::1]:7000/1");
}

TEST(RedisUrl, RedissIsTls) {
  const auto u = parse_redis_url("rediss://:hunter2@cache.example:6380/2");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "cache.example");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.db, 2);
  EXPECT_EQ(u.redacted(), "rediss://***@cache.example:6380/2");
  EXPECT_FALSE(parse_redis_url("redis://h").tls);
}

TEST(RedisUrl, RedactedNeverHoldsThePassword) {
  const auto u = parse_redis_url("redis://gw:hunter2@h:6379/4");
  EXPECT_EQ(u.redacted(), "redis://***@h:6379/4");
}

TEST(RedisUrl, RefusesWhatItCannotServe) {
  EXPECT_NE(url_error("http://h:6379").find("redis://"), std::string::npos);
  EXPECT_NE(url_error("redis://").find("no host"), std::string::npos);
  EXPECT_NE(url_error("redis://h:0").find("port"), std::string::npos);
  EXPECT_NE(url_error("redis://h:70000").find("port"), std::string::npos);
  EXPECT_NE(url_error("redis://h:").find("port"), std::string::npos);
  EXPECT_NE(url_error("redis://h:63x9").find("port"), std::string::npos);
  EXPECT_NE(url_error("redis://h/x").find("database"), std::string::npos);
  EXPECT_NE(url_error("redis://h/0?ssl=true").find("query"), std::string::npos);
  EXPECT_NE(url_error("redis://[::1:6379").find("IPv6"), std::string::npos);
  EXPECT_NE(url_error("redis://:p%zz@h").find("percent"), std::string::npos);
  EXPECT_NE(url_error("redis://:@h").find("empty"), std::string::npos);
}

TEST(RedisUrl, ErrorsNeverQuoteTheCredentials) {
  for (const char* s :
       {"redis://hunter2@h", "redis://:hunter2%zz@h", "redis://:hunter2@h:bad", "redis://:hunter2@/0"}) {
    const std::string e = url_error(s);
    EXPECT_NE(e, "no error") << s;
    EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  }
}

TEST(SharedStateConfig, AbsentMeansNothingShared) {
  const Config c = parse_config(config(""), ".");
  EXPECT_TRUE(c.shared_state.redis_url.empty());
  EXPECT_EQ(c.shared_state.poll_interval_ms, 200);
  EXPECT_EQ(c.shared_state.lookup_timeout_ms, 50);
  EXPECT_TRUE(c.shared_state.client_cache);
  EXPECT_TRUE(c.shared_state.tls_ca_file.empty());
}

TEST(SharedStateConfig, ClientCacheAndTlsCaFile) {
  const Config c = parse_config(config(R"({"redis_url":"rediss://h","client_cache":false,"tls_ca_file":"/etc/hostname"})"), ".");
  EXPECT_FALSE(c.shared_state.client_cache);
  EXPECT_EQ(c.shared_state.tls_ca_file, "/etc/hostname");
  EXPECT_EQ(error_of(R"({"client_cache":"yes"})").rfind("shared_state.client_cache: ", 0), 0u);
  EXPECT_EQ(error_of(R"({"tls_ca_file":"/nonexistent/ca.pem"})").rfind("shared_state.tls_ca_file: ", 0), 0u);
}

TEST(SharedStateConfig, LoadsAndKeepsThePasswordOnTheRedactionList) {
  const Config c =
      parse_config(config(R"({"redis_url":"redis://:hunter2@10.0.0.5:6379/1","poll_interval_ms":50,"lookup_timeout_ms":20})"),
      ".");
  EXPECT_EQ(c.shared_state.redis_url, "redis://:hunter2@10.0.0.5:6379/1");
  EXPECT_EQ(c.shared_state.poll_interval_ms, 50);
  EXPECT_EQ(c.shared_state.lookup_timeout_ms, 20);
  const auto s = c.secrets();
  EXPECT_NE(std::find(s.begin(), s.end(), "hunter2"), s.end());
}

TEST(SharedStateConfig, ErrorsNameTheFieldAndHideThePassword) {
  const std::string bad = error_of(R"({"redis_url":"redis://:hunter2@h:99999"})");
  EXPECT_EQ(bad.rfind("shared_state.redis_url: ", 0), 0u) << bad;
  EXPECT_NE(bad.find("port"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("hunter2"), std::string::npos) << bad;
  EXPECT_EQ(error_of(R"({"redis_url":""})"), "shared_state.redis_url: must not be empty");
  EXPECT_EQ(error_of(R"({"poll_interval_ms":0})"), "shared_state.poll_interval_ms: must be between 10 and 10000");
  EXPECT_EQ(error_of(R"({"lookup_timeout_ms":0})"), "shared_state.lookup_timeout_ms: must be between 1 and 10000");
  EXPECT_EQ(error_of(R"("redis://h")"), "shared_state: must be an object, got a string");
}
