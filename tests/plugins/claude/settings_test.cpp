#include "test_support.hpp"

#include "claude/settings.hpp"

using namespace aicore::claude;

TEST(Settings, DefaultsWhenEmpty) {
  for (const char* s : {"", "{}", "  "}) {
    Settings st = Settings::parse(s);
    EXPECT_EQ(st.api, Api::Invoke);
    EXPECT_EQ(st.default_max_tokens, 8192);
    EXPECT_EQ(st.budgets.low, 2048);
    EXPECT_EQ(st.budgets.medium, 8192);
    EXPECT_EQ(st.budgets.high, 16384);
  }
}

TEST(Settings, ApiPerModelByCandidateAndPrefix) {
  Settings s = Settings::parse(
      R"({"api":"invoke","apis":{"anthropic--claude-3.7":"converse","anthropic--claude-3.7-sonnet-b":"invoke"},
                                   "thinking_budgets":{"low":1024,"high":30000},"default_max_tokens":4096,"extra_betas":["x-2030-01-01"]})");
  EXPECT_EQ(s.api_for("anthropic--claude-3.7-sonnet"), Api::Converse);
  EXPECT_EQ(s.api_for("claude-3-7-sonnet-20250219"), Api::Converse);    // through its candidates
  EXPECT_EQ(s.api_for("anthropic--claude-3.7-sonnet-b"), Api::Invoke);  // the longest key wins
  EXPECT_EQ(s.api_for("anthropic--claude-4.5-sonnet"), Api::Invoke);
  EXPECT_EQ(s.budgets.low, 1024);
  EXPECT_EQ(s.budgets.medium, 8192);
  EXPECT_EQ(s.budgets.high, 30000);
  EXPECT_EQ(s.default_max_tokens, 4096);
  EXPECT_EQ(s.extra_betas, std::vector<std::string>{"x-2030-01-01"});
  EXPECT_EQ(Settings::parse(R"({"api":"converse"})").api_for("anything"), Api::Converse);
}

TEST(Settings, RejectsMistakesNamingTheField) {
  struct Bad {
    const char* json;
    const char* message;
  };
  for (const Bad& b :
       {Bad{"[]", "settings: must be a JSON object"}, Bad{"{", "settings: invalid JSON"},
        Bad{R"({"api":"rest"})", "api: must be \"invoke\" or \"converse\""},
        Bad{R"({"apis":{"x":"grpc"}})", "apis.x: must be \"invoke\" or \"converse\""},
        Bad{R"({"apis":[]})", "apis: must be an object of model key -> \"invoke\" | \"converse\""},
        Bad{R"({"thinking_budgets":{"low":10}})", "thinking_budgets.low: must be an integer >= 1024"},
        Bad{R"({"thinking_budgets":{"ultra":5000}})",
            "thinking_budgets.ultra: unknown effort (known: low, medium, high)"},
        Bad{R"({"default_max_tokens":0})", "default_max_tokens: must be an integer >= 1"},
        Bad{R"({"extra_betas":"x"})", "extra_betas: must be an array of strings"},
        Bad{R"({"apii":{}})",
            "apii: unknown setting (known: api, apis, default_max_tokens, thinking_budgets, extra_betas)"}}) {
    try {
      Settings::parse(b.json);
      ADD_FAILURE() << "accepted " << b.json;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_CONFIG);
      EXPECT_EQ(e.message, b.message);
    }
  }
}
