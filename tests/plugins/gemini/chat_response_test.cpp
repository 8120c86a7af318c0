#include "test_support.hpp"

#include "gemini/call_ids.hpp"
#include "gemini/chat_response.hpp"

#include <set>

using namespace gemini_test;
using aicore::gemini::convert_chat_response;
using aicore::gemini::make_call_id;
using aicore::gemini::openai_finish_reason;
using aicore::gemini::ResponseContext;
using aicore::gemini::signature_from_call_id;

namespace {

ResponseContext ctx() {
  ResponseContext c;
  c.client_model = "gemini-2.5-pro";
  c.seed = "00112233aabbccdd";
  return c;
}

Json convert(const std::string& body) {
  LogCapture clock;  // pins unix_time() to 1700000000
  return Json::parse(convert_chat_response(body, ctx()));
}

}  // namespace

TEST(ChatResponse, TextWithThoughtsAndUsageGolden) {
  expect_golden_json(convert(fixture("gemini_text.response.json")), "gemini_text.openai.json");
}

TEST(ChatResponse, ToolCallsGolden) {
  Json out = convert(fixture("gemini_tools.response.json"));
  expect_golden_json(out, "gemini_tools.openai.json");
  // The signature rides in the first call's id and comes back out of it unchanged.
  const Json& calls = out["choices"][0]["message"]["tool_calls"];
  EXPECT_EQ(signature_from_call_id(calls[0]["id"].get<std::string>()), "CiQBVKhc7x+/ab==");
  EXPECT_EQ(signature_from_call_id(calls[1]["id"].get<std::string>()), "");
  // Ids are distinct, deterministic, and within Anthropic's [A-Za-z0-9_-].
  std::set<std::string> ids;
  for (const Json& c : calls) {
    const std::string id = c["id"];
    ids.insert(id);
    EXPECT_TRUE(id.starts_with("call_")) << id;
    EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"), std::string::npos) << id;
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(convert(fixture("gemini_tools.response.json")), out);
}

TEST(ChatResponse, SeveralCandidatesGolden) {
  expect_golden_json(convert(fixture("gemini_candidates.response.json")), "gemini_candidates.openai.json");
}

TEST(ChatResponse, FinishReasons) {
  EXPECT_EQ(openai_finish_reason("STOP", false), "stop");
  EXPECT_EQ(openai_finish_reason("STOP", true), "tool_calls");
  EXPECT_EQ(openai_finish_reason("MAX_TOKENS", false), "length");
  EXPECT_EQ(openai_finish_reason("MAX_TOKENS", true), "length");
  for (const char* r : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"})
    EXPECT_EQ(openai_finish_reason(r, false), "content_filter") << r;
  for (const char* r : {"OTHER", "FINISH_REASON_UNSPECIFIED", "LANGUAGE", ""}) EXPECT_EQ(openai_finish_reason(r, false), "stop") << r;
}

TEST(ChatResponse, PromptBlockIsAClearClientError) {
  auto e = expect_plugin_error([] {
    convert(R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT","safetyRatings":[]},"usageMetadata":{"promptTokenCount":5}})");
  });
  EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message,
            "Gemini refused the prompt (blockReason PROHIBITED_CONTENT); rephrase the request or adjust the deployment's "
            "safety settings");
  e = expect_plugin_error([] {
    convert(R"({"candidates":[],"promptFeedback":{"blockReason":"SAFETY","blockReasonMessage":"Contains unsafe words."}})");
  });
  EXPECT_EQ(e.message, "Gemini refused the prompt (blockReason SAFETY): Contains unsafe words.");
}

TEST(ChatResponse, UnusableBodiesAreUpstreamErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "generateContent response: invalid JSON at byte 2"},
      {"[]", "generateContent response: empty array"},
      {"5", "generateContent response: not a JSON object"},
      {R"({"usageMetadata":{}})", "generateContent response: no candidates"},
      {R"({"error":{"code":500,"message":"Internal error","status":"INTERNAL"}})", "Gemini error: Internal error"},
      {R"({"candidates":[{"finishReason":"MALFORMED_FUNCTION_CALL","finishMessage":"bad"}]})",
       "Gemini could not produce a valid function call (finishReason MALFORMED_FUNCTION_CALL)"},
  };
  for (const auto& [body, expected] : cases) {
    auto e = expect_plugin_error([&] { convert(body); });
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << body;
    EXPECT_EQ(e.message, expected) << body;
  }
}

TEST(ChatResponse, AOneElementArrayIsAccepted) {
  // What a deployment that always streams would give for a non-streaming call.
  std::string one = "[" + fixture("gemini_tools.response.json") + "]";
  EXPECT_EQ(convert(one), convert(fixture("gemini_tools.response.json")));
}

TEST(ChatResponse, NoUsageMeansNoUsageKeyAndMissingPieces) {
  Json out = convert(R"({"candidates":[{"content":{"parts":[{"text":"x"}]}}]})");
  EXPECT_FALSE(out.contains("usage"));
  EXPECT_EQ(out["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(out["id"], "chatcmpl-" + aicore::gemini::fingerprint("00112233aabbccdd\nresponse"));
}

TEST(CallIds, DeterministicAndDistinct) {
  auto a = make_call_id("seed", 0, 0, "f", "{}", "");
  EXPECT_EQ(a, make_call_id("seed", 0, 0, "f", "{}", ""));
  EXPECT_EQ(a.size(), 29u);
  EXPECT_NE(a, make_call_id("seed", 0, 1, "f", "{}", ""));
  EXPECT_NE(a, make_call_id("seed", 1, 0, "f", "{}", ""));
  EXPECT_NE(a, make_call_id("other", 0, 0, "f", "{}", ""));
  EXPECT_NE(a, make_call_id("seed", 0, 0, "g", "{}", ""));
  EXPECT_NE(a, make_call_id("seed", 0, 0, "f", "{\"a\":1}", ""));
  // Signatures of every length survive the round trip through base64url.
  for (std::string sig : {"QQ==", "QUI=", "QUJD", "CiQBVKhc7x+/ab==", "++//"}) {
    auto id = make_call_id("seed", 0, 0, "f", "{}", sig);
    EXPECT_EQ(id.substr(0, 29), a);
    EXPECT_EQ(signature_from_call_id(id), sig) << id;
  }
  EXPECT_EQ(signature_from_call_id("call_abc"), "");
  EXPECT_EQ(signature_from_call_id("toolu_01XYZ"), "");
}
