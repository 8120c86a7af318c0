#include <gtest/gtest.h>

#include "cli/Options.hpp"
#include "upstream/Url.hpp"

using namespace aicore::host;

TEST(Options, ParsesBothForms) {
  auto o = parse_options({"--config", "c.json", "--port=4000", "--host", "0.0.0.0", "--debug", "--plugin-dir=/p"});
  EXPECT_EQ(o.config, "c.json");
  EXPECT_EQ(*o.port, 4000);
  EXPECT_EQ(*o.host, "0.0.0.0");
  EXPECT_TRUE(o.debug);
  EXPECT_EQ(o.plugin_dir, "/p");
  EXPECT_TRUE(parse_options({"--check-config"}).check_config);
  EXPECT_TRUE(parse_options({"--list-plugins"}).list_plugins);
  EXPECT_TRUE(parse_options({"--version"}).version);
  EXPECT_TRUE(parse_options({"-h"}).help);
}

TEST(Options, RejectsBadInput) {
  EXPECT_THROW(parse_options({"--port", "abc"}), UsageError);
  EXPECT_THROW(parse_options({"--port", "99999"}), UsageError);
  EXPECT_THROW(parse_options({"--config"}), UsageError);
  EXPECT_THROW(parse_options({"--what"}), UsageError);
  EXPECT_THROW(parse_options({"--debug=yes"}), UsageError);
}

TEST(Url, Parses) {
  auto u = Url::parse("https://api.ai.example.com/v2/inference/deployments/d1");
  EXPECT_TRUE(u.https);
  EXPECT_EQ(u.host, "api.ai.example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.path, "/v2/inference/deployments/d1");
  auto v = Url::parse("http://127.0.0.1:3902/x?y=1");
  EXPECT_FALSE(v.https);
  EXPECT_EQ(v.port, 3902);
  EXPECT_EQ(v.path, "/x?y=1");
  EXPECT_EQ(v.origin(), "http://127.0.0.1:3902");
  EXPECT_EQ(Url::parse("http://[::1]:80").host, "::1");
  EXPECT_EQ(Url::parse("http://h").path, "/");
  EXPECT_THROW(Url::parse("ftp://h"), std::invalid_argument);
  EXPECT_THROW(Url::parse("http://h:99999/"), std::invalid_argument);
  EXPECT_THROW(Url::parse("http:///x"), std::invalid_argument);
}
