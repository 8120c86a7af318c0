// POST {deployment}/invoke and /invoke-with-response-stream on aws-bedrock deployments: Anthropic
// Messages bodies in, Anthropic messages out; the stream is plain SSE, `data: {event}` per event
// with no `event:` lines (reference §3.1, mode A), ending with message_stop carrying
// amazon-bedrock-invocationMetrics.
#include "bedrock.hpp"
#include "bedrock_invoke_request.hpp"
#include "exchange.hpp"
#include "ids.hpp"
#include "sse_writer.hpp"
#include "text.hpp"

#include <chrono>

namespace aicore::emulator {

namespace {

Json usageJson(const TokenTally::Usage& u, int64_t output) {
  return {{"input_tokens", u.input},
          {"cache_creation_input_tokens", u.cacheCreation},
          {"cache_read_input_tokens", u.cacheRead},
          {"output_tokens", output}};
}

Json stopSequence(const ClaudeReply& r) { return r.stopSequence ? Json(*r.stopSequence) : Json(nullptr); }

Json contentJson(const ClaudeReply& r) {
  Json content = Json::array();
  if (!r.thinking.empty())
    content.push_back({{"type", "thinking"}, {"thinking", r.thinking}, {"signature", r.signature}});
  if (r.reply.isToolCall)
    content.push_back({{"type", "tool_use"},
                       {"id", r.toolUseId},
                       {"name", r.reply.toolName},
                       {"input", Json::parse(r.reply.toolArguments)}});
  else
    content.push_back({{"type", "text"}, {"text", r.reply.text}});
  return content;
}

std::string messageId() { return "msg_bdrk_01" + randomAlnum(22); }

void streamReply(SseWriter& out, const ClaudeModelInfo& model, const ClaudeTurn& turn, const ClaudeReply& r,
                 std::chrono::steady_clock::time_point started) {
  auto ev = [&](const Json& j) { return out.data(dump(j)); };
  Json message = {{"id", messageId()},
                  {"type", "message"},
                  {"role", "assistant"},
                  {"model", model.dated},
                  {"content", Json::array()},
                  {"stop_reason", nullptr},
                  {"stop_sequence", nullptr},
                  {"usage", usageJson(turn.usage, 1)}};
  if (!ev({{"type", "message_start"}, {"message", message}})) return;
  const auto firstByte = std::chrono::steady_clock::now();
  int index = 0;
  bool pinged = false;
  auto blockStart = [&](const Json& block) {
    if (!ev({{"type", "content_block_start"}, {"index", index}, {"content_block", block}})) return false;
    if (!pinged) {
      pinged = true;
      return ev({{"type", "ping"}});
    }
    return true;
  };
  auto delta = [&](const Json& d) { return ev({{"type", "content_block_delta"}, {"index", index}, {"delta", d}}); };
  auto blockStop = [&] { return ev({{"type", "content_block_stop"}, {"index", index++}}); };

  if (!r.thinking.empty()) {
    if (!blockStart({{"type", "thinking"}, {"thinking", ""}})) return;
    for (std::string_view w : splitWords(r.thinking))
      if (!delta({{"type", "thinking_delta"}, {"thinking", w}})) return;
    if (!delta({{"type", "signature_delta"}, {"signature", r.signature}})) return;
    if (!blockStop()) return;
  }
  if (r.reply.isToolCall) {
    if (!blockStart({{"type", "tool_use"}, {"id", r.toolUseId}, {"name", r.reply.toolName}, {"input", Json::object()}}))
      return;
    if (!delta({{"type", "input_json_delta"}, {"partial_json", ""}})) return;
    for (std::string_view piece : splitBytes(r.reply.toolArguments, 8))
      if (!delta({{"type", "input_json_delta"}, {"partial_json", piece}})) return;
  } else {
    if (!blockStart({{"type", "text"}, {"text", ""}})) return;
    for (std::string_view w : splitWords(r.reply.text))
      if (!delta({{"type", "text_delta"}, {"text", w}})) return;
  }
  if (!blockStop()) return;
  if (!ev({{"type", "message_delta"},
           {"delta", {{"stop_reason", r.stopReason}, {"stop_sequence", stopSequence(r)}}},
           {"usage", {{"output_tokens", r.outputTokens}}}}))
    return;
  const auto now = std::chrono::steady_clock::now();
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  Json metrics = {{"inputTokenCount", turn.usage.input},
                  {"outputTokenCount", r.outputTokens},
                  {"invocationLatency", ms(now - started)},
                  {"firstByteLatency", ms(firstByte - started)}};
  if (!ev({{"type", "message_stop"}, {"amazon-bedrock-invocationMetrics", metrics}})) return;
  out.finish();
}

void handle(InferenceCall& call, bool stream) {
  Exchange& ex = call.ex;
  const auto started = std::chrono::steady_clock::now();
  try {
    ClaudeTurn turn = parseInvokeRequest(ex.body(), call.deployment);
    ClaudeModelInfo model = claudeModelInfo(call.deployment);
    ClaudeReply r = makeClaudeReply(turn, "toolu_bdrk_");
    if (stream) {
      SseWriter out(ex, "text/event-stream");
      streamReply(out, model, turn, r, started);
      return;
    }
    Json body = {{"id", messageId()},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", model.dated},
                 {"content", contentJson(r)},
                 {"stop_reason", r.stopReason},
                 {"stop_sequence", stopSequence(r)},
                 {"usage", usageJson(turn.usage, r.outputTokens)}};
    ex.sendJson(200, body);
  } catch (const BedrockError& e) {
    sendBedrockError(ex, e);
  }
}

}  // namespace

void handleBedrockInvoke(InferenceCall& call) { handle(call, false); }
void handleBedrockInvokeStream(InferenceCall& call) { handle(call, true); }

}  // namespace aicore::emulator
