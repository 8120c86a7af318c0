// fast::canonical() promises: when it accepts a text, dump(parse(text)) gives back the same bytes,
// so copying spans is exactly the DOM path. Checked on hand-picked edge cases and on every chunk
// of the stream fixtures.
#include "test_support.hpp"

#include "openai/fast_json.hpp"

using namespace openai_test;
namespace fast = aicore::openai::fast;

namespace {

bool round_trips(const std::string& s) {
  Json j = Json::parse(s, nullptr, false);
  return !j.is_discarded() && j.dump(-1, ' ', false, Json::error_handler_t::replace) == s;
}

}  // namespace

TEST(FastJson, AcceptsOnlyTextsThatRoundTrip) {
  const std::vector<std::string> cases = {
      R"({})", R"([])", R"({"a":1})", R"({"a":-1,"b":0,"c":123456789012345678})", R"({"a":1234567890123456789})",
      R"({"a":-0})", R"({"a":0.7})", R"({"a":1.0})", R"({"a":1e5})", R"({"a":100000.0})", R"({"a":1E-5})",
      R"({"a":1e-05})", R"({"a":-1.5e-10})", R"({"a":0.1})", R"({"a":1e999})", R"({"a":"x\/y"})",
      R"({"a":"\u00e9"})", "{\"a\":\"\xc3\xa9\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}",
      R"({"a":"\u001f\u0001"})", R"({"a":"\u001F"})", R"({"a":"\u0009"})", R"({"a":"\t\n\"\\"})",
      R"({"a":"\ud83d\ude00"})", R"({"a":1,"a":2})", R"({"a":{"b":1,"b":1}})", R"({"a":1 })", R"( {"a":1})",
      R"({"a":[1,2,{"b":null,"c":true,"d":false}]})", R"({"a":tru})", R"({"a":01})", R"({"a":1.})",
      R"({"a":"unterminated)", R"({"a":1,})", R"({"a":[1,]})", "{\"a\":\"\x7f\"}", R"({"k\u0001":1,"k":2})"};
  for (const std::string& s : cases) {
    if (fast::canonical(s)) EXPECT_TRUE(round_trips(s)) << s;
  }
  // and the common shapes are taken
  for (const char* s : {R"({"a":1,"b":"x","c":[true,null,{"d":0.7}]})", R"({"e":"caf\u0001\n\u00e9"})"})
    if (round_trips(s)) EXPECT_TRUE(fast::canonical(s)) << s;
}

TEST(FastJson, EveryFixtureChunkThatIsCanonicalRoundTrips) {
  size_t taken = 0;
  for (const char* name : {"azure_text.sse", "azure_tools.sse", "azure_error.sse"}) {
    const std::string text = fixture(name);
    size_t start = 0;
    for (size_t i; (i = text.find('\n', start)) != std::string::npos; start = i + 1) {
      std::string line = text.substr(start, i - start);
      if (line.rfind("data: ", 0) != 0) continue;
      std::string data = line.substr(6);
      if (data == "[DONE]") continue;
      if (fast::canonical(data)) {
        ++taken;
        EXPECT_TRUE(round_trips(data)) << data;
      }
    }
  }
  EXPECT_GT(taken, 5u);  // the fast path really serves Azure's chunks
}

TEST(FastJson, MembersAndElementsSplitInOrder) {
  const std::string s = R"({"a":{"x":"}"},"b":[1,"],",[2]],"c":null})";
  ASSERT_TRUE(fast::canonical(s));
  std::vector<fast::Member> m;
  fast::members(s, m);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].key, "a");
  EXPECT_EQ(m[0].value, R"({"x":"}"})");
  EXPECT_EQ(m[1].text, R"("b":[1,"],",[2]])");
  EXPECT_EQ(m[2].value, "null");
  std::vector<std::string_view> e;
  fast::elements(m[1].value, e);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[1], R"("],")");
  EXPECT_EQ(e[2], "[2]");
}
