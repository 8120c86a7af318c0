// The JSON border every provider plugin parses client and upstream bytes with
// (aicore/mapping/json_io.hpp): nlohmann's verdict and DOM exactly, in linear time.
#include <aicore/mapping/json_io.hpp>
#include <aicore/plugin.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using aicore::mapping::Json;
using aicore::mapping::parse_client_json;
using aicore::mapping::parse_embedded_json;
using aicore::mapping::parse_upstream_json;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Objects compared member by member in order (ordered_json's == does that too; this names the path).
void expect_same(const Json& a, const Json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  ASSERT_EQ(a.dump(), b.dump()) << where;
}

}  // namespace

TEST(JsonIo, ReadsEveryFixtureExactlyAsNlohmannDoes) {
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::filesystem::path(MAPPING_FIXTURE_DIR) / "../.."))
    if (e.is_regular_file() && e.path().extension() == ".json") {
      const std::string text = read(e.path());
      const Json expected = Json::parse(text, nullptr, false);
      if (expected.is_discarded() || aicore::mapping::nested_deeper_than(text, aicore::mapping::kMaxJsonDepth)) continue;
      expect_same(parse_embedded_json(text), expected, e.path().string());
      expect_same(parse_upstream_json(text, "x"), expected, e.path().string());
      ++n;
    }
  EXPECT_GT(n, 100);
}

TEST(JsonIo, DuplicateKeysKeepTheFirstPlaceAndTheLastValue) {
  // As nlohmann's own parser into ordered_json, for small objects and for indexed large ones.
  for (int extra : {0, 40}) {
    std::string text = R"({"a":1,"b":2,)";
    for (int i = 0; i < extra; ++i) text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    text += R"("a":{"x":[1,{"a":1,"a":2}]},"c":3,"b":[true]})";
    expect_same(parse_client_json(text), Json::parse(text), text);
  }
}

TEST(JsonIo, ErrorsNameTheByteLikeBefore) {
  try {
    parse_client_json(R"({"a":1,})");
    FAIL();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
    EXPECT_EQ(e.message, "body: invalid JSON at byte 8");
  }
  try {
    parse_client_json(R"({"n":1e999})");
    FAIL();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.message, "body: invalid JSON");
  }
  try {
    parse_upstream_json("[1,2", "chat completion");
    FAIL();
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
    EXPECT_EQ(e.message, "chat completion: invalid JSON at byte 5");
  }
  EXPECT_TRUE(parse_embedded_json("{\"a\":").is_discarded());
  EXPECT_TRUE(parse_embedded_json("1 2").is_discarded());
  EXPECT_TRUE(parse_embedded_json("\"\\ud800\"").is_discarded());
}

// nlohmann's DOM parser inserts each member into an ordered_json object by a linear search: one
// object of 160,000 members (1.8 MB) took 150 s of CPU, 10,000 members 0.6 s. Linear now.
TEST(JsonIo, AnObjectWithManyMembersParsesInLinearTime) {
  std::string text = "{";
  for (int i = 0; i < 200000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += "}";
  const auto t0 = std::chrono::steady_clock::now();
  Json j = parse_client_json(text);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(j.size(), 200000u);
  EXPECT_EQ(j["k199999"], 199999);
  EXPECT_EQ(j.begin().key(), "k0");
  // Quadratic would be minutes; linear is well under a second (even under ASan).
  EXPECT_LT(s, 15.0);
}
