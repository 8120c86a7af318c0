#include "bedrock_invoke_request.hpp"

#include "config.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace aicore::emulator {

namespace {

constexpr const char* kThinkingDocs =
    " Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

std::string at(const std::string& path, size_t i) { return path + "." + std::to_string(i); }

void only(const Json& obj, const std::string& path, std::initializer_list<std::string_view> keys) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) bedrockExtra(path.empty() ? it.key() : path + "." + it.key());
}

const Json& need(const Json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) bedrockFail((path.empty() ? std::string(key) : path + "." + key) + ": Field required");
  return *it;
}

const Json* opt(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const std::string& str(const Json& v, const std::string& path) {
  if (!v.is_string()) bedrockFail(path + ": Input should be a valid string");
  return v.get_ref<const std::string&>();
}

void object(const Json& v, const std::string& path) {
  if (!v.is_object()) bedrockFail(path + ": Input should be a valid dictionary");
}

void array(const Json& v, const std::string& path) {
  if (!v.is_array()) bedrockFail(path + ": Input should be a valid list");
}

int64_t integer(const Json& v, const std::string& path, int64_t min) {
  if (!v.is_number_integer()) bedrockFail(path + ": Input should be a valid integer");
  if (v.get<int64_t>() < min) bedrockFail(path + ": Input should be greater than or equal to " + std::to_string(min));
  return v.get<int64_t>();
}

double number(const Json& v, const std::string& path, double min, double max) {
  if (!v.is_number()) bedrockFail(path + ": Input should be a valid number");
  double d = v.get<double>();
  if (d < min || d > max) bedrockFail(path + ": Input should be between " + dump(Json(min)) + " and " + dump(Json(max)));
  return d;
}

void cacheControl(const Json& b, const std::string& path, TokenTally& tally) {
  const Json* cc = opt(b, "cache_control");
  if (!cc) return;
  const std::string p = path + ".cache_control";
  object(*cc, p);
  only(*cc, p, {"type", "ttl"});
  if (str(need(*cc, "type", p), p + ".type") != "ephemeral")
    bedrockFail(p + ".type: Input should be 'ephemeral'");
  if (const Json* ttl = opt(*cc, "ttl")) {
    const std::string& t = str(*ttl, p + ".ttl");
    if (t != "5m" && t != "1h") bedrockFail(p + ".ttl: Input should be '5m' or '1h'");
  }
  tally.cachePoint();
}

void source(const Json& b, const std::string& path, bool document) {
  const std::string p = path + ".source";
  const Json& s = need(b, "source", path);
  object(s, p);
  const std::string& type = str(need(s, "type", p), p + ".type");
  if (type == "base64") {
    only(s, p, {"type", "media_type", "data"});
    const std::string& mt = str(need(s, "media_type", p), p + ".media_type");
    str(need(s, "data", p), p + ".data");
    static const std::set<std::string> kImages = {"image/jpeg", "image/png", "image/gif", "image/webp"};
    if (!document && !kImages.count(mt))
      bedrockFail(p + ".media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
    if (document && mt != "application/pdf") bedrockFail(p + ".media_type: Input should be 'application/pdf'");
  } else if (type == "url") {
    only(s, p, {"type", "url"});
    str(need(s, "url", p), p + ".url");
  } else if (document && type == "text") {
    only(s, p, {"type", "media_type", "data"});
    str(need(s, "data", p), p + ".data");
  } else if (document && type == "content") {
    only(s, p, {"type", "content"});
  } else {
    bedrockFail(p + ".type: Input tag '" + type + "' found using 'type' does not match any of the expected tags");
  }
}

struct MessageFacts {
  std::vector<std::string> texts;
  bool image = false;
  std::vector<std::string> toolUseIds;
  std::vector<std::pair<std::string, size_t>> toolResultIds;  // id, block index
  std::string toolResultText;
  bool startsWithThinking = false;
  bool hasToolUse = false;
};

void textBlock(const Json& b, const std::string& p, TokenTally& tally, MessageFacts* facts) {
  only(b, p, {"type", "text", "cache_control", "citations"});
  const std::string& t = str(need(b, "text", p), p + ".text");
  if (t.empty()) bedrockFail("messages: text content blocks must be non-empty");
  if (facts) facts->texts.push_back(t);
  tally.add(t);
}

void toolResultContent(const Json& c, const std::string& p, TokenTally& tally, MessageFacts& facts) {
  if (c.is_string()) {
    facts.toolResultText += (facts.toolResultText.empty() ? "" : " ") + c.get<std::string>();
    tally.add(c.get<std::string>());
    return;
  }
  array(c, p);
  for (size_t i = 0; i < c.size(); ++i) {
    const std::string bp = at(p, i);
    const Json& b = c[i];
    object(b, bp);
    const std::string& type = str(need(b, "type", bp), bp + ".type");
    if (type == "text") {
      MessageFacts inner;
      textBlock(b, bp, tally, &inner);
      facts.toolResultText += (facts.toolResultText.empty() ? "" : " ") + inner.texts.front();
    } else if (type == "image") {
      only(b, bp, {"type", "source", "cache_control"});
      source(b, bp, false);
      tally.addChars(340, "image");
    } else if (type == "document") {
      only(b, bp, {"type", "source", "title", "context", "citations", "cache_control"});
      source(b, bp, true);
      tally.addChars(340, "document");
    } else if (type == "search_result") {
      only(b, bp, {"type", "source", "title", "content", "citations", "cache_control"});
    } else {
      bedrockFail(bp + ".type: Input tag '" + type +
                  "' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'search_result'");
    }
    cacheControl(b, bp, tally);
  }
}

void contentBlock(const Json& b, const std::string& p, const std::string& role, size_t index, TokenTally& tally,
                  MessageFacts& facts) {
  const bool first = index == 0;
  object(b, p);
  const std::string& type = str(need(b, "type", p), p + ".type");
  if (type == "text") {
    textBlock(b, p, tally, &facts);
  } else if (type == "image") {
    only(b, p, {"type", "source", "cache_control"});
    source(b, p, false);
    facts.image = true;
    tally.addChars(340, "image:" + dump(b["source"]).substr(0, 64));
  } else if (type == "document") {
    only(b, p, {"type", "source", "title", "context", "citations", "cache_control"});
    source(b, p, true);
    tally.addChars(340, "document");
  } else if (type == "search_result") {
    only(b, p, {"type", "source", "title", "content", "citations", "cache_control"});
  } else if (type == "tool_use") {
    if (role != "assistant") bedrockFail(p + ": tool_use blocks may only appear in assistant messages");
    only(b, p, {"type", "id", "name", "input", "cache_control"});
    facts.toolUseIds.push_back(str(need(b, "id", p), p + ".id"));
    tally.add(str(need(b, "name", p), p + ".name"));
    object(need(b, "input", p), p + ".input");
    tally.add(dump(b["input"]));
    facts.hasToolUse = true;
  } else if (type == "tool_result") {
    if (role != "user") bedrockFail(p + ": tool_result blocks may only appear in user messages");
    only(b, p, {"type", "tool_use_id", "content", "is_error", "cache_control"});
    const std::string& id = str(need(b, "tool_use_id", p), p + ".tool_use_id");
    facts.toolResultIds.emplace_back(id, index);
    if (const Json* c = opt(b, "content")) toolResultContent(*c, p + ".content", tally, facts);
    if (const Json* e = opt(b, "is_error"); e && !e->is_boolean()) bedrockFail(p + ".is_error: Input should be a valid boolean");
  } else if (type == "thinking" || type == "redacted_thinking") {
    if (role != "assistant") bedrockFail(p + ": thinking blocks may only appear in assistant messages");
    if (type == "thinking") {
      only(b, p, {"type", "thinking", "signature"});
      const std::string& thinking = str(need(b, "thinking", p), p + ".thinking");
      const std::string& sig = str(need(b, "signature", p), p + ".signature");
      if (sig != thinkingSignature(thinking)) bedrockFail(p + ": Invalid `signature` in `thinking` block");
    } else {
      only(b, p, {"type", "data"});
      str(need(b, "data", p), p + ".data");
    }
    if (first) facts.startsWithThinking = true;
    return;  // thinking from earlier turns is not counted, as Anthropic strips it
  } else {
    bedrockFail(p + ".type: Input tag '" + type +
                "' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', "
                "'search_result', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'");
  }
  cacheControl(b, p, tally);
}

void parseTools(const Json& tools, Conversation& conv, TokenTally& tally) {
  array(tools, "tools");
  std::set<std::string> names;
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string p = at("tools", i);
    const Json& t = tools[i];
    object(t, p);
    if (const Json* type = opt(t, "type"); type && *type != "custom")
      bedrockFail(p + ".type: Input tag '" + (type->is_string() ? type->get<std::string>() : dump(*type)) +
                  "' found using 'type' does not match any of the expected tags: 'custom'");
    only(t, p, {"type", "name", "description", "input_schema", "cache_control"});
    const std::string& name = str(need(t, "name", p), p + ".name");
    bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-';
    });
    if (!ok) bedrockFail(p + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
    if (!names.insert(name).second) bedrockFail("tools: Tool names must be unique.");
    if (const Json* d = opt(t, "description")) tally.add(str(*d, p + ".description"));
    const Json& schema = need(t, "input_schema", p);
    object(schema, p + ".input_schema");
    if (!schema.contains("type")) bedrockFail(p + ".input_schema.type: Field required");
    tally.add(name);
    tally.add(dump(schema));
    conv.tools.push_back({name, schema});
    cacheControl(t, p, tally);
  }
}

void parseToolChoice(const Json& tc, Conversation& conv) {
  object(tc, "tool_choice");
  const std::string& type = str(need(tc, "type", "tool_choice"), "tool_choice.type");
  if (type == "auto" || type == "any") {
    only(tc, "tool_choice", {"type", "disable_parallel_tool_use"});
    if (type == "any" && !conv.tools.empty()) conv.forcedTool = conv.tools.front().name;
  } else if (type == "tool") {
    only(tc, "tool_choice", {"type", "name", "disable_parallel_tool_use"});
    conv.forcedTool = str(need(tc, "name", "tool_choice"), "tool_choice.name");
  } else if (type == "none") {
    only(tc, "tool_choice", {"type"});
    conv.toolsDisabled = true;
  } else {
    bedrockFail("tool_choice.type: Input tag '" + type +
                "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
  }
}

}  // namespace

ClaudeTurn parseInvokeRequest(const std::string& text, const Deployment& dep) {
  Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) bedrockFail("Malformed input request: expected a JSON object, please reformat your input and try again.");
  only(body, "", {"anthropic_version", "anthropic_beta", "max_tokens", "messages", "system", "stop_sequences",
                  "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "output_config"});
  const ClaudeModelInfo model = claudeModelInfo(dep);
  ClaudeTurn turn;
  Conversation& conv = turn.conv;
  TokenTally tally;

  if (str(need(body, "anthropic_version", ""), "anthropic_version") != "bedrock-2023-05-31")
    bedrockFail("anthropic_version: Input should be 'bedrock-2023-05-31'");
  bool output128k = false;
  if (const Json* betas = opt(body, "anthropic_beta")) {
    array(*betas, "anthropic_beta");
    for (size_t i = 0; i < betas->size(); ++i) {
      const std::string& b = str((*betas)[i], at("anthropic_beta", i));
      if (!bedrockKnowsBeta(b)) bedrockFail("invalid beta flag");
      output128k = output128k || b == "output-128k-2025-02-19";
    }
  }
  const int64_t maxTokens = integer(need(body, "max_tokens", ""), "max_tokens", 1);
  checkMaxTokens(model, maxTokens, output128k);
  conv.maxTokens = maxTokens;

  if (const Json* s = opt(body, "stop_sequences")) {
    array(*s, "stop_sequences");
    for (size_t i = 0; i < s->size(); ++i) conv.stop.push_back(str((*s)[i], at("stop_sequences", i)));
  }
  const Json* temperature = opt(body, "temperature");
  const Json* topP = opt(body, "top_p");
  if (temperature) number(*temperature, "temperature", 0, 1);
  if (topP) number(*topP, "top_p", 0, 1);
  if (const Json* k = opt(body, "top_k")) integer(*k, "top_k", 0);
  if (temperature && topP && model.atLeast(4, 1) && !(model.major == 4 && model.minor == 0))
    bedrockFail("`temperature` and `top_p` cannot both be specified for this model. Please use only one.");

  // Structured outputs (AWS "Get validated JSON results from models"): output_config.format with a
  // JSON schema, on Claude 4.5 and later; the answer is then a JSON value of that schema.
  if (const Json* oc = opt(body, "output_config")) {
    object(*oc, "output_config");
    only(*oc, "output_config", {"format"});
    if (const Json* f = opt(*oc, "format")) {
      object(*f, "output_config.format");
      only(*f, "output_config.format", {"type", "schema"});
      if (str(need(*f, "type", "output_config.format"), "output_config.format.type") != "json_schema")
        bedrockFail("output_config.format.type: Input should be 'json_schema'");
      const Json& schema = need(*f, "schema", "output_config.format");
      object(schema, "output_config.format.schema");
      if (!model.atLeast(4, 5)) bedrockFail("output_config.format: structured outputs are not supported for " + model.dated);
      conv.jsonSchema = schema;
    }
  }

  // Tools come first in the prompt (and so in the cache prefix), then system, then messages.
  if (const Json* tools = opt(body, "tools")) parseTools(*tools, conv, tally);
  if (const Json* tc = opt(body, "tool_choice")) {
    if (conv.tools.empty()) bedrockFail("tool_choice: tool_choice may only be specified while providing tools.");
    parseToolChoice(*tc, conv);
  }

  if (const Json* sys = opt(body, "system")) {
    if (sys->is_string()) {
      tally.add(sys->get<std::string>());
    } else {
      array(*sys, "system");
      for (size_t i = 0; i < sys->size(); ++i) {
        const std::string p = at("system", i);
        object((*sys)[i], p);
        if (str(need((*sys)[i], "type", p), p + ".type") != "text")
          bedrockFail(p + ".type: Input tag found using 'type' does not match any of the expected tags: 'text'");
        textBlock((*sys)[i], p, tally, nullptr);
        cacheControl((*sys)[i], p, tally);
      }
    }
  }

  // thinking
  int64_t budget = 0;
  if (const Json* th = opt(body, "thinking")) {
    object(*th, "thinking");
    const std::string& type = str(need(*th, "type", "thinking"), "thinking.type");
    if (type == "enabled") {
      only(*th, "thinking", {"type", "budget_tokens"});
      budget = integer(need(*th, "budget_tokens", "thinking"), "thinking.enabled.budget_tokens", 1024);
      if (budget >= maxTokens)
        bedrockFail(std::string("`max_tokens` must be greater than `thinking.budget_tokens`.") + kThinkingDocs +
                    "#max-tokens-and-context-window-size");
      turn.thinking = true;
    } else if (type == "adaptive" && model.atLeast(4, 6)) {
      only(*th, "thinking", {"type"});
      turn.thinking = true;
    } else if (type == "disabled") {
      only(*th, "thinking", {"type"});
    } else {
      bedrockFail("thinking.type: Input tag '" + type +
                  "' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'");
    }
  }
  if (turn.thinking) {
    if (temperature && temperature->get<double>() != 1.0)
      bedrockFail(std::string("`temperature` may only be set to 1 when thinking is enabled.") + kThinkingDocs +
                  "#feature-compatibility");
    if (opt(body, "top_k"))
      bedrockFail(std::string("`top_k` must be unset when thinking is enabled.") + kThinkingDocs + "#feature-compatibility");
    if (topP && topP->get<double>() < 0.95)
      bedrockFail(std::string("`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.") +
                  kThinkingDocs + "#feature-compatibility");
    if (!conv.forcedTool.empty()) bedrockFail("Thinking may not be enabled when tool_choice forces tool use.");
  }

  // messages
  const Json& msgs = need(body, "messages", "");
  array(msgs, "messages");
  if (msgs.empty()) bedrockFail("messages: at least one message is required");
  std::vector<MessageFacts> facts(msgs.size());
  std::string prevRole;
  for (size_t i = 0; i < msgs.size(); ++i) {
    const std::string p = at("messages", i);
    const Json& m = msgs[i];
    object(m, p);
    only(m, p, {"role", "content"});
    const std::string& role = str(need(m, "role", p), p + ".role");
    if (role == "system")
      bedrockFail("Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" "
                  "as an input message role.");
    if (role != "user" && role != "assistant") bedrockFail(p + ".role: Input should be 'user' or 'assistant'");
    if (i == 0 && role != "user") bedrockFail("messages: first message must use the \"user\" role");
    if (role == prevRole)
      bedrockFail("messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"" + role +
                  "\" roles in a row");
    prevRole = role;
    tally.message();
    const Json& content = need(m, "content", p);
    const bool last = i + 1 == msgs.size();
    if (content.is_string()) {
      if (content.get_ref<const std::string&>().empty() && !(last && role == "assistant"))
        bedrockFail("messages." + std::to_string(i) + ": all messages must have non-empty content except for the optional final assistant message");
      facts[i].texts.push_back(content.get<std::string>());
      tally.add(content.get<std::string>());
    } else {
      array(content, p + ".content");
      if (content.empty() && !(last && role == "assistant"))
        bedrockFail("messages." + std::to_string(i) + ": all messages must have non-empty content except for the optional final assistant message");
      for (size_t j = 0; j < content.size(); ++j) contentBlock(content[j], at(p + ".content", j), role, j, tally, facts[i]);
    }
  }

  // The tool_use / tool_result protocol.
  for (size_t i = 0; i < msgs.size(); ++i) {
    if (facts[i].toolUseIds.empty() || i + 1 == msgs.size()) continue;
    std::vector<std::string> missing;
    for (const auto& id : facts[i].toolUseIds) {
      bool answered = std::any_of(facts[i + 1].toolResultIds.begin(), facts[i + 1].toolResultIds.end(),
                                  [&](const auto& r) { return r.first == id; });
      if (!answered) missing.push_back(id);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& id : missing) list += (list.empty() ? "" : ", ") + id;
      bedrockFail("messages." + std::to_string(i + 1) +
                  ": `tool_use` ids were found without `tool_result` blocks immediately after: " + list +
                  ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
    }
  }
  for (size_t i = 0; i < msgs.size(); ++i)
    for (const auto& [id, j] : facts[i].toolResultIds) {
      const auto& prev = i > 0 ? facts[i - 1].toolUseIds : std::vector<std::string>{};
      if (std::find(prev.begin(), prev.end(), id) == prev.end())
        bedrockFail("messages." + std::to_string(i) + ".content." + std::to_string(j) +
                    ": unexpected `tool_use_id` found in `tool_result` blocks: " + id +
                    ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
    }

  // With thinking on, an assistant turn that used tools and is being continued must keep its thinking.
  const MessageFacts& lastFacts = facts.back();
  const std::string lastRole = msgs.back()["role"].get<std::string>();
  if (turn.thinking && lastRole == "user" && !lastFacts.toolResultIds.empty() && msgs.size() >= 2) {
    const MessageFacts& a = facts[msgs.size() - 2];
    if (a.hasToolUse && !a.startsWithThinking)
      bedrockFail("messages." + std::to_string(msgs.size() - 2) +
                  ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `" +
                  msgs[msgs.size() - 2]["content"][0].value("type", std::string("text")) +
                  "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block "
                  "(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include "
                  "thinking blocks from previous turns.");
  }

  // What the deterministic model answers.
  for (size_t i = msgs.size(); i-- > 0;) {
    if (msgs[i]["role"] != "user") continue;
    conv.lastUserTexts = facts[i].texts;
    conv.lastUserHasImage = facts[i].image;
    break;
  }
  if (lastRole == "user") {
    // A user turn carrying tool results answers the tool call, whatever text comes with it.
    conv.last = lastFacts.toolResultIds.empty() ? Conversation::Last::User : Conversation::Last::ToolResult;
    conv.toolResultText = lastFacts.toolResultText;
  }
  conv.fingerprint = dump(msgs);
  (void)budget;
  checkClaudeContextWindow(dep, tally);
  turn.usage = tally.finish(dep.id);
  return turn;
}

}  // namespace aicore::emulator
