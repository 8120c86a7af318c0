// Affinity (bounded LRU with TTL) and the conversation key derived from request bodies.
#include <gtest/gtest.h>

#include <aicore/abi.h>

#include <string>

#include "routing/Affinity.hpp"
#include "routing/ConversationKey.hpp"

using namespace aicore::host;
using namespace std::chrono;

namespace {

struct FakeClock {
  Affinity::Clock::time_point t{};
  Affinity::Now now() {
    return [this] { return t; };
  }
};

uint64_t anthropic(const std::string& body, std::string_view session = {}) {
  return conversation_key(ACP_DIALECT_ANTHROPIC_MESSAGES, "anthropic--claude-4.5-sonnet", body, SessionHints{session});
}
uint64_t openai(const std::string& body, std::string_view session = {}) {
  return conversation_key(ACP_DIALECT_OPENAI_CHAT, "gpt-5", body, SessionHints{session});
}

}  // namespace

TEST(Affinity, RemembersTheLastDeploymentOfAConversation) {
  FakeClock c;
  Affinity a(10, seconds(300), c.now());
  EXPECT_FALSE(a.find(7));
  a.remember(7, "https://a/d1");
  EXPECT_EQ(a.find(7), "https://a/d1");
  a.remember(7, "https://b/d2");  // it failed over: the next turn follows it
  EXPECT_EQ(a.find(7), "https://b/d2");
  EXPECT_EQ(a.size(), 1u);
}

TEST(Affinity, ForgetsAfterTheTtlSinceTheLastTurn) {
  FakeClock c;
  Affinity a(10, seconds(300), c.now());
  a.remember(1, "u");
  c.t += seconds(299);
  EXPECT_EQ(a.find(1), "u");
  a.remember(1, "u");  // a new turn restarts the TTL
  c.t += seconds(299);
  EXPECT_EQ(a.find(1), "u");
  c.t += seconds(2);
  EXPECT_FALSE(a.find(1));
  EXPECT_EQ(a.size(), 0u);
}

TEST(Affinity, BoundedLeastRecentlyUsedGoesFirst) {
  FakeClock c;
  Affinity a(3, seconds(300), c.now());
  a.remember(1, "a");
  a.remember(2, "b");
  a.remember(3, "c");
  a.remember(1, "a");  // 1 is now the most recent
  a.remember(4, "d");  // 2 goes
  EXPECT_EQ(a.size(), 3u);
  EXPECT_FALSE(a.find(2));
  EXPECT_EQ(a.find(1), "a");
  EXPECT_EQ(a.find(3), "c");
  EXPECT_EQ(a.find(4), "d");
  a.configure(1, seconds(300));  // a reload shrinks it
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(a.find(4), "d");
}

TEST(ConversationKey, AnthropicTurnsOfOneConversationShareAKey) {
  // Claude Code's shape: the breakpoint moves to the newest user message every turn, and the
  // billing header block changes per request.
  const std::string tools = R"("tools":[{"name":"Read","input_schema":{"type":"object"}}])";
  const std::string turn1 =
      R"({"model":"m","max_tokens":10,)" + tools +
      R"(,"system":[{"type":"text","text":"x-anthropic-billing-header: cch=1;"},{"type":"text","text":"You are Claude Code."}],)"
      R"("messages":[{"role":"user","content":[{"type":"text","text":"fix the bug","cache_control":{"type":"ephemeral"}}]}]})";
  const std::string turn2 =
      R"({"model":"m","max_tokens":10,)" + tools +
      R"(,"system":[{"type":"text","text":"x-anthropic-billing-header: cch=2;"},{"type":"text","text":"You are Claude Code."}],)"
      R"("messages":[{"role":"user","content":[{"type":"text","text":"fix the bug"}]},)"
      R"({"role":"assistant","content":"ok"},)"
      R"({"role":"user","content":[{"type":"text","text":"go on","cache_control":{"type":"ephemeral"}}]}]})";
  const std::string other =
      R"({"model":"m","max_tokens":10,)" + tools +
      R"(,"system":[{"type":"text","text":"You are Claude Code."}],)"
      R"("messages":[{"role":"user","content":"write a poem"}]})";
  EXPECT_NE(anthropic(turn1), 0u);
  EXPECT_EQ(anthropic(turn1), anthropic(turn2));
  EXPECT_NE(anthropic(turn1), anthropic(other));
  EXPECT_NE(anthropic(turn1, "session-a"), anthropic(turn1, "session-b"));
  EXPECT_NE(anthropic(turn1), conversation_key(ACP_DIALECT_ANTHROPIC_MESSAGES, "other-model", turn1, {}));
}

TEST(ConversationKey, AnthropicBreakpointInSystemKeysOnThePrefixOnly) {
  // Two conversations with the same cached system prompt share its cache: same deployment.
  const std::string sys = R"("system":[{"type":"text","text":"long","cache_control":{"type":"ephemeral"}}])";
  EXPECT_EQ(anthropic(R"({"model":"m",)" + sys + R"(,"messages":[{"role":"user","content":"first"}]})"),
            anthropic(R"({"model":"m",)" + sys + R"(,"messages":[{"role":"user","content":"second"}]})"));
}

TEST(ConversationKey, AnthropicUserIdSeparatesSessions) {
  const std::string a = R"({"model":"m","metadata":{"user_id":"user_1_session_a"},"messages":[{"role":"user","content":"hi"}]})";
  const std::string b = R"({"model":"m","metadata":{"user_id":"user_1_session_b"},"messages":[{"role":"user","content":"hi"}]})";
  EXPECT_NE(anthropic(a), anthropic(b));
  EXPECT_EQ(anthropic(a), anthropic(a));
}

TEST(ConversationKey, OpenAiKeysOnMessagesUpToTheFirstUserMessage) {
  const std::string t1 = R"({"model":"gpt-5","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]})";
  const std::string t2 =
      R"({"model":"gpt-5","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"},)"
      R"({"role":"assistant","content":"hello"},{"role":"user","content":"more"}]})";
  const std::string other = R"({"model":"gpt-5","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"bye"}]})";
  EXPECT_NE(openai(t1), 0u);
  EXPECT_EQ(openai(t1), openai(t2));
  EXPECT_NE(openai(t1), openai(other));
  EXPECT_NE(openai(R"({"model":"gpt-5","prompt_cache_key":"k1","messages":[{"role":"user","content":"hi"}]})"),
            openai(R"({"model":"gpt-5","prompt_cache_key":"k2","messages":[{"role":"user","content":"hi"}]})"));
}

TEST(ConversationKey, NothingToKeyOn) {
  EXPECT_EQ(openai(R"({"model":"gpt-5"})"), 0u);
  EXPECT_EQ(openai(R"({"model":"gpt-5","messages":[]})"), 0u);
  EXPECT_EQ(openai(R"({"model":"gpt-5","messages":[{"role":"system","content":"x"}]})"), 0u);  // no user message
  EXPECT_EQ(openai("not json"), 0u);
  EXPECT_EQ(openai(R"({"model":"gpt-5","messages":[{"role":"user","content":"x"}]} trailing)"), 0u);
  EXPECT_EQ(conversation_key(ACP_DIALECT_OPENAI_EMBEDDINGS, "e", R"({"input":"x"})", {}), 0u);
  EXPECT_EQ(anthropic(R"({"model":"m","messages":"oops"})"), 0u);
  EXPECT_EQ(anthropic(R"({"model":"m","messages":[]})"), 0u);
}

TEST(ConversationKey, HostileShapesNeverThrow) {
  // Strings with brackets and escapes inside the messages do not confuse the element split.
  const std::string tricky =
      R"({"model":"m","messages":[{"role":"user","content":"a \"],[{\" b ] } {"},{"role":"assistant","content":"x"}]})";
  const std::string same_first = R"({"model":"m","messages":[{"role":"user","content":"a \"],[{\" b ] } {"}]})";
  EXPECT_NE(anthropic(tricky), 0u);
  EXPECT_EQ(anthropic(tricky), anthropic(same_first));
  std::string deep = R"({"model":"m","messages":[)";
  for (int i = 0; i < 200; ++i) deep += "[";
  for (int i = 0; i < 200; ++i) deep += "]";
  deep += "]}";
  EXPECT_EQ(anthropic(deep), 0u);  // deeper than the scan goes: round-robin
  EXPECT_NO_THROW(anthropic(R"({"model":"m","system":[1,null,{"text":5}],"metadata":{"user_id":3},"messages":[7]})"));
}
