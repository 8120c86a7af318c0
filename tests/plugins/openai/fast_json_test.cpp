// fast::canonical() promises: when it accepts a text, dump(parse(text)) gives back the same bytes,
// so copying spans is exactly the DOM path. Checked on hand-picked edge cases and on every chunk
// of the stream fixtures.
#include "test_support.hpp"

#include "openai/fast_json.hpp"

#include <aicore/mapping/upstream.hpp>

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
    if (fast::canonical(s)) {
      EXPECT_TRUE(round_trips(s)) << s;
    }
  }
  // and the common shapes are taken
  for (const char* s : {R"({"a":1,"b":"x","c":[true,null,{"d":0.7}]})", R"({"e":"caf\u0001\n\u00e9"})"})
    if (round_trips(s)) {
      EXPECT_TRUE(fast::canonical(s)) << s;
    }
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

// ---- the fast paths give exactly the DOM paths' bytes --------------------------------------------
// A compact body takes the fast path, the same body pretty-printed (as the fixtures are) the DOM
// path: the outputs must be identical.

#include "openai/chat_request.hpp"
#include "openai/chat_response.hpp"
#include "openai/chat_stream.hpp"
#include "openai/context.hpp"

namespace {

std::string compact(const std::string& pretty) { return Json::parse(pretty).dump(); }

}  // namespace

TEST(FastPaths, ChatRequestMatchesTheDomPath) {
  using aicore::openai::convert_chat_request;
  using aicore::openai::Settings;
  size_t n = 0;
  for (const char* name : {"chat_plain", "chat_tools", "chat_images", "foreign_fields", "stream_by_hint",
                           "stream_no_usage", "stream_usage", "stream_usage_false", "reasoning_o3"}) {
    const std::string pretty = fixture(std::string(name) + ".request.json");
    for (const char* model : {"gpt-4o", "o3-mini"})
      for (bool hint : {false, true}) {
        auto slow = convert_chat_request(pretty, model, hint, Settings{});
        auto quick = convert_chat_request(compact(pretty), model, hint, Settings{});
        EXPECT_EQ(quick.body, slow.body) << name << " " << model << " " << hint;
        EXPECT_EQ(quick.target, slow.target) << name;
        EXPECT_EQ(quick.context, slow.context) << name << " " << model << " " << hint;
        ++n;
      }
  }
  // stream_options shapes and dropped fields
  for (const char* body : {R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"a":1}})",
                           R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":false,"a":1}})",
                           R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":null,"stream":true})",
                           R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{},"top_k":3})",
                           R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],"stream":null,"reasoning_effort":"low"})"})
    for (bool hint : {false, true}) {
      Json j = Json::parse(body);
      auto slow = convert_chat_request(j.dump(2), "gpt-4o", hint, Settings{});
      auto quick = convert_chat_request(body, "gpt-4o", hint, Settings{});
      EXPECT_EQ(quick.body, slow.body) << body << " " << hint;
      EXPECT_EQ(quick.context, slow.context) << body << " " << hint;
    }
  EXPECT_GT(n, 30u);
}

TEST(FastPaths, InvalidCompactRequestsGiveTheSameErrors) {
  using aicore::openai::convert_chat_request;
  using aicore::openai::Settings;
  for (const Json& c : fixture_json("invalid_requests.json")) {
    if (c["dialect"] != "openai.chat") continue;
    const std::string body = c["body"];
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded()) continue;
    try {
      convert_chat_request(j.dump(), "gpt-4o", false, Settings{});
      ADD_FAILURE() << "accepted: " << j.dump();
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.message, c["error"].get<std::string>()) << j.dump();
    }
  }
}

TEST(FastPaths, ChatResponseMatchesTheDomPath) {
  for (const char* name : {"chat_response.azure.json", "chat_response_tools.azure.json"}) {
    const std::string pretty = fixture(name);
    EXPECT_EQ(aicore::openai::convert_chat_response(compact(pretty)), aicore::openai::convert_chat_response(pretty))
        << name;
  }
}

TEST(FastPaths, StreamChunksMatchTheDomPath) {
  using aicore::openai::ChatStreamConverter;
  using aicore::openai::ResponseContext;
  for (const char* name : {"azure_text.sse", "azure_tools.sse", "azure_error.sse"}) {
    const std::string text = fixture(name);
    // The same stream with a space after every chunk's opening brace: not canonical, so every
    // chunk takes the DOM path.
    std::string spaced;
    size_t start = 0;
    for (size_t i; (i = text.find('\n', start)) != std::string::npos; start = i + 1) {
      std::string line = text.substr(start, i - start);
      if (line.rfind("data: {", 0) == 0) {
        Json j = Json::parse(line.substr(6), nullptr, false);
        if (!j.is_discarded() && j.is_object()) line = "data: { " + j.dump().substr(1);
      }
      spaced += line + "\n";
    }
    for (bool usage : {false, true}) {
      auto run = [&](const std::string& s) {
        ChatStreamConverter c(ResponseContext{usage});
        Collect out;
        try {
          c.feed(s, out.sink());
          c.finish(out.sink());
        } catch (const aicore::PluginError& e) {
          out.items.push_back("error: " + e.message);
        }
        int64_t p, q;
        c.usage(p, q);
        out.items.push_back(std::to_string(p) + "/" + std::to_string(q));
        return out.items;
      };
      EXPECT_EQ(run(text), run(spaced)) << name << " usage=" << usage;
    }
  }
}

// The usage read from the text is the usage read from the DOM, for every canonical usage value,
// including the odd ones (floats, negatives, beyond int64_t, details that are not objects).
TEST(FastPaths, UsageMatchesTheDomPath) {
  const std::vector<std::string> cases = {
      R"({"completion_tokens":2,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":7,"rejected_prediction_tokens":0},"prompt_tokens":4,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":3},"total_tokens":6})",
      R"({"prompt_tokens":4})",
      R"({})",
      R"(null)",
      R"([1])",
      R"({"prompt_tokens":4.5,"completion_tokens":-3})",
      R"({"prompt_tokens":18446744073709551615,"completion_tokens":9223372036854775807})",
      R"({"prompt_tokens":1e+100})",
      R"({"prompt_tokens":"4","completion_tokens":null,"prompt_tokens_details":null})",
      R"({"prompt_tokens_details":{"cached_tokens":{"x":1}},"completion_tokens_details":[1]})",
      R"({"prompt_tokens_details":{},"completion_tokens_details":{"reasoning_tokens":0}})"};
  for (const std::string& s : cases) {
    if (!fast::canonical(s)) continue;  // the fast path only ever sees canonical values
    const aicore::Usage want = aicore::mapping::usage_from_openai(Json::parse(s));
    const aicore::Usage got = fast::usage(s);
    EXPECT_EQ(got.input_tokens, want.input_tokens) << s;
    EXPECT_EQ(got.output_tokens, want.output_tokens) << s;
    EXPECT_EQ(got.cache_read_tokens, want.cache_read_tokens) << s;
    EXPECT_EQ(got.reasoning_tokens, want.reasoning_tokens) << s;
    EXPECT_EQ(got.cache_write_tokens, want.cache_write_tokens) << s;
  }
  EXPECT_EQ(fast::usage(R"({"prompt_tokens":4,"prompt_tokens_details":{"cached_tokens":3}})").cache_read_tokens, 3);
}
