#include "test_support.hpp"

#include "claude/converse.hpp"

using namespace claude_test;
using namespace aicore::claude;

TEST(Converse, RequestGolden) {
  EXPECT_JSON_EQ(anthropic_to_converse_request(fixture_json("converse.bedrock.json")), fixture_json("converse.converse.json"));
}

TEST(Converse, ResponseGolden) {
  EXPECT_JSON_EQ(converse_to_anthropic_response(fixture_json("converse_response.converse.json"), "claude-sonnet-4-5", 42),
                 fixture_json("converse_response.anthropic.json"));
}

TEST(Converse, ToolChoiceNoneAndAuto) {
  Json b = Json::parse(R"({"max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":{"type":"object"}}],"tool_choice":{"type":"none"}})");
  EXPECT_FALSE(anthropic_to_converse_request(b)["toolConfig"].contains("toolChoice"));
  b["tool_choice"] = Json::parse(R"({"type":"auto","disable_parallel_tool_use":true})");
  EXPECT_EQ(anthropic_to_converse_request(b)["toolConfig"]["toolChoice"], Json::parse(R"({"auto":{}})"));
  b["tool_choice"] = Json::parse(R"({"type":"any"})");
  EXPECT_EQ(anthropic_to_converse_request(b)["toolConfig"]["toolChoice"], Json::parse(R"({"any":{}})"));
}

TEST(Converse, WhatConverseCannotCarryIsA400NamingTheField) {
  struct Bad {
    const char* content;
    const char* message;
  };
  for (const Bad& b : {Bad{R"([{"type":"image","source":{"type":"url","url":"https://x/y.png"}}])",
                           "messages.0.content.0.source: Converse accepts base64 images only"},
                       Bad{R"([{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"x"}}])",
                           "messages.0.content.0.source.media_type: Converse does not accept 'image/bmp'"},
                       Bad{R"([{"type":"search_result","source":"s","title":"t","content":[]}])",
                           "messages.0.content.0.type: 'search_result' is not supported on the Converse API"},
                       Bad{R"([{"type":"tool_result","tool_use_id":"x","content":[{"type":"search_result"}]}])",
                           "messages.0.content.0.content.0.type: 'search_result' is not supported in a Converse tool result"}}) {
    Json body = Json::parse(std::string(R"({"max_tokens":5,"messages":[{"role":"user","content":)") + b.content + "}]}");
    try {
      anthropic_to_converse_request(body);
      ADD_FAILURE() << "accepted " << b.content;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
      EXPECT_EQ(e.message, b.message);
    }
  }
}

TEST(Converse, StopReasonsAndMissingUsage) {
  Json r = Json::parse(R"({"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":"content_filtered"})");
  Json a = converse_to_anthropic_response(r, "m", 1);
  EXPECT_EQ(a["stop_reason"], "refusal");
  EXPECT_EQ(a["usage"]["input_tokens"], 0);
  EXPECT_THROW(converse_to_anthropic_response(Json::parse(R"({"stopReason":"end_turn"})"), "m", 1), aicore::PluginError);
}
