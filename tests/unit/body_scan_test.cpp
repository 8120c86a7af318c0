// scan_routing_fields() must never accept what nlohmann rejects, and must read model and stream
// exactly as the DOM does; when unsure it says so and the host parses with nlohmann.
#include "server/BodyScan.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using aicore::host::RoutingFields;
using aicore::host::scan_routing_fields;

namespace {

void check(const std::string& body) {
  RoutingFields rf;
  if (!scan_routing_fields(body, rf)) return;  // unsure: the DOM decides
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(body)) << body;
  ASSERT_TRUE(j.is_object()) << body;
  auto m = j.find("model");
  if (m == j.end()) {
    EXPECT_EQ(rf.model, RoutingFields::Kind::Absent) << body;
  } else if (m->is_string()) {
    ASSERT_EQ(rf.model, RoutingFields::Kind::String) << body;
    EXPECT_EQ(rf.model_text, m->get<std::string>()) << body;
  } else {
    EXPECT_NE(rf.model, RoutingFields::Kind::String) << body;
  }
  auto s = j.find("stream");
  if (s == j.end()) {
    EXPECT_EQ(rf.stream, RoutingFields::Kind::Absent) << body;
  } else if (s->is_null()) {
    EXPECT_EQ(rf.stream, RoutingFields::Kind::Null) << body;
  } else if (s->is_boolean()) {
    ASSERT_EQ(rf.stream, RoutingFields::Kind::Bool) << body;
    EXPECT_EQ(rf.stream_value, s->get<bool>()) << body;
  } else {
    EXPECT_TRUE(rf.stream != RoutingFields::Kind::Bool && rf.stream != RoutingFields::Kind::Null &&
                rf.stream != RoutingFields::Kind::Absent)
        << body;
  }
}

}  // namespace

TEST(BodyScan, AgreesWithNlohmann) {
  const std::vector<std::string> bodies = {
      R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})",
      R"( { "model" : "gpt-4o" , "stream" : true } )",
      R"({"model":"a","model":"b","stream":false,"stream":null})",
      R"({"model":"gpt\u002d4o"})", R"({"mod\u0065l":"x"})", R"({"model":42})", R"({"model":""})",
      R"({"model":"x","stream":"yes"})", R"({"model":"x","n":1e999})", R"({"model":"x","n":1e308})",
      R"({"model":"x","n":123456789012345678901234567890})", R"({"model":"x","n":-0.0e-0})",
      R"({"model":"x","s":"\ud83d\ude00"})", R"({"model":"x","s":"\ud83d"})", R"({"model":"x","s":"\udc00"})",
      "{\"model\":\"x\",\"s\":\"\xff\"}", "{\"model\":\"x\",\"s\":\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
      "{\"model\":\"x\",\"s\":\"\xed\xa0\x80\"}", "{\"model\":\"x\",\"s\":\"\xe0\x80\xaf\"}",
      "{\"model\":\"x\",\"s\":\"a\tb\"}", "\xef\xbb\xbf{\"model\":\"x\"}", R"({"model":"x",})", R"({"model":"x"} x)",
      R"({"model":"x","a":[1,2,{"b":[]}],"c":{}})", R"({"model":"x","a":01})", R"({"model":"x","a":-})",
      R"({"model":"x","a":.5})", R"({"model":"x","a":1.})", R"({"model":"x","a":tru})", R"({"model":"x","a":nul})",
      R"({"model":"x","s":"\/\b\f\n\r\t\"\\"})", R"({"model":"x","s":"\x"})", R"({"model":"x","s":"\u12G4"})",
      "", " ", "[]", "null", "{", "}", R"({"model":"a long model name with spaces, commas, and \"quotes\""})",
      std::string("{\"model\":\"x\",\"s\":\"") + std::string(1000, 'a') + "\"}",
      "{\"model\":\"x\",\"s\":\"" + std::string(3, '\0') + "\"}",
      std::string(600, '[') + std::string(600, ']'),
      "{\"model\":\"x\",\"a\":" + std::string(600, '[') + std::string(600, ']') + "}",
  };
  for (const std::string& b : bodies) check(b);
  RoutingFields rf;
  EXPECT_TRUE(scan_routing_fields(bodies[0], rf));
  EXPECT_EQ(rf.model_text, "gpt-4o");
  EXPECT_TRUE(scan_routing_fields(bodies[1], rf));
  EXPECT_TRUE(rf.stream_value);
  EXPECT_TRUE(scan_routing_fields(bodies[2], rf));
  EXPECT_EQ(rf.model_text, "b");
  EXPECT_EQ(rf.stream, RoutingFields::Kind::Null);
}

// Every string length around the 8-byte steps, with the special byte at every position.
TEST(BodyScan, SpecialBytesAtEveryOffset) {
  for (size_t len = 0; len < 24; ++len)
    for (size_t at = 0; at <= len; ++at)
      for (std::string special : {"\"", "\\n", "\\", "\x01", "\xc3\xa9", "\xff", "\x7f"}) {
        std::string s(len, 'a');
        s.insert(at, special);
        check("{\"model\":\"m\",\"s\":\"" + s + "\"}");
        check("{\"model\":\"" + s + "\"}");
      }
}

// The eight-bytes-at-a-time string scan jumps to the first byte that needs a look: a valid string
// must still be accepted (and read exactly) wherever its escapes and multi-byte characters fall.
TEST(BodyScan, ValidStringsAcceptedWhereverTheirSpecialBytesFall) {
  for (size_t len = 0; len < 24; ++len)
    for (size_t at = 0; at <= len; ++at)
      for (std::string special : {"\\n", "\\\"", "\\\\", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "~"}) {
        std::string s(len, 'a');
        s.insert(at, special);
        // (An escape in the model itself leaves the scanner unsure: it reads the model as written.)
        const std::string body = "{\"s\":\"" + s + "\",\"model\":\"m\",\"stream\":true}";
        RoutingFields rf;
        ASSERT_TRUE(scan_routing_fields(body, rf)) << body;
        EXPECT_EQ(rf.model_text, "m") << body;
        EXPECT_TRUE(rf.stream_value) << body;
      }
}
