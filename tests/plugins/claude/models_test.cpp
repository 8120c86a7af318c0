#include "test_support.hpp"

#include "claude/models.hpp"

#include <algorithm>

using namespace aicore::claude;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

struct Case {
  const char* name;
  const char* family;
  const char* version;
};

}  // namespace

TEST(Models, DetectsClaudeNames) {
  for (const char* m : {"anthropic--claude-4.5-sonnet", "claude-sonnet-4-5", "claude-3-haiku-20240307", "Claude-Opus-4-1",
                        "4.5-sonnet", "3.7-sonnet", "sonnet-4.5", "my-opus", "haiku", "anthropic/claude-sonnet-4-5",
                        "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0",
                        "claude-sonnet-4-5[1m]", "bedrock/claude-opus-4"})
    EXPECT_TRUE(is_claude_model(m)) << m;
  for (const char* m : {"gpt-4o", "gpt-5", "o3-mini", "gemini-2.5-pro", "text-embedding-3-small", "mistral-large", ""})
    EXPECT_FALSE(is_claude_model(m)) << m;
}

// The normalisation table: every spelling a client or config uses, for every version shape.
TEST(Models, ParseFamilyAndVersionFromEverySpelling) {
  const Case cases[] = {
      {"anthropic--claude-4.5-sonnet", "sonnet", "4.5"},
      {"claude-sonnet-4-5", "sonnet", "4.5"},
      {"claude-sonnet-4-5-20250929", "sonnet", "4.5"},
      {"claude-4.5-sonnet", "sonnet", "4.5"},
      {"sonnet-4.5", "sonnet", "4.5"},
      {"4.5-sonnet", "sonnet", "4.5"},
      {"claude-sonnet-4-5[1m]", "sonnet", "4.5"},
      {"anthropic.claude-sonnet-4-5-20250929-v1:0", "sonnet", "4.5"},
      {"eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "sonnet", "4.5"},
      {"claude-sonnet-4-5@20250929", "sonnet", "4.5"},
      {"claude-sonnet-4-5-latest", "sonnet", "4.5"},
      {"anthropic--claude-3.7-sonnet", "sonnet", "3.7"},
      {"claude-3-7-sonnet-20250219", "sonnet", "3.7"},
      {"claude-3-7-sonnet-latest", "sonnet", "3.7"},
      {"us.anthropic.claude-3-7-sonnet-20250219-v1:0", "sonnet", "3.7"},
      {"claude-3-5-sonnet-20241022", "sonnet", "3.5"},
      {"anthropic.claude-3-5-sonnet-20241022-v2:0", "sonnet", "3.5"},
      {"claude-3-5-haiku-20241022", "haiku", "3.5"},
      {"claude-3-haiku-20240307", "haiku", "3"},
      {"anthropic--claude-3-haiku", "haiku", "3"},
      {"claude-3-opus-20240229", "opus", "3"},
      {"claude-opus-4-20250514", "opus", "4"},
      {"claude-sonnet-4-20250514", "sonnet", "4"},
      {"anthropic--claude-4-sonnet", "sonnet", "4"},
      {"claude-4.0-sonnet", "sonnet", "4"},
      {"claude-opus-4-1-20250805", "opus", "4.1"},
      {"anthropic--claude-4.1-opus", "opus", "4.1"},
      {"claude-haiku-4-5-20251001", "haiku", "4.5"},
      {"anthropic--claude-4.5-haiku", "haiku", "4.5"},
      {"claude-opus-4-5-20251101", "opus", "4.5"},
      {"claude-opus-4-6", "opus", "4.6"},
      {"anthropic--claude-4.6-opus", "opus", "4.6"},
      {"claude-sonnet-4-6", "sonnet", "4.6"},
      {"claude-opus-4-7", "opus", "4.7"},          // later releases need no table change
      {"claude-sonnet-5-20270101", "sonnet", "5"},
      {"anthropic--claude-5.2-haiku", "haiku", "5.2"},
  };
  for (const Case& c : cases) {
    ClaudeModel m = parse_model(c.name);
    EXPECT_EQ(m.family, c.family) << c.name;
    EXPECT_EQ(m.version, c.version) << c.name;
  }
}

TEST(Models, CandidatesReachSapAndPythonProxyNames) {
  for (const char* client : {"claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "claude-4.5-sonnet", "sonnet-4.5",
                             "anthropic--claude-4.5-sonnet", "4.5-sonnet", "claude-sonnet-4-5[1m]",
                             "anthropic.claude-sonnet-4-5-20250929-v1:0"}) {
    auto c = model_candidates(client);
    EXPECT_EQ(c.front(), client) << "the name as sent comes first";
    EXPECT_TRUE(has(c, "anthropic--claude-4.5-sonnet")) << client;
    EXPECT_TRUE(has(c, "4.5-sonnet")) << client;
    EXPECT_TRUE(has(c, "claude-4.5-sonnet")) << client;
    EXPECT_TRUE(has(c, "claude-sonnet-4-5")) << client;
  }
  auto old = model_candidates("claude-3-7-sonnet-20250219");
  EXPECT_TRUE(has(old, "anthropic--claude-3.7-sonnet"));
  EXPECT_TRUE(has(old, "3.7-sonnet"));
  EXPECT_TRUE(has(old, "claude-3-7-sonnet"));
  auto opus = model_candidates("claude-opus-4-1-20250805");
  EXPECT_TRUE(has(opus, "anthropic--claude-4.1-opus"));
  EXPECT_TRUE(has(opus, "4.1-opus"));
  auto haiku = model_candidates("claude-3-5-haiku-latest");
  EXPECT_TRUE(has(haiku, "anthropic--claude-3.5-haiku"));
  auto four = model_candidates("claude-sonnet-4-20250514");
  EXPECT_TRUE(has(four, "anthropic--claude-4-sonnet"));
  EXPECT_TRUE(has(four, "4-sonnet"));
}

TEST(Models, CandidatesAreUniqueAndBestFirst) {
  auto c = model_candidates("anthropic--claude-4.5-sonnet");
  EXPECT_EQ(c[0], "anthropic--claude-4.5-sonnet");
  std::vector<std::string> sorted = c;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  auto upper = model_candidates("Claude-Sonnet-4-5");
  EXPECT_EQ(upper[0], "Claude-Sonnet-4-5");
  EXPECT_EQ(upper[1], "claude-sonnet-4-5");
}

TEST(Models, NamesWithoutVersionOnlyOfferThemselves) {
  auto c = model_candidates("Sonnet");
  EXPECT_EQ(c, (std::vector<std::string>{"Sonnet", "sonnet"}));
  EXPECT_FALSE(parse_model("claude-sonnet-latest").known());
}

TEST(Models, VersionComparison) {
  ClaudeModel m = parse_model("claude-opus-4-1");
  EXPECT_TRUE(m.at_least(4));
  EXPECT_TRUE(m.at_least(4, 1));
  EXPECT_FALSE(m.at_least(4, 5));
  EXPECT_FALSE(parse_model("claude-3-7-sonnet").at_least(4));
}
