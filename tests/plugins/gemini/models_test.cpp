#include "test_support.hpp"

#include "gemini/models.hpp"

using aicore::gemini::is_gemini_model;
using aicore::gemini::model_candidates;
using aicore::gemini::thinking_support;
using K = aicore::gemini::ThinkingSupport::Kind;

TEST(Models, Detection) {
  for (const char* m : {"gemini-2.5-pro", "gemini-2.5-flash", "Gemini-2.5-Pro", "google/gemini-2.5-pro", "models/gemini-2.0-flash",
                        "vertex_ai/gemini-2.5-flash", "gemini/gemini-2.5-pro", "gemini-embedding", "gemini-3-pro-preview",
                        "publishers/google/models/gemini-2.5-pro"})
    EXPECT_TRUE(is_gemini_model(m)) << m;
  for (const char* m : {"gpt-4o", "anthropic--claude-4-sonnet", "text-embedding-004", "gemma-3", "my-gemini", "google/", ""})
    EXPECT_FALSE(is_gemini_model(m)) << m;
}

TEST(Models, Candidates) {
  EXPECT_EQ(model_candidates("gemini-2.5-pro"), (std::vector<std::string>{"gemini-2.5-pro"}));
  EXPECT_EQ(model_candidates("Google/Gemini-2.5-Flash-Preview-05-20"),
            (std::vector<std::string>{"Google/Gemini-2.5-Flash-Preview-05-20", "Gemini-2.5-Flash-Preview-05-20",
                                      "gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"}));
  EXPECT_EQ(model_candidates("gemini-2.0-flash-001"), (std::vector<std::string>{"gemini-2.0-flash-001", "gemini-2.0-flash"}));
  EXPECT_EQ(model_candidates("gemini-1.5-pro-latest"), (std::vector<std::string>{"gemini-1.5-pro-latest", "gemini-1.5-pro"}));
  EXPECT_EQ(model_candidates("gemini-exp-1206"), (std::vector<std::string>{"gemini-exp-1206", "gemini"}));
  // Not version suffixes.
  EXPECT_EQ(model_candidates("gemini-2.5-flash-lite"), (std::vector<std::string>{"gemini-2.5-flash-lite"}));
  EXPECT_EQ(model_candidates("gemini-3-pro-preview"), (std::vector<std::string>{"gemini-3-pro-preview"}));
}

TEST(Models, ThinkingSupport) {
  EXPECT_EQ(thinking_support("gemini-2.5-pro").kind, K::Budget);
  EXPECT_EQ(thinking_support("gemini-2.5-pro").min, 128);
  EXPECT_FALSE(thinking_support("gemini-2.5-pro").can_disable);
  EXPECT_EQ(thinking_support("gemini-2.5-flash").max, 24576);
  EXPECT_TRUE(thinking_support("gemini-2.5-flash").can_disable);
  EXPECT_EQ(thinking_support("gemini-2.5-flash-lite").min, 512);
  EXPECT_EQ(thinking_support("gemini-3-pro-preview").kind, K::Level);
  EXPECT_EQ(thinking_support("gemini-2.0-flash").kind, K::None);
  EXPECT_EQ(thinking_support("gemini-1.5-pro").kind, K::None);
  EXPECT_EQ(thinking_support("gemini-7").kind, K::Unknown);
}
