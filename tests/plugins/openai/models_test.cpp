#include "openai/models.hpp"

#include <gtest/gtest.h>

using aicore::openai::is_openai_model;
using aicore::openai::is_reasoning_model;
using aicore::openai::model_candidates;
using Names = std::vector<std::string>;

TEST(Models, DetectsTheOpenAIFamily) {
  for (const char* m : {"gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "gpt-5", "gpt-35-turbo", "chatgpt-4o-latest", "o1",
                        "o1-mini", "o3", "o3-mini", "o4-mini", "text-embedding-3-small", "text-embedding-ada-002",
                        "openai/gpt-4o", "azure/o3-mini", "Azure/GPT-4o", "GPT-4O", "gpt-o3-mini"})
    EXPECT_TRUE(is_openai_model(m)) << m;
}

TEST(Models, LeavesOtherFamiliesAlone) {
  for (const char* m : {"", "claude-sonnet-4-5", "anthropic--claude-4.5-sonnet", "gemini-2.5-pro", "mistral-large",
                        "text-bison", "4.5-sonnet", "openai/", "azure/claude-3", "xgpt-4o", "o2", "gpt4o",
                        "meta--llama3-70b-instruct"})
    EXPECT_FALSE(is_openai_model(m)) << m;
}

TEST(Models, ReasoningModels) {
  for (const char* m : {"o1", "o1-mini", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano",
                        "openai/o3", "azure/gpt-5", "O3-MINI", "gpt-o3-mini", "o3-2025-04-16"})
    EXPECT_TRUE(is_reasoning_model(m)) << m;
  for (const char* m : {"gpt-4o", "gpt-4.1", "gpt-4o-mini", "chatgpt-4o-latest", "gpt-35-turbo",
                        "text-embedding-3-small", "my-alias", ""})
    EXPECT_FALSE(is_reasoning_model(m)) << m;
}

TEST(Models, CandidatesStripPrefixAndDate) {
  EXPECT_EQ(model_candidates("gpt-4o-2024-08-06"), (Names{"gpt-4o-2024-08-06", "gpt-4o"}));
  EXPECT_EQ(model_candidates("openai/gpt-4o"), (Names{"openai/gpt-4o", "gpt-4o"}));
  EXPECT_EQ(model_candidates("azure/gpt-4o-2024-08-06"), (Names{"azure/gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o"}));
  EXPECT_EQ(model_candidates("o3-2025-04-16"), (Names{"o3-2025-04-16", "o3"}));
  EXPECT_EQ(model_candidates("gpt-4-0613"), (Names{"gpt-4-0613", "gpt-4"}));
  EXPECT_EQ(model_candidates("gpt-4o"), (Names{"gpt-4o"}));
}

TEST(Models, CandidatesAddLowerCaseAndAzureSpelling) {
  EXPECT_EQ(model_candidates("Azure/GPT-4o-2024-05-13"),
            (Names{"Azure/GPT-4o-2024-05-13", "GPT-4o-2024-05-13", "GPT-4o", "azure/gpt-4o-2024-05-13",
                   "gpt-4o-2024-05-13", "gpt-4o"}));
  EXPECT_EQ(model_candidates("gpt-3.5-turbo-0125"),
            (Names{"gpt-3.5-turbo-0125", "gpt-3.5-turbo", "gpt-35-turbo-0125", "gpt-35-turbo"}));
  EXPECT_EQ(model_candidates("gpt-35-turbo"), (Names{"gpt-35-turbo", "gpt-3.5-turbo"}));
}

TEST(Models, CandidatesKeepNamesThatOnlyLookDated) {
  // Not a snapshot suffix: too short, or not digits.
  EXPECT_EQ(model_candidates("gpt-4.1-mini"), (Names{"gpt-4.1-mini"}));
  EXPECT_EQ(model_candidates("text-embedding-3-large"), (Names{"text-embedding-3-large"}));
  EXPECT_EQ(model_candidates("o4-mini-2025-4-16"), (Names{"o4-mini-2025-4-16"}));
  EXPECT_TRUE(model_candidates("").empty());
}
