#include "test_support.hpp"

#include "openai/chat_stream.hpp"

#include <map>
#include <random>

using namespace openai_test;
using aicore::openai::ChatStreamConverter;
using aicore::openai::ResponseContext;

namespace {

// Feeds `input` in the given pieces, then finishes; returns every event written, in order.
std::vector<std::string> run(const std::vector<std::string_view>& pieces, bool include_usage) {
  ChatStreamConverter c(ResponseContext{include_usage});
  Collect out;
  for (auto p : pieces) c.feed(p, out.sink());
  c.finish(out.sink());
  return out.items;
}

std::vector<std::string> whole(std::string_view s, bool usage) { return run({s}, usage); }

std::vector<std::string> split_at(std::string_view s, size_t k, bool usage) {
  return run({s.substr(0, k), s.substr(k)}, usage);
}

std::vector<std::string> byte_by_byte(std::string_view s, bool usage) {
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < s.size(); ++i) pieces.push_back(s.substr(i, 1));
  return run(pieces, usage);
}

// The expected fixture as a list of events ("data: ...\n\n" each).
std::vector<std::string> events_of(const std::string& text) {
  std::vector<std::string> ev;
  size_t start = 0;
  for (size_t i; (i = text.find("\n\n", start)) != std::string::npos; start = i + 2)
    ev.push_back(text.substr(start, i + 2 - start));
  EXPECT_EQ(start, text.size()) << "fixture does not end with a blank line";
  return ev;
}

std::string crlf(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\n') o += '\r';
    o += c;
  }
  return o;
}

struct Transcript {
  const char* upstream;
  const char* expected;
  bool include_usage;
};

void PrintTo(const Transcript& t, std::ostream* os) { *os << t.upstream << " -> " << t.expected; }

class StreamGolden : public ::testing::TestWithParam<Transcript> {
 protected:
  std::string upstream() const { return fixture(GetParam().upstream); }
  std::vector<std::string> expected() const { return events_of(fixture(GetParam().expected)); }
};

TEST_P(StreamGolden, WholeEqualsGolden) {
  auto out = whole(upstream(), GetParam().include_usage);
  EXPECT_EQ(out, expected());
}

TEST_P(StreamGolden, ByteByByteGivesTheSameEvents) {
  EXPECT_EQ(byte_by_byte(upstream(), GetParam().include_usage), expected());
}

TEST_P(StreamGolden, CrlfVariantWholeAndByteByByte) {
  const std::string in = crlf(upstream());
  const auto want = expected();
  EXPECT_EQ(whole(in, GetParam().include_usage), want);
  EXPECT_EQ(byte_by_byte(in, GetParam().include_usage), want);
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
    ASSERT_EQ(run(pieces, GetParam().include_usage), want) << "round " << round;
  }
}

TEST_P(StreamGolden, OneWritePerEventEachFramed) {
  for (const auto& e : whole(upstream(), GetParam().include_usage)) {
    ASSERT_TRUE(e.starts_with("data: ")) << e;
    ASSERT_TRUE(e.ends_with("\n\n")) << e;
    ASSERT_EQ(e.find('\n'), e.size() - 2) << e;  // exactly one line per event
  }
}

auto transcript_name = [](const auto& info) {
  std::string n = std::string(info.param.expected);
  return n.substr(0, n.find('.'));
};

INSTANTIATE_TEST_SUITE_P(Transcripts, StreamGolden,
                         ::testing::Values(Transcript{"azure_text.sse", "text_usage.expected.sse", true},
                                           Transcript{"azure_text.sse", "text_no_usage.expected.sse", false},
                                           Transcript{"azure_tools.sse", "tools_usage.expected.sse", true},
                                           Transcript{"azure_tools.sse", "tools_no_usage.expected.sse", false},
                                           Transcript{"azure_error.sse", "error.expected.sse", false}),
                         transcript_name);

// Two pieces split at every byte offset, LF and CRLF. This is O(n^2) conversions (seconds in a
// Debug build) and the SSE framing does not depend on include_usage, so each transcript is swept
// with one of the two flags; the other flag still runs whole, byte-by-byte and random splits above.
class StreamSweep : public StreamGolden {};

TEST_P(StreamSweep, EverySplitOffsetGivesTheSameEvents) {
  const std::string in = upstream();
  const auto want = expected();
  for (size_t k = 0; k <= in.size(); ++k) ASSERT_EQ(split_at(in, k, GetParam().include_usage), want) << "split at byte " << k;
}

TEST_P(StreamSweep, CrlfEverySplitOffsetGivesTheSameEvents) {
  const std::string in = crlf(upstream());
  const auto want = expected();
  for (size_t k = 0; k <= in.size(); ++k) ASSERT_EQ(split_at(in, k, GetParam().include_usage), want) << "split at byte " << k;
}

INSTANTIATE_TEST_SUITE_P(Transcripts, StreamSweep,
                         ::testing::Values(Transcript{"azure_text.sse", "text_usage.expected.sse", true},
                                           Transcript{"azure_tools.sse", "tools_no_usage.expected.sse", false},
                                           Transcript{"azure_error.sse", "error.expected.sse", false}),
                         transcript_name);

}  // namespace

TEST(ChatStream, AzureQuirksAreGoneFromTheOutput) {
  for (bool usage : {false, true}) {
    for (const char* f : {"azure_text.sse", "azure_tools.sse"}) {
      std::string all;
      for (const auto& e : whole(fixture(f), usage)) all += e;
      EXPECT_EQ(all.find("content_filter"), std::string::npos);
      EXPECT_EQ(all.find("prompt_filter_results"), std::string::npos);
      EXPECT_EQ(all.find("\"created\":0"), std::string::npos);  // the empty first event
      if (usage) {
        EXPECT_NE(all.find("\"usage\":{"), std::string::npos);  // the usage chunk
      } else {
        EXPECT_EQ(all.find("\"usage\""), std::string::npos);  // neither the chunk nor the nulls
      }
    }
  }
}

TEST(ChatStream, ToolCallDeltasKeepIndexAndId) {
  auto out = whole(fixture("azure_tools.sse"), false);
  ASSERT_GE(out.size(), 3u);
  Json first = Json::parse(out[0].substr(6));
  const Json& call = first["choices"][0]["delta"]["tool_calls"][0];
  EXPECT_EQ(call["index"], 0);
  EXPECT_EQ(call["id"], "call_De0ejo2G1gknErC39DDH2JpS");
  EXPECT_EQ(call["function"]["name"], "get_weather");
  // Reassembling the fragments per index gives both complete argument strings.
  std::map<int, std::string> args;
  for (const auto& e : out) {
    if (e == "data: [DONE]\n\n") continue;
    Json c = Json::parse(e.substr(6));
    for (const Json& ch : c["choices"])
      if (ch["delta"].contains("tool_calls"))
        for (const Json& tc : ch["delta"]["tool_calls"]) args[tc["index"].get<int>()] += tc["function"]["arguments"].get<std::string>();
  }
  EXPECT_EQ(args[0], R"({"city":"Paris"})");
  EXPECT_EQ(args[1], R"({"city":"Rome"})");
}

TEST(ChatStream, DoneIsForwardedExactlyOnce) {
  std::string in = "data: [DONE]\n\ndata: [DONE]\n\n";
  EXPECT_EQ(whole(in, false), std::vector<std::string>{"data: [DONE]\n\n"});
  // ...and anything after it is ignored, even garbage.
  EXPECT_EQ(whole("data: [DONE]\n\ndata: {not json\n\n", false), std::vector<std::string>{"data: [DONE]\n\n"});
}

TEST(ChatStream, CommentsAndEventNamesAreIgnored) {
  std::string in =
      ": keep-alive\n\n"
      "event: message\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"index\":0,\"finish_reason\":null}],\"usage\":null}\n\n"
      "data: [DONE]\n\n";
  EXPECT_EQ(whole(in, false), (std::vector<std::string>{
                                  "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"index\":0,\"finish_reason\":null}]}\n\n",
                                  "data: [DONE]\n\n"}));
}

TEST(ChatStream, TruncatedStreamThrowsOnFinish) {
  const std::string in = fixture("azure_text.sse");
  const size_t done_at = in.find("data: [DONE]");
  ASSERT_NE(done_at, std::string::npos);
  // Cut anywhere before [DONE] is complete: between events, inside an event, inside "[DONE]".
  for (size_t cut : {size_t{0}, done_at, done_at - 1, done_at / 2, done_at + 8}) {
    ChatStreamConverter c(ResponseContext{true});
    Collect out;
    c.feed(std::string_view(in).substr(0, cut), out.sink());
    try {
      c.finish(out.sink());
      ADD_FAILURE() << "no error for a stream cut at byte " << cut;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
      EXPECT_EQ(e.message, "upstream stream ended before [DONE]");
    }
    for (const auto& e : out.items) EXPECT_NE(e, "data: [DONE]\n\n");
  }
}

TEST(ChatStream, DoneWithoutTrailingBlankLineIsComplete) {
  EXPECT_EQ(whole("data: [DONE]", false), std::vector<std::string>{"data: [DONE]\n\n"});
  EXPECT_EQ(whole("data: [DONE]\r\n", false), std::vector<std::string>{"data: [DONE]\n\n"});
}

TEST(ChatStream, ErrorEventIsForwardedAndEndsTheStream) {
  std::string in = fixture("azure_error.sse");
  ChatStreamConverter c(ResponseContext{false});
  Collect out;
  c.feed(in, out.sink());
  EXPECT_NO_THROW(c.finish(out.sink()));  // the client already has the error: no second one
  ASSERT_FALSE(out.items.empty());
  EXPECT_EQ(out.items.back(),
            "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
            "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
  c.feed("data: [DONE]\n\n", out.sink());  // nothing follows an error
  EXPECT_EQ(out.items.back().substr(0, 15), "data: {\"error\":");
}

TEST(ChatStream, NonObjectErrorIsWrappedInOpenAIShape) {
  auto out = whole("data: {\"error\":\"Too many requests\"}\n\n", false);
  EXPECT_EQ(out, std::vector<std::string>{
                     "data: {\"error\":{\"message\":\"Too many requests\",\"type\":\"api_error\",\"param\":null,\"code\":null}}\n\n"});
}

TEST(ChatStream, UnparseableEventIsAnUpstreamError) {
  for (const char* bad : {"data: {\"choices\":[\n\n", "data: [1,2]\n\n", "data: hello\n\n"}) {
    ChatStreamConverter c(ResponseContext{false});
    Collect out;
    try {
      c.feed(bad, out.sink());
      ADD_FAILURE() << "accepted " << bad;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << bad;
    }
  }
}

TEST(ChatStream, UsageOnContentChunkRemovedWhenNotAsked) {
  std::string in =
      "data: {\"choices\":[{\"delta\":{},\"index\":0,\"finish_reason\":\"stop\"}],\"usage\":{\"total_tokens\":3}}\n\n"
      "data: [DONE]\n\n";
  EXPECT_EQ(whole(in, false)[0], "data: {\"choices\":[{\"delta\":{},\"index\":0,\"finish_reason\":\"stop\"}]}\n\n");
  EXPECT_EQ(whole(in, true)[0],
            "data: {\"choices\":[{\"delta\":{},\"index\":0,\"finish_reason\":\"stop\"}],\"usage\":{\"total_tokens\":3}}\n\n");
}

TEST(ChatStream, FinishTwiceIsHarmless) {
  ChatStreamConverter c(ResponseContext{false});
  Collect out;
  c.feed("data: [DONE]\n\n", out.sink());
  c.finish(out.sink());
  c.finish(out.sink());
  EXPECT_EQ(out.items.size(), 1u);
}

TEST(ChatStream, UsageIsReportedToTheHostEvenWhenTheClientDidNotAskForIt) {
  for (bool include_usage : {false, true}) {
    ChatStreamConverter c(ResponseContext{include_usage});
    Collect out;
    int64_t p = 0, k = 0;
    c.usage(p, k);
    EXPECT_EQ(p, -1);  // nothing seen yet
    c.feed(fixture("azure_text.sse"), out.sink());
    c.finish(out.sink());
    c.usage(p, k);
    EXPECT_GT(p, 0) << include_usage;
    EXPECT_GT(k, 0) << include_usage;
  }
}
