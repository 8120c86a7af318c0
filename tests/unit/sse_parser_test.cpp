// The SDK's incremental SSE parser: any byte split gives the same events.
#include <gtest/gtest.h>

#include <aicore/errors.hpp>
#include <aicore/sse.hpp>

using aicore::SseEvent;
using aicore::SseParser;

namespace {
std::vector<std::string> parse_split(const std::string& in, std::vector<size_t> cuts) {
  SseParser p;
  std::vector<std::string> out;
  auto on = [&](const SseEvent& e) { out.push_back(e.event + "|" + e.data); };
  size_t prev = 0;
  cuts.push_back(in.size());
  for (size_t c : cuts) {
    p.feed(std::string_view(in).substr(prev, c - prev), on);
    prev = c;
  }
  p.finish(on);
  return out;
}
}  // namespace

TEST(SseParser, EveryTwoWaySplitGivesTheSameEvents) {
  const std::string in =
      ": comment\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: line1\ndata: line2\n\nid: 7\nretry: 10\ndata:nospace\r\rdata: [DONE]\n\n";
  const std::vector<std::string> want = {"message_start|{\"a\":1}", "|line1\nline2", "|nospace", "|[DONE]"};
  EXPECT_EQ(parse_split(in, {}), want);
  for (size_t i = 0; i <= in.size(); ++i) EXPECT_EQ(parse_split(in, {i}), want) << "split at " << i;
  std::vector<size_t> every;
  for (size_t i = 1; i < in.size(); ++i) every.push_back(i);
  EXPECT_EQ(parse_split(in, every), want);
}

TEST(SseParser, FinishDispatchesAnUnterminatedEvent) {
  EXPECT_EQ(parse_split("data: {\"x\":1}", {}), (std::vector<std::string>{"|{\"x\":1}"}));
  SseParser p;
  p.feed("data: partial", [](const SseEvent&) {});
  EXPECT_TRUE(p.pending());
}

TEST(Envelopes, BothDialects) {
  EXPECT_EQ(aicore::openai_error_body("bad \"x\"\n", "invalid_request_error"),
            R"({"error":{"message":"bad \"x\"\n","type":"invalid_request_error","param":null,"code":null}})");
  EXPECT_EQ(aicore::anthropic_error_body("nope", "authentication_error"),
            R"({"type":"error","error":{"type":"authentication_error","message":"nope"}})");
  EXPECT_EQ(aicore::anthropic_error_type(429), "rate_limit_error");
  EXPECT_EQ(aicore::anthropic_error_type(529), "overloaded_error");
  EXPECT_EQ(aicore::openai_error_type(401), "authentication_error");
}
