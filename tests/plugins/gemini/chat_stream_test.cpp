#include "test_support.hpp"

#include "gemini/call_ids.hpp"
#include "gemini/chat_stream.hpp"
#include "gemini/stream_reader.hpp"

#include <functional>
#include <random>

using namespace gemini_test;
using aicore::gemini::AnthropicMessagesStream;
using aicore::gemini::GeminiStreamReader;
using aicore::gemini::OpenAIChatStream;
using aicore::gemini::ResponseContext;

namespace {

enum class Dialect { OpenAI, Anthropic };

ResponseContext ctx(bool include_usage) {
  ResponseContext c;
  c.client_model = "gemini-2.5-pro";
  c.include_usage = include_usage;
  c.seed = "00112233aabbccdd";
  c.input_tokens_hint = 42;
  return c;
}

std::unique_ptr<aicore::StreamConverter> make(Dialect d, bool usage) {
  if (d == Dialect::OpenAI) return std::make_unique<OpenAIChatStream>(ctx(usage), 1700000000);
  return std::make_unique<AnthropicMessagesStream>(ctx(usage), 1700000000);
}

// Feeds `pieces`, then finishes; returns every event written, in order.
std::vector<std::string> run(Dialect d, bool usage, const std::vector<std::string_view>& pieces) {
  auto c = make(d, usage);
  Collect out;
  for (auto p : pieces) c->feed(p, out.sink());
  c->finish(out.sink());
  return out.items;
}

std::vector<std::string> whole(Dialect d, bool usage, std::string_view s) { return run(d, usage, {s}); }

std::vector<std::string> byte_by_byte(Dialect d, bool usage, std::string_view s) {
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < s.size(); ++i) pieces.push_back(s.substr(i, 1));
  return run(d, usage, pieces);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += e;
  return s;
}

std::string lf(const std::string& s) {
  std::string o;
  for (char c : s)
    if (c != '\r') o += c;
  return o;
}

struct Transcript {
  const char* upstream;
  const char* expected;
  Dialect dialect;
  bool include_usage;
};

void PrintTo(const Transcript& t, std::ostream* os) { *os << t.upstream << " -> " << t.expected; }

class StreamGolden : public ::testing::TestWithParam<Transcript> {
 protected:
  std::string upstream() const { return fixture(GetParam().upstream); }
  std::vector<std::string> convert(const std::vector<std::string_view>& pieces) const {
    return run(GetParam().dialect, GetParam().include_usage, pieces);
  }
};

TEST_P(StreamGolden, WholeEqualsGolden) { expect_golden_text(joined(convert({upstream()})), GetParam().expected); }

TEST_P(StreamGolden, EverySplitOffsetGivesTheSameEvents) {
  const std::string in = upstream();
  const auto want = convert({in});
  for (size_t k = 0; k <= in.size(); ++k)
    ASSERT_EQ(convert({std::string_view(in).substr(0, k), std::string_view(in).substr(k)}), want)
        << "split at byte " << k;
}

TEST_P(StreamGolden, ByteByByteAndLfOnlyGiveTheSameEvents) {
  const std::string in = upstream();
  const auto want = convert({in});
  EXPECT_EQ(byte_by_byte(GetParam().dialect, GetParam().include_usage, in), want);
  EXPECT_EQ(whole(GetParam().dialect, GetParam().include_usage, lf(in)), want);
}

TEST_P(StreamGolden, RandomMultiwaySplits) {
  const std::string in = upstream();
  const auto want = convert({in});
  std::mt19937 rng(4321);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string_view> pieces;
    for (size_t pos = 0; pos < in.size();) {
      size_t n = std::uniform_int_distribution<size_t>(0, 48)(rng);
      pieces.push_back(std::string_view(in).substr(pos, n));
      pos += n;
    }
    ASSERT_EQ(convert(pieces), want) << "round " << round;
  }
}

TEST_P(StreamGolden, OneWritePerFramedEvent) {
  for (const auto& e : convert({upstream()})) {
    ASSERT_TRUE(e.ends_with("\n\n")) << e;
    if (GetParam().dialect == Dialect::OpenAI) {
      ASSERT_TRUE(e.starts_with("data: ")) << e;
      ASSERT_EQ(e.find('\n'), e.size() - 2) << e;
    } else {
      ASSERT_TRUE(e.starts_with("event: ")) << e;
      ASSERT_EQ(std::count(e.begin(), e.end(), '\n'), 3) << e;
    }
  }
}

auto transcript_name = [](const auto& info) {
  std::string n = std::string(info.param.upstream);
  n = n.substr(0, n.find('.')) + (std::string(info.param.upstream).ends_with(".json") ? "_array" : "") + "_" +
      std::string(info.param.expected).substr(0, std::string(info.param.expected).find('.'));
  return n;
};

INSTANTIATE_TEST_SUITE_P(
    Transcripts, StreamGolden,
    ::testing::Values(Transcript{"gemini_text.sse", "openai_text_usage.expected.sse", Dialect::OpenAI, true},
                      Transcript{"gemini_text.sse", "openai_text.expected.sse", Dialect::OpenAI, false},
                      Transcript{"gemini_text.json", "openai_text_usage.expected.sse", Dialect::OpenAI, true},
                      Transcript{"gemini_tools.sse", "openai_tools.expected.sse", Dialect::OpenAI, false},
                      Transcript{"gemini_error.sse", "openai_error.expected.sse", Dialect::OpenAI, false},
                      Transcript{"gemini_text.sse", "anthropic_text.expected.sse", Dialect::Anthropic, false},
                      Transcript{"gemini_text.json", "anthropic_text.expected.sse", Dialect::Anthropic, false},
                      Transcript{"gemini_tools.sse", "anthropic_tools.expected.sse", Dialect::Anthropic, false},
                      Transcript{"gemini_error.sse", "anthropic_error.expected.sse", Dialect::Anthropic, false}),
    transcript_name);

// Cuts a transcript at `cut` bytes and expects an upstream error from finish().
void expect_truncated(Dialect d, const std::string& in, size_t cut) {
  auto c = make(d, true);
  Collect out;
  c->feed(std::string_view(in).substr(0, cut), out.sink());
  auto e = expect_plugin_error([&] { c->finish(out.sink()); });
  EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << "cut at " << cut;
  EXPECT_EQ(e.message, "upstream stream ended before Gemini's finishReason") << "cut at " << cut;
  for (const auto& ev : out.items) {
    EXPECT_EQ(ev.find("[DONE]"), std::string::npos) << "cut at " << cut;
    EXPECT_EQ(ev.find("message_stop"), std::string::npos) << "cut at " << cut;
  }
}

}  // namespace

TEST(GeminiStream, TruncatedStreamsThrowOnFinish) {
  for (const char* f : {"gemini_text.sse", "gemini_text.json", "gemini_tools.sse"}) {
    const std::string in = fixture(f);
    const size_t last = in.rfind("finishReason");
    ASSERT_NE(last, std::string::npos);
    for (Dialect d : {Dialect::OpenAI, Dialect::Anthropic})
      for (size_t cut : {size_t{0}, size_t{1}, in.size() / 3, last - 30, last + 5}) expect_truncated(d, in, cut);
  }
}

TEST(GeminiStream, ALastEventWithoutItsBlankLineIsComplete) {
  std::string in = fixture("gemini_text.sse");
  ASSERT_TRUE(in.ends_with("\r\n\r\n"));
  const auto want = whole(Dialect::OpenAI, true, in);
  EXPECT_EQ(whole(Dialect::OpenAI, true, in.substr(0, in.size() - 4)), want);
  std::string arr = fixture("gemini_text.json");
  EXPECT_EQ(whole(Dialect::OpenAI, true, arr.substr(0, arr.size() - 1)), want);  // without the closing ]
}

TEST(GeminiStream, ToolCallsKeepIndexIdAndWholeArguments) {
  auto out = whole(Dialect::OpenAI, false, fixture("gemini_tools.sse"));
  std::vector<Json> calls;
  for (const auto& e : out) {
    if (e == "data: [DONE]\n\n") continue;
    Json c = Json::parse(e.substr(6));
    for (const Json& ch : c["choices"])
      if (ch["delta"].contains("tool_calls")) calls.push_back(ch["delta"]["tool_calls"][0]);
  }
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["index"], 0);
  EXPECT_EQ(calls[1]["index"], 1);
  EXPECT_EQ(calls[0]["function"]["arguments"], R"({"city":"Paris"})");
  EXPECT_EQ(calls[1]["function"]["arguments"], R"({"city":"Rome","unit":"c"})");
  EXPECT_NE(calls[0]["id"], calls[1]["id"]);
}

TEST(GeminiStream, StreamedAndWholeResponsesGiveTheSameToolCallIds) {
  // The ids depend on the request and the calls only, so a retried non-streaming call agrees.
  auto out = whole(Dialect::OpenAI, false, fixture("gemini_tools.sse"));
  std::string first_id;
  for (const auto& e : out)
    if (e.find("tool_calls") != std::string::npos) {
      first_id = Json::parse(e.substr(6))["choices"][0]["delta"]["tool_calls"][0]["id"];
      break;
    }
  EXPECT_EQ(first_id, aicore::gemini::make_call_id("00112233aabbccdd", 0, 0, "get_weather", R"({"city":"Paris"})",
                                                   "CiQBVKhc7x+/ab=="));
}

TEST(GeminiStream, PromptBlockBeforeAnyOutputIsA400) {
  const std::string in =
      "data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":4}}\r\n\r\n";
  for (Dialect d : {Dialect::OpenAI, Dialect::Anthropic}) {
    auto c = make(d, false);
    Collect out;
    auto e = expect_plugin_error([&] { c->feed(in, out.sink()); });
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
    EXPECT_EQ(e.http_status, 400);
    EXPECT_TRUE(out.items.empty());
  }
}

TEST(GeminiStream, CandidateSafetyFinishIsContentFilter) {
  const std::string in =
      "data: "
      "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"safetyRatings\":[]}],\"usageMetadata\":{\"promptTokenCount\":4,"
      "\"totalTokenCount\":4}}\r\n\r\n";
  auto out = whole(Dialect::OpenAI, false, in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(
      out[0],
      "data: {\"id\":\"chatcmpl-" + aicore::gemini::fingerprint("00112233aabbccdd\nresponse") +
          "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gemini-2.5-pro\",\"choices\":"
          "[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":\"content_filter\"}]}\n\n");
  EXPECT_EQ(out[1], "data: [DONE]\n\n");
  auto anth = joined(whole(Dialect::Anthropic, false, in));
  EXPECT_NE(anth.find("\"stop_reason\":\"refusal\""), std::string::npos) << anth;
}

TEST(GeminiStream, MalformedFunctionCallIsAnUpstreamErrorBeforeOutput) {
  const std::string in = "data: {\"candidates\":[{\"finishReason\":\"MALFORMED_FUNCTION_CALL\"}]}\n\n";
  auto c = make(Dialect::OpenAI, false);
  Collect out;
  auto e = expect_plugin_error([&] { c->feed(in, out.sink()); });
  EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
  EXPECT_TRUE(out.items.empty());
}

TEST(GeminiStream, GarbageIsAnUpstreamError) {
  for (const char* bad : {"data: {\"candidates\":[\n\n", "data: [1]\n\n", "data: hello\n\n", "[{\"a\":1} x", "[5]"}) {
    auto c = make(Dialect::OpenAI, false);
    Collect out;
    auto e = expect_plugin_error([&] {
      c->feed(bad, out.sink());
      c->finish(out.sink());
    });
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << bad;
  }
}

TEST(GeminiStream, NothingFollowsAnErrorEvent) {
  auto c = make(Dialect::OpenAI, false);
  Collect out;
  c->feed(fixture("gemini_error.sse"), out.sink());
  c->feed(fixture("gemini_text.sse"), out.sink());
  EXPECT_NO_THROW(c->finish(out.sink()));
  EXPECT_TRUE(out.items.back().starts_with("data: {\"error\":")) << out.items.back();
}

// Found by the fuzzer: bad bytes after an upstream error object in the same read made the whole
// stream fail, while the same bytes in a later read were ignored (the stream had already ended).
// Whatever follows the error is never read, however the bytes arrive.
TEST(GeminiStream, BytesAfterAnErrorObjectAreNeverReadWhateverTheSplit) {
  const std::string sse = fixture("gemini_error.sse") + "data: {\"candidates\": oops\n\n";
  const std::string array =
      R"([{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}, x {"candidates":[)";
  for (Dialect d : {Dialect::OpenAI, Dialect::Anthropic})
    for (const std::string& in : {sse, array}) {
      std::vector<std::string> w;
      ASSERT_NO_THROW(w = whole(d, false, in)) << in;
      ASSERT_FALSE(w.empty());
      EXPECT_EQ(byte_by_byte(d, false, in), w) << in;
      for (size_t cut = 1; cut < in.size(); ++cut)
        EXPECT_EQ(run(d, false, {std::string_view(in).substr(0, cut), std::string_view(in).substr(cut)}), w) << cut;
    }
}

TEST(GeminiStream, UsageIsReportedToTheHostEvenWhenTheClientDidNotAskForIt) {
  for (Dialect d : {Dialect::OpenAI, Dialect::Anthropic}) {
    auto c = make(d, false);
    Collect out;
    int64_t p = 0, k = 0;
    c->usage(p, k);
    EXPECT_EQ(p, -1);
    c->feed(fixture("gemini_text.sse"), out.sink());
    c->finish(out.sink());
    c->usage(p, k);
    EXPECT_EQ(p, 120);
    EXPECT_EQ(k, 49);  // 9 candidate + 40 thought tokens
  }
}

TEST(GeminiStream, FinishTwiceIsHarmless) {
  auto c = make(Dialect::OpenAI, false);
  Collect out;
  c->feed(fixture("gemini_tools.sse"), out.sink());
  c->finish(out.sink());
  const size_t n = out.items.size();
  c->finish(out.sink());
  EXPECT_EQ(out.items.size(), n);
}

TEST(GeminiStreamReader, ArrayAndSseGiveTheSameObjects) {
  auto objects = [](const std::string& in) {
    GeminiStreamReader r;
    std::vector<std::string> got;
    auto on = [&](const Json& j) { got.push_back(dump(j)); };
    r.feed(in, on);
    EXPECT_TRUE(r.finish(on));
    return got;
  };
  auto sse = objects(fixture("gemini_text.sse"));
  EXPECT_EQ(sse.size(), 4u);
  EXPECT_EQ(objects(fixture("gemini_text.json")), sse);
  // Brackets and braces inside strings do not confuse the array scanner.
  auto tricky = objects(R"([{"t":"a}]\"{["},  {"u":[1,{"v":"]"}]}])");
  EXPECT_EQ(tricky, (std::vector<std::string>{R"({"t":"a}]\"{["})", R"({"u":[1,{"v":"]"}]})"}));
  // Leading blank lines before either form.
  EXPECT_EQ(objects("\r\n\n  " + fixture("gemini_text.json")), sse);
}
