// estimate_input_tokens: the documented rule, image headers, PDF pages, and monotonicity.
#include "test_support.hpp"

using namespace mapping_test;
using aicore::mapping::estimate_image_tokens;
using aicore::mapping::estimate_input_tokens;

namespace {

std::string b64(const std::string& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += a[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += a[(v >> 18) & 63];
    out += a[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += a[(v >> 18) & 63];
    out += a[(v >> 12) & 63];
    out += a[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }
std::string png(uint32_t w, uint32_t h) { return std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) + be32(w) + be32(h) + "\x08\x06"; }
std::string gif(uint16_t w, uint16_t h) { return std::string("GIF89a") + char(w & 255) + char(w >> 8) + char(h & 255) + char(h >> 8) + "\0\0"; }
std::string jpeg(uint16_t w, uint16_t h) {
  std::string app0 = std::string("\xFF\xE0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 18);
  std::string sof = std::string("\xFF\xC0\x00\x11\x08", 5) + char(h >> 8) + char(h & 255) + char(w >> 8) + char(w & 255) + std::string(12, '\x01');
  return std::string("\xFF\xD8", 2) + app0 + sof;
}
std::string webp_vp8x(uint32_t w, uint32_t h) {
  auto le24 = [](uint32_t v) { return std::string{char(v & 255), char((v >> 8) & 255), char((v >> 16) & 255)}; };
  return std::string("RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0", 24) + le24(w - 1) + le24(h - 1) + "xx";
}

Json image_message(const std::string& bytes, const char* media) {
  Json b = Json::parse(R"({"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64"}}]}]})");
  b["messages"][0]["content"][0]["source"]["media_type"] = media;
  b["messages"][0]["content"][0]["source"]["data"] = b64(bytes);
  return b;
}

int64_t image_only(const Json& body) { return estimate_input_tokens(body) - 4; }  // minus the message framing

Json text_body(const std::string& text) {
  Json b = Json::parse(R"({"messages":[{"role":"user","content":""}]})");
  b["messages"][0]["content"] = text;
  return b;
}

}  // namespace

TEST(CountTokens, TheDocumentedRule) {
  EXPECT_EQ(estimate_input_tokens(Json::object()), 1);  // never 0
  EXPECT_EQ(estimate_input_tokens(Json::array()), 1);
  EXPECT_EQ(estimate_input_tokens(text_body("Hello")), 4 + 2);       // ceil(5/4)
  EXPECT_EQ(estimate_input_tokens(text_body("12345678")), 4 + 2);    // 8/4
  EXPECT_EQ(estimate_input_tokens(text_body("123456789")), 4 + 3);
  Json b = text_body("Hello");
  b["system"] = "Be brief";  // +4 +2
  EXPECT_EQ(estimate_input_tokens(b), 6 + 6);
  b["tools"] = Json::parse(R"([{"name":"get_weather","description":"Weather","input_schema":{"type":"object"}}])");
  // 346 once + 16 + "get_weather" (3) + "Weather" (2) + {"type":"object"} (17 bytes -> 5)
  EXPECT_EQ(estimate_input_tokens(b), 12 + 346 + 16 + 3 + 2 + 5);
}

TEST(CountTokens, ClaudeCodeBodyIsStable) {
  // A regression guard: the rule is deterministic, so a known body has a known count.
  Json body = fixture_json("to_openai/claude_code.anthropic.json");
  const int64_t n = estimate_input_tokens(body);
  EXPECT_EQ(n, estimate_input_tokens(body));
  EXPECT_GT(n, 346);
  EXPECT_EQ(n, 2263);  // 1600 of it: the fixture's image is too short to read, so it counts the ceiling
}

TEST(CountTokens, ImageSizesFromHeaders) {
  EXPECT_EQ(image_only(image_message(png(1, 1), "image/png")), 1);
  EXPECT_EQ(image_only(image_message(png(1000, 1000), "image/png")), 1334);  // 1e6 / 750
  EXPECT_EQ(image_only(image_message(png(4000, 3000), "image/png")), 1534);  // downscaled to ~1.15 MP
  EXPECT_EQ(image_only(image_message(gif(300, 200), "image/gif")), 80);
  EXPECT_EQ(image_only(image_message(jpeg(800, 600), "image/jpeg")), 640);
  EXPECT_EQ(image_only(image_message(webp_vp8x(750, 100), "image/webp")), 100);
  EXPECT_EQ(image_only(image_message("not an image", "image/png")), 1600);  // unknown: the ceiling
  Json url = Json::parse(R"({"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]})");
  EXPECT_EQ(image_only(url), 1600);
  EXPECT_EQ(estimate_image_tokens(1568, 1568), 1534);
  EXPECT_EQ(estimate_image_tokens(0, 10), 1600);
}

TEST(CountTokens, PdfPagesAreCounted) {
  std::string pdf = "%PDF-1.4\n1 0 obj <</Type /Pages /Count 3>>\n2 0 obj <</Type /Page>>\n3 0 obj <</Type/Page>>\n4 0 obj <</Type /Page >>\n";
  Json b = Json::parse(R"({"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf"}}]}]})");
  b["messages"][0]["content"][0]["source"]["data"] = b64(pdf);
  EXPECT_EQ(estimate_input_tokens(b), 4 + 3 * 1500);
  b["messages"][0]["content"][0]["source"]["data"] = b64("%PDF-1.5 compressed object streams");
  EXPECT_EQ(estimate_input_tokens(b), 4 + 1500);  // no visible page objects: one page per 75 KB, at least 1
  b["messages"][0]["content"][0]["source"] = Json::parse(R"({"type":"text","media_type":"text/plain","data":"abcdefgh"})");
  EXPECT_EQ(estimate_input_tokens(b), 4 + 2);
}

TEST(CountTokens, MonotoneInEveryKindOfContent) {
  Json base = fixture_json("to_openai/claude_code.anthropic.json");
  const int64_t n = estimate_input_tokens(base);
  std::vector<std::function<void(Json&)>> additions = {
      [](Json& b) { b["messages"][0]["content"][0]["text"] = b["messages"][0]["content"][0]["text"].get<std::string>() + " more"; },
      [](Json& b) { b["messages"].push_back(Json::parse(R"({"role":"user","content":"x"})")); },
      [](Json& b) { b["messages"].push_back(Json::parse(R"({"role":"user","content":""})")); },
      [](Json& b) { b["system"].push_back(Json::parse(R"({"type":"text","text":"extra"})")); },
      [](Json& b) { b["tools"].push_back(Json::parse(R"({"name":"t","input_schema":{"type":"object"}})")); },
      [](Json& b) { b["messages"][0]["content"].push_back(Json::parse(R"({"type":"image","source":{"type":"url","url":"u"}})")); },
      [](Json& b) { b["messages"][0]["content"].push_back(Json::parse(R"({"type":"mystery","x":1})")); },
      [](Json& b) { b["messages"][1]["content"][0]["thinking"] = "I will run ls, carefully."; },
  };
  for (size_t i = 0; i < additions.size(); ++i) {
    Json b = base;
    additions[i](b);
    EXPECT_GT(estimate_input_tokens(b), n) << "addition " << i;
  }
  // Longer text never counts less, byte by byte.
  int64_t prev = 0;
  std::string s;
  for (int i = 0; i < 200; ++i) {
    s += char('a' + i % 26);
    int64_t t = estimate_input_tokens(text_body(s));
    EXPECT_GE(t, prev);
    prev = t;
  }
  // The first tool costs the tool prompt as well.
  Json no_tools = text_body("x");
  Json one_tool = no_tools;
  one_tool["tools"] = Json::parse(R"([{"name":"t"}])");
  EXPECT_GE(estimate_input_tokens(one_tool) - estimate_input_tokens(no_tools), 346 + 16);
}

TEST(CountTokens, MalformedPartsAreCountedNotRejected) {
  Json b = Json::parse(R"({"messages":[{"role":"user","content":[5, {"type":"image"}, {"type":"document","source":{"type":"base64"}}]}],"tools":"x","system":7})");
  EXPECT_GT(estimate_input_tokens(b), 0);
}
