// Bedrock streams (invoke and Converse, JSON and Python literals) -> Anthropic SSE. Every transcript
// is fed whole, byte by byte, split in two at every offset, with CRLF line ends, and in random
// pieces: the events must be identical each time.
#include "test_support.hpp"

#include "claude/converse_stream.hpp"
#include "claude/invoke_stream.hpp"
#include "claude/messages_stream.hpp"

#include <random>

using namespace claude_test;
using namespace aicore::claude;

namespace {

ConverterFactory invoke_messages() {
  return [] { return std::make_unique<MessagesStreamConverter>(std::make_unique<InvokeEventSource>()); };
}

ConverterFactory converse_messages() {
  return [] {
    return std::make_unique<MessagesStreamConverter>(std::make_unique<ConverseEventSource>("claude-sonnet-4-5", 0x1234));
  };
}

struct Transcript {
  const char* upstream;
  const char* expected;
  bool converse;
};

void PrintTo(const Transcript& t, std::ostream* os) { *os << t.upstream << " -> " << t.expected; }

class StreamGolden : public ::testing::TestWithParam<Transcript> {
 protected:
  ConverterFactory make() const { return GetParam().converse ? converse_messages() : invoke_messages(); }
  std::string upstream() const { return fixture(GetParam().upstream); }
  std::vector<std::string> expected() const { return events_of(fixture(GetParam().expected)); }
};

TEST_P(StreamGolden, WholeEqualsGolden) { EXPECT_EQ(run_whole(make(), upstream()), expected()); }

TEST_P(StreamGolden, ByteByByte) { EXPECT_EQ(run_bytewise(make(), upstream()), expected()); }

TEST_P(StreamGolden, EverySplitOffset) {
  const std::string in = upstream();
  const auto want = expected();
  for (size_t k = 0; k <= in.size(); ++k) ASSERT_EQ(run_split(make(), in, k), want) << "split at byte " << k;
}

TEST_P(StreamGolden, CrlfEverySplitOffset) {
  const std::string in = crlf(upstream());
  const auto want = expected();
  EXPECT_EQ(run_bytewise(make(), in), want);
  for (size_t k = 0; k <= in.size(); ++k) ASSERT_EQ(run_split(make(), in, k), want) << "split at byte " << k;
}

TEST_P(StreamGolden, RandomMultiwaySplits) {
  const std::string in = upstream();
  const auto want = expected();
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string_view> pieces;
    for (size_t pos = 0; pos < in.size();) {
      size_t n = std::uniform_int_distribution<size_t>(0, 64)(rng);
      pieces.push_back(std::string_view(in).substr(pos, n));
      pos += n;
    }
    ASSERT_EQ(run_stream(make(), pieces), want) << "round " << round;
  }
}

TEST_P(StreamGolden, OneWritePerEventFramedAsAnthropicSse) {
  for (const auto& e : run_whole(make(), upstream())) {
    ASSERT_TRUE(e.starts_with("event: ")) << e;
    ASSERT_TRUE(e.ends_with("\n\n")) << e;
    size_t nl = e.find('\n');
    ASSERT_EQ(e.substr(nl + 1, 6), "data: ") << e;
    ASSERT_EQ(e.find('\n', nl + 1), e.size() - 2) << e;  // exactly two lines
    Json data = Json::parse(e.substr(nl + 7));
    ASSERT_EQ("event: " + data["type"].get<std::string>(), e.substr(0, nl)) << "the event name is the data's type";
  }
}

INSTANTIATE_TEST_SUITE_P(Transcripts, StreamGolden,
                         ::testing::Values(Transcript{"bedrock_text.sse", "messages_text.expected.sse", false},
                                           Transcript{"bedrock_tools.sse", "messages_tools.expected.sse", false},
                                           Transcript{"bedrock_error.sse", "messages_error.expected.sse", false},
                                           Transcript{"converse_tools.python.sse", "converse_tools.expected.sse", true},
                                           Transcript{"converse_tools.json.sse", "converse_tools.expected.sse", true}),
                         [](const auto& info) {
                           std::string n = info.param.upstream;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

}  // namespace

TEST(InvokeStream, UntouchedEventsKeepTheirBytes) {
  // Spacing and number spelling survive: the event is forwarded as Bedrock wrote it.
  const std::string in =
      "data: {\"type\":\"message_start\", \"message\":{\"usage\":{\"input_tokens\":1.0E1}}}\n\n"
      "data: {\"type\":\"message_stop\"}\n\n";
  EXPECT_EQ(run_whole(invoke_messages(), in),
            (std::vector<std::string>{
                "event: message_start\ndata: {\"type\":\"message_start\", \"message\":{\"usage\":{\"input_tokens\":1.0E1}}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"}));
}

TEST(InvokeStream, TruncatedStreamThrowsOnFinish) {
  const std::string in = fixture("bedrock_tools.sse");
  const size_t delta_at = in.find("data: {\"type\":\"message_delta\"");
  ASSERT_NE(delta_at, std::string::npos);
  for (size_t cut : {size_t{0}, size_t{10}, in.size() / 2, delta_at, delta_at + 20}) {
    auto c = invoke_messages()();
    Collect out;
    c->feed(std::string_view(in).substr(0, cut), out.sink());
    try {
      c->finish(out.sink());
      ADD_FAILURE() << "no error for a stream cut at byte " << cut;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
      EXPECT_EQ(e.message, "upstream stream ended before message_stop");
    }
    for (const auto& e : out.items) EXPECT_FALSE(e.starts_with("event: message_stop")) << cut;
  }
}

TEST(InvokeStream, OnlyMessageStopMissingIsCompletedByFinish) {
  const std::string in = fixture("bedrock_tools.sse");
  const size_t stop_at = in.find("data: {\"type\":\"message_stop\"");
  const auto want = events_of(fixture("messages_tools.expected.sse"));
  for (size_t cut : {stop_at, stop_at + 20, in.size() - 3}) {
    auto c = invoke_messages()();
    Collect out;
    c->feed(std::string_view(in).substr(0, cut), out.sink());
    EXPECT_NO_THROW(c->finish(out.sink())) << cut;
    EXPECT_EQ(out.items, want) << cut;
  }
}

TEST(InvokeStream, LastEventWithoutBlankLineStillCounts) {
  auto out = run_whole(invoke_messages(), "data: {\"type\":\"message_stop\"}");
  EXPECT_EQ(out, std::vector<std::string>{"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"});
}

TEST(InvokeStream, ErrorEndsTheStreamAndFinishAddsNothing) {
  auto c = invoke_messages()();
  Collect out;
  c->feed(fixture("bedrock_error.sse"), out.sink());
  EXPECT_NO_THROW(c->finish(out.sink()));
  c->feed("data: {\"type\":\"message_stop\"}\n\n", out.sink());
  EXPECT_TRUE(out.items.back().starts_with("event: error\n"));
}

TEST(InvokeStream, ErrorShapes) {
  struct Case {
    const char* data;
    const char* expected;
  };
  for (const Case& c : {
           Case{R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
                R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"},
           Case{R"({"message":"Model is busy","__type":"ServiceUnavailableException"})",
                R"({"type":"error","error":{"type":"overloaded_error","message":"Model is busy"}})"},
           Case{R"({"error":{"code":"429","message":"Your request has been rate limited by AI Core"}})",
                R"({"type":"error","error":{"type":"rate_limit_error","message":"Your request has been rate limited by AI Core"}})"},
           Case{R"({"Message":"Bad input"})", R"({"type":"error","error":{"type":"api_error","message":"Bad input"}})"},
           Case{R"({"error":"boom"})", R"({"type":"error","error":{"type":"api_error","message":"boom"}})"},
       }) {
    auto out = run_whole(invoke_messages(), std::string("data: ") + c.data + "\n\n");
    EXPECT_EQ(out, std::vector<std::string>{std::string("event: error\ndata: ") + c.expected + "\n\n"}) << c.data;
  }
}

TEST(InvokeStream, BytesEnvelopesAreUnwrapped) {
  // {"type":"message_stop"} in base64, as an event-stream chunk relayed as JSON.
  auto out = run_whole(invoke_messages(), "data: {\"bytes\":\"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=\",\"p\":\"abc\"}\n\n");
  EXPECT_EQ(out, std::vector<std::string>{"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"});
}

TEST(InvokeStream, IgnoresDoneCommentsAndEventLines) {
  auto out = run_whole(invoke_messages(), ": ping\n\nevent: chunk\ndata: {\"type\":\"message_stop\"}\n\ndata: [DONE]\n\n");
  EXPECT_EQ(out, std::vector<std::string>{"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"});
}

TEST(InvokeStream, BadEventsAreUpstreamErrors) {
  for (const char* bad : {"data: {\"type\":\n\n", "data: [1]\n\n", "data: hello\n\n", "data: {\"type\":5}\n\n",
                          "data: {\"bytes\":\"!!!\"}\n\n"}) {
    auto c = invoke_messages()();
    Collect out;
    try {
      c->feed(bad, out.sink());
      c->finish(out.sink());
      ADD_FAILURE() << "accepted " << bad;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << bad;
    }
  }
}

TEST(InvokeStream, UsageForTheHost) {
  auto c = invoke_messages()();
  Collect out;
  int64_t p = 0, k = 0;
  c->usage(p, k);
  EXPECT_EQ(p, -1);
  EXPECT_EQ(k, -1);
  c->feed(fixture("bedrock_text.sse"), out.sink());
  c->finish(out.sink());
  c->usage(p, k);
  EXPECT_EQ(p, 12 + 2048);  // input + cache read + cache creation
  EXPECT_EQ(k, 5);
}

TEST(ConverseStream, UsageForTheHostAndMessageDelta) {
  auto c = converse_messages()();
  Collect out;
  c->feed(fixture("converse_tools.python.sse"), out.sink());
  c->finish(out.sink());
  int64_t p = 0, k = 0;
  c->usage(p, k);
  EXPECT_EQ(p, 11 + 100 + 7);
  EXPECT_EQ(k, 18);
}

TEST(ConverseStream, MetadataMissingStillEndsTheMessage) {
  const std::string in =
      "data: {'messageStart': {'role': 'assistant'}}\n\n"
      "data: {'contentBlockDelta': {'delta': {'text': 'Hi'}, 'contentBlockIndex': 0}}\n\n"
      "data: {'messageStop': {'stopReason': 'max_tokens'}}\n\n";
  auto out = run_whole(converse_messages(), in);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[3], "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
  EXPECT_EQ(out[4],
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":0}}\n\n");
  EXPECT_EQ(out[5], "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

TEST(ConverseStream, ExceptionsBecomeErrorEvents) {
  const std::string in =
      "data: {'messageStart': {'role': 'assistant'}}\n\n"
      "data: {'throttlingException': {'message': 'Too many requests, please wait before trying again.'}}\n\n"
      "data: {'contentBlockDelta': {'delta': {'text': 'late'}, 'contentBlockIndex': 0}}\n\n";
  auto out = run_whole(converse_messages(), in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many requests, please wait before trying again.\"}}\n\n");
}

TEST(ConverseStream, GuardrailsAreRefusalsAndRedactedThinkingIsABlock) {
  ConverseEventSource src("m", 1);
  std::vector<Json> events;
  OnEvent on = [&](AnthropicEvent&& e) { events.push_back(std::move(e.json)); };
  src.on_converse_event(Json::parse(R"({"contentBlockDelta":{"delta":{"reasoningContent":{"redactedContent":"AAEC"}},"contentBlockIndex":0}})"), on);
  src.on_converse_event(Json::parse(R"({"contentBlockStop":{"contentBlockIndex":0}})"), on);
  src.on_converse_event(Json::parse(R"({"contentBlockDelta":{"delta":{"text":"x"},"contentBlockIndex":1}})"), on);
  src.on_converse_event(Json::parse(R"({"messageStop":{"stopReason":"guardrail_intervened"}})"), on);
  src.on_converse_event(Json::parse(R"({"metadata":{"usage":{"inputTokens":1,"outputTokens":2}}})"), on);
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[0]["type"], "message_start");  // implied by the first event
  EXPECT_EQ(events[1]["content_block"], Json::parse(R"({"type":"redacted_thinking","data":"AAEC"})"));
  EXPECT_EQ(events[2]["type"], "content_block_stop");
  EXPECT_EQ(events[3]["index"], 1);
  EXPECT_EQ(events[5]["type"], "content_block_stop");  // closed by messageStop
  EXPECT_EQ(events[6]["delta"]["stop_reason"], "refusal");
  EXPECT_EQ(events[7]["type"], "message_stop");
}

TEST(ConverseStream, TruncatedBeforeMessageStopThrows) {
  const std::string in = fixture("converse_tools.python.sse");
  const size_t stop_at = in.find("data: {'messageStop'");
  auto c = converse_messages()();
  Collect out;
  c->feed(std::string_view(in).substr(0, stop_at), out.sink());
  EXPECT_THROW(c->finish(out.sink()), aicore::PluginError);
}

TEST(ConverseStream, GarbageIsAnUpstreamError) {
  auto c = converse_messages()();
  Collect out;
  try {
    c->feed("data: {'messageStart': {'role': 'assistant'\n\n", out.sink());
    ADD_FAILURE() << "accepted";
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
    EXPECT_EQ(e.message.rfind("converse stream event: neither JSON nor a Python literal", 0), 0u) << e.message;
  }
}
