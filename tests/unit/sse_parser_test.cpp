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

// The issue's case: a 16 MiB line that arrives in 16 KiB reads. Each byte is searched for a line
// end once (the parser used to rescan its whole buffer on every read: ~8 billion byte checks here).
TEST(SseParser, WorkIsLinearInTheBytesFedWhateverTheSplits) {
  const size_t line = size_t(16) << 20;
  SseParser p(size_t(32) << 20);
  std::vector<std::string> out;
  auto on = [&](const SseEvent& e) { out.push_back(e.data); };
  const std::string piece(16384, 'x');
  p.feed("data: ", on);
  for (size_t fed = 0; fed < line; fed += piece.size()) p.feed(piece, on);
  EXPECT_TRUE(out.empty());
  p.feed("\n\ndata: [DONE]\n\n", on);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].size(), line);
  EXPECT_EQ(out[1], "[DONE]");
  EXPECT_LE(p.bytes_examined(), line + 64);

  // Byte by byte, CRLF line ends split between reads: still one look per byte.
  SseParser q;
  const std::string events = "data: a\r\n\r\ndata: b\r\n\r\n";
  std::string all;
  for (int i = 0; i < 1000; ++i) all += events;
  size_t n = 0;
  for (char c : all) q.feed(std::string_view(&c, 1), [&](const SseEvent&) { ++n; });
  EXPECT_EQ(n, 2000u);
  EXPECT_LE(q.bytes_examined(), all.size());
}

TEST(SseParser, ALineBeyondTheBoundIsTheUpstreamsError) {
  SseParser p(1 << 20);
  const std::string piece(65536, 'x');
  auto on = [](const SseEvent&) {};
  p.feed("data: ", on);
  size_t fed = 6;
  try {
    for (; fed < (4u << 20); fed += piece.size()) p.feed(piece, on);
    FAIL() << "no error after " << fed << " bytes without a line end";
  } catch (const aicore::PluginError& e) {
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
    EXPECT_NE(e.message.find("exceeds 1048576 bytes"), std::string::npos) << e.message;
  }
  EXPECT_LE(fed, (1u << 20) + piece.size());  // noticed within one read past the bound
  EXPECT_FALSE(p.pending());                  // and the buffer was freed
}

TEST(SseParser, AnEventOfManyDataLinesIsBoundedToo) {
  SseParser p(1 << 20);
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += "data: " + std::string(1000, 'y') + "\n";
  auto on = [](const SseEvent&) {};
  p.feed(lines, on);  // ~1 MB: within the bound
  EXPECT_THROW(p.feed(lines, on), aicore::PluginError);
}

TEST(SseParser, DefaultBoundIs16MiB) { EXPECT_EQ(SseParser::kDefaultMaxEventBytes, size_t(16) << 20); }

TEST(Envelopes, BothDialects) {
  EXPECT_EQ(aicore::openai_error_body("bad \"x\"\n", "invalid_request_error"),
            R"({"error":{"message":"bad \"x\"\n","type":"invalid_request_error","param":null,"code":null}})");
  EXPECT_EQ(aicore::anthropic_error_body("nope", "authentication_error"),
            R"({"type":"error","error":{"type":"authentication_error","message":"nope"}})");
  EXPECT_EQ(aicore::anthropic_error_type(429), "rate_limit_error");
  EXPECT_EQ(aicore::anthropic_error_type(529), "overloaded_error");
  EXPECT_EQ(aicore::openai_error_type(401), "authentication_error");
}
