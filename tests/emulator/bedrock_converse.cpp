// POST {deployment}/converse and /converse-stream on aws-bedrock deployments (AWS Converse API).
// The stream is SSE with one Converse event per `data:` line, printed as a Python dict literal the
// way SAP does (reference §3.1), or as JSON when the deployment sets "converse_stream_format":"json".
#include "bedrock.hpp"
#include "config.hpp"
#include "exchange.hpp"
#include "python_repr.hpp"
#include "sse_writer.hpp"
#include "text.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace aicore::emulator {

namespace {

std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

void only(const Json& obj, const std::string& path, std::initializer_list<std::string_view> keys) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) bedrockExtra(path.empty() ? it.key() : path + "." + it.key());
}

const Json& need(const Json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    bedrockFail("Required field " + (path.empty() ? std::string(key) : path + "." + key) + " is missing");
  return *it;
}

const Json* opt(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const std::string& str(const Json& v, const std::string& path) {
  if (!v.is_string()) bedrockFail(path + ": expected a string");
  return v.get_ref<const std::string&>();
}

void object(const Json& v, const std::string& path) {
  if (!v.is_object()) bedrockFail(path + ": expected an object");
}

void array(const Json& v, const std::string& path) {
  if (!v.is_array()) bedrockFail(path + ": expected a list");
}

// Exactly one member: the union Converse uses for content blocks, tool specs and choices.
const std::string& unionKey(const Json& v, const std::string& path) {
  object(v, path);
  if (v.size() != 1) bedrockFail(path + ": exactly one member must be set");
  return v.begin().key();
}

struct Facts {
  std::vector<std::string> texts;
  bool image = false;
  std::vector<std::string> toolUseIds, toolResultIds;
  std::string toolResultText;
  bool hasToolBlocks = false;
};

void image(const Json& v, const std::string& p) {
  object(v, p);
  only(v, p, {"format", "source"});
  const std::string& f = str(need(v, "format", p), p + ".format");
  if (f != "png" && f != "jpeg" && f != "gif" && f != "webp") bedrockFail(p + ".format: must be png, jpeg, gif or webp");
  object(need(v, "source", p), p + ".source");
  str(need(v["source"], "bytes", p + ".source"), p + ".source.bytes");
}

void document(const Json& v, const std::string& p) {
  object(v, p);
  only(v, p, {"format", "name", "source", "context", "citations"});
  str(need(v, "format", p), p + ".format");
  str(need(v, "name", p), p + ".name");
  object(need(v, "source", p), p + ".source");
}

void block(const Json& b, const std::string& p, const std::string& role, TokenTally& tally, Facts& f) {
  const std::string& kind = unionKey(b, p);
  const Json& v = b.begin().value();
  if (kind == "text") {
    const std::string& t = str(v, p + ".text");
    if (t.empty()) bedrockFail(p + ".text: The text field in the ContentBlock object is blank.");
    f.texts.push_back(t);
    tally.add(t);
  } else if (kind == "image") {
    image(v, p + ".image");
    f.image = true;
    tally.addChars(340, "image");
  } else if (kind == "document") {
    document(v, p + ".document");
    tally.addChars(340, "document");
  } else if (kind == "toolUse") {
    if (role != "assistant") bedrockFail(p + ": toolUse blocks may only appear in assistant messages");
    object(v, p + ".toolUse");
    only(v, p + ".toolUse", {"toolUseId", "name", "input"});
    f.toolUseIds.push_back(str(need(v, "toolUseId", p + ".toolUse"), p + ".toolUse.toolUseId"));
    tally.add(str(need(v, "name", p + ".toolUse"), p + ".toolUse.name"));
    tally.add(dump(need(v, "input", p + ".toolUse")));
    f.hasToolBlocks = true;
  } else if (kind == "toolResult") {
    if (role != "user") bedrockFail(p + ": toolResult blocks may only appear in user messages");
    object(v, p + ".toolResult");
    only(v, p + ".toolResult", {"toolUseId", "content", "status"});
    f.toolResultIds.push_back(str(need(v, "toolUseId", p + ".toolResult"), p + ".toolResult.toolUseId"));
    const Json& c = need(v, "content", p + ".toolResult");
    array(c, p + ".toolResult.content");
    for (size_t i = 0; i < c.size(); ++i) {
      const std::string cp = at(p + ".toolResult.content", i);
      const std::string& k = unionKey(c[i], cp);
      if (k == "text") {
        f.toolResultText += (f.toolResultText.empty() ? "" : " ") + str(c[i]["text"], cp + ".text");
        tally.add(c[i]["text"].get<std::string>());
      } else if (k == "json") {
        f.toolResultText += (f.toolResultText.empty() ? "" : " ") + dump(c[i]["json"]);
        tally.add(dump(c[i]["json"]));
      } else if (k == "image") {
        image(c[i]["image"], cp + ".image");
      } else if (k == "document") {
        document(c[i]["document"], cp + ".document");
      } else {
        bedrockFail(cp + ": unknown ToolResultContentBlock member '" + k + "'");
      }
    }
    if (const Json* s = opt(v, "status")) {
      const std::string& st = str(*s, p + ".toolResult.status");
      if (st != "success" && st != "error") bedrockFail(p + ".toolResult.status: must be success or error");
    }
    f.hasToolBlocks = true;
  } else if (kind == "reasoningContent") {
    if (role != "assistant") bedrockFail(p + ": reasoningContent blocks may only appear in assistant messages");
    const std::string rp = p + ".reasoningContent";
    const std::string& rk = unionKey(v, rp);
    if (rk == "reasoningText") {
      const Json& rt = v["reasoningText"];
      object(rt, rp + ".reasoningText");
      only(rt, rp + ".reasoningText", {"text", "signature"});
      const std::string& text = str(need(rt, "text", rp + ".reasoningText"), rp + ".reasoningText.text");
      const Json* sig = opt(rt, "signature");
      if (!sig || !sig->is_string() || sig->get<std::string>() != thinkingSignature(text))
        bedrockFail(rp + ".reasoningText.signature: Invalid signature in reasoning content block");
    } else if (rk != "redactedContent") {
      bedrockFail(rp + ": unknown ReasoningContentBlock member '" + rk + "'");
    }
  } else if (kind == "cachePoint") {
    object(v, p + ".cachePoint");
    only(v, p + ".cachePoint", {"type"});
    if (str(need(v, "type", p + ".cachePoint"), p + ".cachePoint.type") != "default")
      bedrockFail(p + ".cachePoint.type: must be default");
    tally.cachePoint();
  } else {
    bedrockFail(p + ": unknown ContentBlock member '" + kind + "'");
  }
}

ClaudeTurn parseConverse(const std::string& text, const Deployment& dep) {
  Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) bedrockFail("Unable to parse request body: expected a JSON object");
  only(body, "", {"messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig", "additionalModelRequestFields",
                  "additionalModelResponseFieldPaths", "promptVariables", "requestMetadata", "performanceConfig"});
  ClaudeTurn turn;
  Conversation& conv = turn.conv;
  TokenTally tally;
  const ClaudeModelInfo model = claudeModelInfo(dep);

  std::optional<int64_t> maxTokens;
  if (const Json* ic = opt(body, "inferenceConfig")) {
    object(*ic, "inferenceConfig");
    only(*ic, "inferenceConfig", {"maxTokens", "temperature", "topP", "stopSequences"});
    if (const Json* m = opt(*ic, "maxTokens")) {
      if (!m->is_number_integer() || m->get<int64_t>() < 1) bedrockFail("inferenceConfig.maxTokens: must be an integer >= 1");
      maxTokens = m->get<int64_t>();
      conv.maxTokens = maxTokens;
      checkMaxTokens(model, *maxTokens);
    }
    for (const char* k : {"temperature", "topP"})
      if (const Json* v = opt(*ic, k); v && (!v->is_number() || v->get<double>() < 0 || v->get<double>() > 1))
        bedrockFail(std::string("inferenceConfig.") + k + ": must be a number between 0 and 1");
    if (const Json* s = opt(*ic, "stopSequences")) {
      array(*s, "inferenceConfig.stopSequences");
      for (size_t i = 0; i < s->size(); ++i) conv.stop.push_back(str((*s)[i], at("inferenceConfig.stopSequences", i)));
    }
  }

  bool hasToolConfig = false;
  if (const Json* tc = opt(body, "toolConfig")) {
    hasToolConfig = true;
    object(*tc, "toolConfig");
    only(*tc, "toolConfig", {"tools", "toolChoice"});
    const Json& tools = need(*tc, "tools", "toolConfig");
    array(tools, "toolConfig.tools");
    if (tools.empty()) bedrockFail("toolConfig.tools: must contain at least one tool");
    std::set<std::string> names;
    for (size_t i = 0; i < tools.size(); ++i) {
      const std::string p = at("toolConfig.tools", i);
      const std::string& kind = unionKey(tools[i], p);
      if (kind == "cachePoint") {
        tally.cachePoint();
        continue;
      }
      if (kind != "toolSpec") bedrockFail(p + ": unknown Tool member '" + kind + "'");
      const Json& spec = tools[i]["toolSpec"];
      object(spec, p + ".toolSpec");
      only(spec, p + ".toolSpec", {"name", "description", "inputSchema"});
      const std::string& name = str(need(spec, "name", p + ".toolSpec"), p + ".toolSpec.name");
      if (!names.insert(name).second) bedrockFail("toolConfig.tools: tool names must be unique");
      const Json& schema = need(spec, "inputSchema", p + ".toolSpec");
      object(schema, p + ".toolSpec.inputSchema");
      only(schema, p + ".toolSpec.inputSchema", {"json"});
      const Json& json = need(schema, "json", p + ".toolSpec.inputSchema");
      object(json, p + ".toolSpec.inputSchema.json");
      if (const Json* d = opt(spec, "description")) tally.add(str(*d, p + ".toolSpec.description"));
      tally.add(name);
      tally.add(dump(json));
      conv.tools.push_back({name, json});
    }
    if (const Json* choice = opt(*tc, "toolChoice")) {
      const std::string& kind = unionKey(*choice, "toolConfig.toolChoice");
      if (kind == "any") conv.forcedTool = conv.tools.empty() ? "" : conv.tools.front().name;
      else if (kind == "tool") conv.forcedTool = str(need((*choice)["tool"], "name", "toolConfig.toolChoice.tool"), "toolConfig.toolChoice.tool.name");
      else if (kind != "auto") bedrockFail("toolConfig.toolChoice: unknown ToolChoice member '" + kind + "'");
    }
  }

  if (const Json* sys = opt(body, "system")) {
    array(*sys, "system");
    for (size_t i = 0; i < sys->size(); ++i) {
      const std::string p = at("system", i);
      const std::string& kind = unionKey((*sys)[i], p);
      if (kind == "text") tally.add(str((*sys)[i]["text"], p + ".text"));
      else if (kind == "cachePoint") tally.cachePoint();
      else if (kind != "guardContent") bedrockFail(p + ": unknown SystemContentBlock member '" + kind + "'");
    }
  }

  if (const Json* add = opt(body, "additionalModelRequestFields")) {
    object(*add, "additionalModelRequestFields");
    only(*add, "additionalModelRequestFields", {"thinking", "top_k", "anthropic_beta"});
    if (const Json* th = opt(*add, "thinking")) {
      object(*th, "additionalModelRequestFields.thinking");
      const std::string& type = str(need(*th, "type", "thinking"), "thinking.type");
      if (type == "enabled") {
        const Json& b = need(*th, "budget_tokens", "thinking");
        if (!b.is_number_integer() || b.get<int64_t>() < 1024)
          bedrockFail("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
        if (maxTokens && b.get<int64_t>() >= *maxTokens)
          bedrockFail("`max_tokens` must be greater than `thinking.budget_tokens`.");
        turn.thinking = true;
      } else if (type != "disabled") {
        bedrockFail("thinking.type: Input tag '" + type + "' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'");
      }
    }
    if (const Json* betas = opt(*add, "anthropic_beta")) {
      array(*betas, "anthropic_beta");
      for (const Json& b : *betas)
        if (!b.is_string() || !bedrockKnowsBeta(b.get<std::string>())) bedrockFail("invalid beta flag");
    }
  }
  if (turn.thinking && !conv.forcedTool.empty()) bedrockFail("Thinking may not be enabled when tool_choice forces tool use.");

  const Json& msgs = need(body, "messages", "");
  array(msgs, "messages");
  if (msgs.empty()) bedrockFail("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  std::vector<Facts> facts(msgs.size());
  std::string prev;
  for (size_t i = 0; i < msgs.size(); ++i) {
    const std::string p = at("messages", i);
    object(msgs[i], p);
    only(msgs[i], p, {"role", "content"});
    const std::string& role = str(need(msgs[i], "role", p), p + ".role");
    if (role != "user" && role != "assistant") bedrockFail(p + ".role: must be user or assistant");
    if (i == 0 && role != "user")
      bedrockFail("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
    if (role == prev)
      bedrockFail("A conversation must alternate between user and assistant roles. Make sure the conversation alternates "
                  "between user and assistant roles and try again.");
    prev = role;
    tally.message();
    const Json& content = need(msgs[i], "content", p);
    array(content, p + ".content");
    for (size_t j = 0; j < content.size(); ++j) block(content[j], at(p + ".content", j), role, tally, facts[i]);
    if (facts[i].hasToolBlocks && !hasToolConfig)
      bedrockFail("The toolConfig field must be defined when using toolUse and toolResult content blocks.");
  }
  for (size_t i = 0; i + 1 < msgs.size(); ++i) {
    for (const auto& id : facts[i].toolUseIds)
      if (std::find(facts[i + 1].toolResultIds.begin(), facts[i + 1].toolResultIds.end(), id) == facts[i + 1].toolResultIds.end())
        bedrockFail("Expected toolResult blocks at messages." + std::to_string(i + 1) + ".content for the following Ids: " + id);
  }
  for (size_t i = 0; i < msgs.size(); ++i)
    for (const auto& id : facts[i].toolResultIds) {
      const auto& prevIds = i > 0 ? facts[i - 1].toolUseIds : std::vector<std::string>{};
      if (std::find(prevIds.begin(), prevIds.end(), id) == prevIds.end())
        bedrockFail("messages." + std::to_string(i) + ".content: toolResult block with toolUseId " + id +
                    " has no matching toolUse block in the previous message");
    }

  for (size_t i = msgs.size(); i-- > 0;) {
    if (msgs[i]["role"] != "user") continue;
    conv.lastUserTexts = facts[i].texts;
    conv.lastUserHasImage = facts[i].image;
    break;
  }
  if (msgs.back()["role"] == "user") {
    conv.last = facts.back().toolResultIds.empty() ? Conversation::Last::User : Conversation::Last::ToolResult;
    conv.toolResultText = facts.back().toolResultText;
  }
  conv.fingerprint = dump(msgs);
  checkClaudeContextWindow(dep, tally);
  turn.usage = tally.finish(dep.id);
  return turn;
}

Json usageJson(const ClaudeTurn& turn, const ClaudeReply& r) {
  const auto& u = turn.usage;
  return {{"inputTokens", u.input},
          {"outputTokens", r.outputTokens},
          {"totalTokens", u.input + u.cacheRead + u.cacheCreation + r.outputTokens},
          {"cacheReadInputTokens", u.cacheRead},
          {"cacheWriteInputTokens", u.cacheCreation}};
}

int64_t msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count();
}

void streamReply(Exchange& ex, const Deployment& dep, const ClaudeTurn& turn, const ClaudeReply& r,
                 std::chrono::steady_clock::time_point started) {
  const bool json = dep.raw.value("converse_stream_format", std::string("python")) == "json";
  SseWriter out(ex, "text/event-stream");
  auto ev = [&](const Json& j) { return out.data(json ? dump(j) : pythonRepr(j)); };
  if (!ev({{"messageStart", {{"role", "assistant"}}}})) return;
  int index = 0;
  auto delta = [&](const Json& d) { return ev({{"contentBlockDelta", {{"delta", d}, {"contentBlockIndex", index}}}}); };
  auto stop = [&] { return ev({{"contentBlockStop", {{"contentBlockIndex", index++}}}}); };
  if (!r.thinking.empty()) {
    for (std::string_view w : splitWords(r.thinking))
      if (!delta({{"reasoningContent", {{"text", w}}}})) return;
    if (!delta({{"reasoningContent", {{"signature", r.signature}}}})) return;
    if (!stop()) return;
  }
  if (r.reply.isToolCall) {
    if (!ev({{"contentBlockStart",
              {{"start", {{"toolUse", {{"toolUseId", r.toolUseId}, {"name", r.reply.toolName}}}}}, {"contentBlockIndex", index}}}}))
      return;
    for (std::string_view piece : splitBytes(r.reply.toolArguments, 8))
      if (!delta({{"toolUse", {{"input", piece}}}})) return;
  } else {
    for (std::string_view w : splitWords(r.reply.text))
      if (!delta({{"text", w}})) return;
  }
  if (!stop()) return;
  if (!ev({{"messageStop", {{"stopReason", r.stopReason}}}})) return;
  if (!ev({{"metadata", {{"usage", usageJson(turn, r)}, {"metrics", {{"latencyMs", msSince(started)}}}}}})) return;
  out.finish();
}

void handle(InferenceCall& call, bool stream) {
  Exchange& ex = call.ex;
  const auto started = std::chrono::steady_clock::now();
  try {
    ClaudeTurn turn = parseConverse(ex.body(), call.deployment);
    ClaudeReply r = makeClaudeReply(turn, "tooluse_");
    if (stream) return streamReply(ex, call.deployment, turn, r, started);
    Json content = Json::array();
    if (!r.thinking.empty())
      content.push_back({{"reasoningContent", {{"reasoningText", {{"text", r.thinking}, {"signature", r.signature}}}}}});
    if (r.reply.isToolCall)
      content.push_back({{"toolUse",
                          {{"toolUseId", r.toolUseId}, {"name", r.reply.toolName}, {"input", Json::parse(r.reply.toolArguments)}}}});
    else
      content.push_back({{"text", r.reply.text}});
    Json body = {{"output", {{"message", {{"role", "assistant"}, {"content", content}}}}},
                 {"stopReason", r.stopReason},
                 {"usage", usageJson(turn, r)},
                 {"metrics", {{"latencyMs", msSince(started)}}}};
    ex.sendJson(200, body);
  } catch (const BedrockError& e) {
    sendBedrockError(ex, e);
  }
}

}  // namespace

void handleBedrockConverse(InferenceCall& call) { handle(call, false); }
void handleBedrockConverseStream(InferenceCall& call) { handle(call, true); }

}  // namespace aicore::emulator
