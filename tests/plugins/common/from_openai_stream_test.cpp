// OpenAI chunks (raw Azure transcripts included) -> spec-exact Anthropic SSE, fed as bytes through
// aicore::SseParser: whole, byte by byte, CRLF, and split in two at every byte offset.
#include "test_support.hpp"

#include <map>

using namespace mapping_test;
using aicore::mapping::AnthropicStreamOptions;

namespace {

struct Transcript {
  const char* input;  // fixtures/from_openai/<input>.sse -> <input>.expected.sse
  const char* error;  // what finish() throws ("" = nothing)
};
void PrintTo(const Transcript& t, std::ostream* os) { *os << t.input; }

const AnthropicStreamOptions kOptions{"gpt-4o", 42};

class FromOpenAIStream : public ::testing::TestWithParam<Transcript> {
 protected:
  std::string input() const { return fixture(std::string("from_openai/") + GetParam().input + ".sse"); }
};

TEST_P(FromOpenAIStream, WholeMatchesGolden) {
  StreamRun r = run_openai(whole(input()), kOptions);
  expect_golden_text(r.joined(), std::string("from_openai/") + GetParam().input + ".expected.sse");
  EXPECT_EQ(r.error, GetParam().error);
}

TEST_P(FromOpenAIStream, EverySplitGivesTheSameEvents) {
  const std::string in = input();
  const StreamRun want = run_openai(whole(in), kOptions);
  EXPECT_EQ(run_openai(bytes(in), kOptions), want);
  for (size_t k = 0; k <= in.size(); ++k) ASSERT_EQ(run_openai(split_at(in, k), kOptions), want) << "split at byte " << k;
  // CRLF line ends: byte by byte and random multi-way splits (every offset above already covers
  // the parser's split handling; this keeps the Debug build's run short).
  const std::string in2 = crlf(in);
  EXPECT_EQ(run_openai(bytes(in2), kOptions), want);
  for (const auto& pieces : random_splits(in2, 50)) ASSERT_EQ(run_openai(pieces, kOptions), want);
}

// Anthropic's framing: `event: <type>\ndata: <json whose type is <type>>\n\n`, nothing else.
TEST_P(FromOpenAIStream, EveryEventIsNamedAfterItsType) {
  for (const auto& e : run_openai(whole(input()), kOptions).events) {
    ASSERT_TRUE(e.starts_with("event: ")) << e;
    ASSERT_TRUE(e.ends_with("\n\n")) << e;
    size_t nl = e.find('\n');
    ASSERT_TRUE(e.compare(nl + 1, 6, "data: ") == 0) << e;
    ASSERT_EQ(e.find('\n', nl + 1), e.size() - 2) << e;  // exactly two lines
    Json data = Json::parse(e.substr(nl + 7));
    EXPECT_EQ(data["type"], e.substr(7, nl - 7)) << e;
  }
}

// The order Anthropic's API guarantees: message_start; blocks one at a time with increasing
// indices, each start -> deltas -> stop; then message_delta and message_stop (or an error).
TEST_P(FromOpenAIStream, EventOrderIsAnthropics) {
  StreamRun r = run_openai(whole(input()), kOptions);
  int64_t open = -1, next = 0;
  bool started = false, delta_seen = false, stopped = false;
  for (const auto& e : r.events) {
    Json d = Json::parse(e.substr(e.find("data: ") + 6));
    const std::string t = d["type"];
    ASSERT_FALSE(stopped) << "event after message_stop: " << e;
    if (t == "message_start") {
      ASSERT_FALSE(started);
      started = true;
      continue;
    }
    if (t == "error") continue;
    ASSERT_TRUE(started) << e;
    if (t == "content_block_start") {
      ASSERT_EQ(open, -1) << e;
      ASSERT_EQ(d["index"], next) << e;
      open = next++;
    } else if (t == "content_block_delta") {
      ASSERT_EQ(d["index"], open) << e;
    } else if (t == "content_block_stop") {
      ASSERT_EQ(d["index"], open) << e;
      open = -1;
    } else if (t == "message_delta") {
      ASSERT_EQ(open, -1);
      delta_seen = true;
    } else if (t == "message_stop") {
      ASSERT_TRUE(delta_seen);
      stopped = true;
    } else {
      FAIL() << "unexpected event " << e;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Transcripts, FromOpenAIStream,
                         ::testing::Values(Transcript{"text", ""}, Transcript{"tools", ""}, Transcript{"error", ""},
                                           Transcript{"reasoning", ""},
                                           Transcript{"truncated", "upstream stream ended before finish_reason"},
                                           Transcript{"content_filter", ""}),
                         [](const auto& info) { return std::string(info.param.input); });

// Reassembles the message the Anthropic SDKs would build from the events.
Json accumulate(const StreamRun& r) {
  Json msg;
  for (const auto& e : r.events) {
    Json d = Json::parse(e.substr(e.find("data: ") + 6));
    const std::string t = d["type"];
    if (t == "message_start") msg = d["message"];
    else if (t == "content_block_start") msg["content"].push_back(d["content_block"]);
    else if (t == "content_block_delta") {
      Json& b = msg["content"][d["index"].get<size_t>()];
      const Json& delta = d["delta"];
      if (delta["type"] == "text_delta") b["text"] = b["text"].get<std::string>() + delta["text"].get<std::string>();
      if (delta["type"] == "thinking_delta") b["thinking"] = b["thinking"].get<std::string>() + delta["thinking"].get<std::string>();
      if (delta["type"] == "input_json_delta") b["partial"] = b.value("partial", "") + delta["partial_json"].get<std::string>();
    } else if (t == "content_block_stop") {
      Json& b = msg["content"][d["index"].get<size_t>()];
      if (b.contains("partial")) {
        b["input"] = Json::parse(b["partial"].get<std::string>());
        b.erase("partial");
      }
    } else if (t == "message_delta") {
      msg["stop_reason"] = d["delta"]["stop_reason"];
      for (auto it = d["usage"].begin(); it != d["usage"].end(); ++it) msg["usage"][it.key()] = it.value();
    }
  }
  return msg;
}

}  // namespace

TEST(FromOpenAIStreamSemantics, ToolsTranscriptBuildsTheRightMessage) {
  Json msg = accumulate(run_openai(whole(fixture("from_openai/tools.sse")), kOptions));
  EXPECT_EQ(msg, Json::parse(R"({"id":"msg_BlYPCAKjvl7PBJxuZb352G12WIQK5","type":"message","role":"assistant","model":"gpt-4o",
    "content":[{"type":"tool_use","id":"call_De0ejo2G1gknErC39DDH2JpS","name":"get_weather","input":{"city":"Paris"}},
               {"type":"tool_use","id":"call_Q8wErTy6UiOp9AsDfGhJkL12","name":"get_weather","input":{"city":"Rome"}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":52,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":38}})"));
}

TEST(FromOpenAIStreamSemantics, ReasoningTextAndToolBlocksInOrder) {
  Json msg = accumulate(run_openai(whole(fixture("from_openai/reasoning.sse")), kOptions));
  ASSERT_EQ(msg["content"].size(), 3u);
  EXPECT_EQ(msg["content"][0], Json::parse(R"({"type":"thinking","thinking":"Think hard.","signature":""})"));
  EXPECT_EQ(msg["content"][1], Json::parse(R"({"type":"text","text":"I'll look it up."})"));
  EXPECT_EQ(msg["content"][2]["input"], Json::parse(R"({"q":"x"})"));
  EXPECT_EQ(msg["usage"]["input_tokens"], 300 - 256);
  EXPECT_EQ(msg["usage"]["cache_read_input_tokens"], 256);
}

TEST(FromOpenAIStreamSemantics, InputTokenHintUntilTheUpstreamCounts) {
  StreamRun r = run_openai(whole(fixture("from_openai/text.sse")), kOptions);
  Json start = Json::parse(r.events[0].substr(r.events[0].find("data: ") + 6));
  EXPECT_EQ(start["message"]["usage"]["input_tokens"], 42);
  Json delta = Json::parse(r.events[r.events.size() - 2].substr(r.events[r.events.size() - 2].find("data: ") + 6));
  EXPECT_EQ(delta["usage"]["input_tokens"], 14);  // the real count, from Azure's usage chunk
}

TEST(FromOpenAIStreamSemantics, FinishIsIdempotentAndUsageIsKept) {
  aicore::mapping::OpenAIToAnthropicStream conv("m", 1);
  std::vector<std::string> ev;
  aicore::mapping::Emit emit = [&](std::string_view e) { ev.emplace_back(e); };
  conv.on_chunk(Json::parse(R"({"id":"chatcmpl-x","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}})"), emit);
  conv.finish(emit);
  const size_t n = ev.size();
  conv.finish(emit);
  EXPECT_EQ(ev.size(), n);
  EXPECT_TRUE(conv.done());
  int64_t p = 0, c = 0;
  conv.usage(p, c);
  EXPECT_EQ(p, 3);
  EXPECT_EQ(c, 1);
}

TEST(FromOpenAIStreamSemantics, InterleavedToolFragmentsKeepTheirBlockIndex) {
  aicore::mapping::OpenAIToAnthropicStream conv("m");
  std::vector<std::string> ev;
  aicore::mapping::Emit emit = [&](std::string_view e) { ev.emplace_back(e); };
  auto chunk = [&](const char* delta) {
    conv.on_chunk(Json::parse(std::string(R"({"id":"chatcmpl-i","choices":[{"index":0,"delta":)") + delta + "}]}"), emit);
  };
  chunk(R"({"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\":"}}]})");
  chunk(R"({"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":"{}"}}]})");
  chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]})");
  conv.on_chunk(Json::parse(R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"), emit);
  conv.finish(emit);
  // The late fragment of call 0 still goes to block 0, so index-based accumulation stays right.
  bool found = false;
  for (const auto& e : ev)
    if (e.find(R"("partial_json":"1}")") != std::string::npos) {
      found = true;
      EXPECT_NE(e.find(R"("index":0)"), std::string::npos) << e;
    }
  EXPECT_TRUE(found);
}
