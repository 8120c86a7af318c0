// Anthropic stream events -> OpenAI chunks, fed as SSE bytes through aicore::SseParser exactly as a
// plugin does: whole, byte by byte, CRLF, and split in two at every byte offset.
#include "test_support.hpp"

#include <map>

using namespace mapping_test;
using aicore::mapping::OpenAIStreamOptions;

namespace {

struct Transcript {
  const char* input;     // fixtures/from_anthropic/<input>.sse
  const char* expected;  // fixtures/from_anthropic/<expected>.expected.sse
  bool include_usage;
  bool json_tool;
  const char* error;  // what finish() throws ("" = nothing)
};
void PrintTo(const Transcript& t, std::ostream* os) { *os << t.expected; }

OpenAIStreamOptions options(const Transcript& t) {
  OpenAIStreamOptions o;
  o.model = "claude-sonnet-4-5";
  o.include_usage = t.include_usage;
  o.created = 1700000000;
  o.json_response_tool = t.json_tool;
  return o;
}

class FromAnthropicStream : public ::testing::TestWithParam<Transcript> {
 protected:
  std::string input() const { return fixture(std::string("from_anthropic/") + GetParam().input + ".sse"); }
  StreamRun run(const std::vector<std::string_view>& pieces) const { return run_anthropic(pieces, options(GetParam())); }
};

TEST_P(FromAnthropicStream, WholeMatchesGolden) {
  StreamRun r = run(whole(input()));
  expect_golden_text(r.joined(), std::string("from_anthropic/") + GetParam().expected + ".expected.sse");
  EXPECT_EQ(r.error, GetParam().error);
}

TEST_P(FromAnthropicStream, EverySplitGivesTheSameEvents) {
  const std::string in = input();
  const StreamRun want = run(whole(in));
  EXPECT_EQ(run(bytes(in)), want);
  for (size_t k = 0; k <= in.size(); ++k) ASSERT_EQ(run(split_at(in, k)), want) << "split at byte " << k;
  // CRLF line ends: byte by byte and random multi-way splits.
  const std::string in2 = crlf(in);
  EXPECT_EQ(run(bytes(in2)), want);
  for (const auto& pieces : random_splits(in2, 50)) ASSERT_EQ(run(pieces), want);
}

TEST_P(FromAnthropicStream, EveryEventIsOneFramedDataLine) {
  for (const auto& e : run(whole(input())).events) {
    ASSERT_TRUE(e.starts_with("data: ")) << e;
    ASSERT_TRUE(e.ends_with("\n\n")) << e;
    ASSERT_EQ(e.find('\n'), e.size() - 2) << e;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Transcripts, FromAnthropicStream,
    ::testing::Values(Transcript{"text", "text_usage", true, false, ""},
                      Transcript{"text", "text_no_usage", false, false, ""},
                      Transcript{"tools_thinking", "tools_thinking", false, false, ""},
                      Transcript{"error", "error", true, false, ""},
                      Transcript{"truncated", "truncated", false, false, "upstream stream ended before message_stop"},
                      Transcript{"no_message_stop", "no_message_stop", true, false, ""},
                      Transcript{"json_tool", "json_tool", false, true, ""}),
    [](const auto& info) { return std::string(info.param.expected); });

std::vector<Json> chunks_of(const StreamRun& r) {
  std::vector<Json> out;
  for (const auto& e : r.events)
    if (e != "data: [DONE]\n\n") out.push_back(Json::parse(e.substr(6)));
  return out;
}

}  // namespace

TEST(FromAnthropicStreamSemantics, ToolCallsReassembleWithStableIndexAndId) {
  auto chunks = chunks_of(run_anthropic(whole(fixture("from_anthropic/tools_thinking.sse")), {"m", false, 0, false}));
  std::map<int, std::string> args, ids, names;
  std::string content, reasoning, finish;
  for (const Json& c : chunks) {
    const Json& ch = c["choices"][0];
    const Json& d = ch["delta"];
    content += d.value("content", "");
    reasoning += d.value("reasoning_content", "");
    if (!ch["finish_reason"].is_null()) finish = ch["finish_reason"];
    for (const Json& tc : d.value("tool_calls", Json::array())) {
      int i = tc["index"];
      if (tc.contains("id")) ids[i] += tc["id"].get<std::string>();
      if (tc["function"].contains("name")) names[i] += tc["function"]["name"].get<std::string>();
      args[i] += tc["function"]["arguments"].get<std::string>();
    }
  }
  EXPECT_EQ(chunks[0]["choices"][0]["delta"], Json::parse(R"({"role":"assistant","content":""})"));
  EXPECT_EQ(content, "Checking both.");
  EXPECT_EQ(reasoning, "The user wants two cities.");
  EXPECT_EQ(ids, (std::map<int, std::string>{{0, "toolu_01A"}, {1, "toolu_01B"}}));
  EXPECT_EQ(names, (std::map<int, std::string>{{0, "get_weather"}, {1, "get_weather"}}));
  EXPECT_EQ(Json::parse(args[0]), Json::parse(R"({"city":"Paris"})"));
  EXPECT_EQ(Json::parse(args[1]), Json::parse(R"({"city":"Rome"})"));
  EXPECT_EQ(finish, "tool_calls");
  for (const Json& c : chunks) EXPECT_EQ(c["id"], "chatcmpl-01ToolsThink");
}

TEST(FromAnthropicStreamSemantics, UsageIsReportedForTheHostEvenWithoutIncludeUsage) {
  aicore::mapping::AnthropicToOpenAIStream conv({"m", false, 0, false});
  aicore::SseParser p;
  aicore::mapping::Emit emit = [](std::string_view) {};
  int64_t prompt = 0, completion = 0;
  conv.usage(prompt, completion);
  EXPECT_EQ(prompt, -1);
  EXPECT_EQ(completion, -1);
  p.feed(fixture("from_anthropic/text.sse"), [&](const aicore::SseEvent& e) { conv.on_event(Json::parse(e.data), emit); });
  conv.finish(emit);
  conv.usage(prompt, completion);
  EXPECT_EQ(prompt, 112);  // 12 input + 100 cache read
  EXPECT_EQ(completion, 9);
  EXPECT_TRUE(conv.done());
}

TEST(FromAnthropicStreamSemantics, ToolInputGivenWholeInTheStartEventIsForwarded) {
  std::string in =
      "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":1}}}\n\n"
      "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"f\",\"input\":{\"a\":1}}}\n\n"
      "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":3}}\n\n"
      "data: {\"type\":\"message_stop\"}\n\n";
  auto chunks = chunks_of(run_anthropic(whole(in), {"m", false, 0, false}));
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[2]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"], "{\"a\":1}");
}

TEST(FromAnthropicStreamSemantics, NothingAtAllIsATruncation) {
  EXPECT_EQ(run_anthropic(whole(""), {"m", false, 0, false}).error, "upstream stream ended before message_stop");
}
