#include "test_support.hpp"

#include "gemini/settings.hpp"

using namespace gemini_test;
using aicore::gemini::Settings;

TEST(Settings, DefaultsAndEmpty) {
  for (const char* text : {"", "  ", "{}"}) {
    Settings s = Settings::parse(text);
    EXPECT_TRUE(s.model_names.empty());
    EXPECT_TRUE(s.safety_settings.is_null());
    EXPECT_EQ(s.budgets.low, 1024);
    EXPECT_EQ(s.budgets.medium, 8192);
    EXPECT_EQ(s.budgets.high, 24576);
  }
}

TEST(Settings, AllFields) {
  Settings s = Settings::parse(R"({"model_names":{"eu-gemini":"gemini-2.5-pro","emb":"gemini-embedding-001"},
    "safety_settings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],
    "thinking_budgets":{"low":512,"medium":-1,"high":30000}})");
  EXPECT_EQ(s.upstream_model("eu-gemini"), "gemini-2.5-pro");
  EXPECT_EQ(s.upstream_model("emb"), "gemini-embedding-001");
  EXPECT_EQ(s.upstream_model("gemini-2.5-flash"), "gemini-2.5-flash");
  EXPECT_EQ(s.upstream_model("vertex_ai/Gemini-2.5-Flash"), "gemini-2.5-flash");
  EXPECT_EQ(s.safety_settings.size(), 1u);
  EXPECT_EQ(s.budgets.low, 512);
  EXPECT_EQ(s.budgets.medium, -1);
  EXPECT_EQ(s.budgets.high, 30000);
}

TEST(Settings, Rejected) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[1]", "settings: must be a JSON object"},
      {"{", "settings: invalid JSON"},
      {R"({"model_name":{}})", "model_name: unknown setting (known: model_names, safety_settings, thinking_budgets)"},
      {R"({"model_names":[]})", "model_names: must be an object of model key -> Gemini model name"},
      {R"({"model_names":{"a":"gemini 2"}})",
       "model_names.a: must be a model name of letters, digits, '-', '.', '_' or '@'"},
      {R"({"model_names":{"a":"../x"}})",
       "model_names.a: must be a model name of letters, digits, '-', '.', '_' or '@'"},
      {R"({"model_names":{"":"x"}})", "model_names: model key must not be empty"},
      {R"({"safety_settings":{}})", "safety_settings: must be an array of {category, threshold} objects"},
      {R"({"safety_settings":[{"category":"X"}]})",
       "safety_settings[0]: must be an object with category and threshold"},
      {R"({"thinking_budgets":{"huge":1}})", "thinking_budgets.huge: unknown effort (known: low, medium, high)"},
      {R"({"thinking_budgets":{"low":-5}})", "thinking_budgets.low: must be an integer >= -1"},
  };
  for (const auto& [text, expected] : cases) {
    auto e = expect_plugin_error([&] { Settings::parse(text); });
    EXPECT_EQ(e.status, ACP_ERR_CONFIG) << text;
    EXPECT_EQ(e.message, expected) << text;
  }
}
