#include "reply.hpp"

#include "ids.hpp"
#include "text.hpp"

namespace aicore::emulator {

int64_t tokensForChars(size_t chars) { return static_cast<int64_t>((chars + 3) / 4); }

static std::string schemaType(const Json& schema) {
  auto it = schema.find("type");
  if (it == schema.end()) return schema.contains("properties") ? "object" : "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array())  // e.g. ["string", "null"]: the first non-null type
    for (const auto& t : *it)
      if (t.is_string() && t.get<std::string>() != "null") return t.get<std::string>();
  return "";
}

Json valueFromSchema(const Json& schema) {
  if (!schema.is_object()) return "test";
  if (auto e = schema.find("enum"); e != schema.end() && e->is_array() && !e->empty()) return (*e)[0];
  if (auto c = schema.find("const"); c != schema.end()) return *c;
  const std::string type = schemaType(schema);
  if (type == "number" || type == "integer") return 1;
  if (type == "boolean") return true;
  if (type == "array") return Json::array();
  if (type == "null") return nullptr;
  if (type == "object") {
    Json out = Json::object();
    auto req = schema.find("required");
    auto props = schema.find("properties");
    if (req != schema.end() && req->is_array())
      for (const auto& name : *req) {
        if (!name.is_string()) continue;
        const std::string key = name.get<std::string>();
        bool known = props != schema.end() && props->is_object() && props->contains(key);
        out[key] = known ? valueFromSchema((*props)[key]) : Json("test");
      }
    return out;
  }
  return "test";
}

// The JSON object starting at text[pos] ('{'), or nothing when it does not parse.
static std::optional<Json> objectAt(std::string_view text, size_t pos) {
  int depth = 0;
  bool inString = false;
  for (size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      Json j = Json::parse(text.substr(pos, i + 1 - pos), nullptr, false);
      if (j.is_discarded() || !j.is_object()) return std::nullopt;
      return j;
    }
  }
  return std::nullopt;
}

Steering steeringOf(const Conversation& conv) {
  Steering s;
  for (const auto& t : conv.lastUserTexts) {
    if (t.find("[emulator:text]") != std::string::npos) s.text = true;
    const size_t at = t.find("[emulator:tool ");
    if (at == std::string::npos) continue;
    size_t i = at + 15;
    size_t end = i;
    while (end < t.size() && t[end] != ' ' && t[end] != ']') ++end;
    s.tool = t.substr(i, end - i);
    while (end < t.size() && t[end] == ' ') ++end;
    if (end < t.size() && t[end] == '{') s.toolArguments = objectAt(t, end);
  }
  return s;
}

static const ToolSpec* chooseTool(const Conversation& conv, const Steering& steer) {
  if (conv.tools.empty() || conv.toolsDisabled || conv.last != Conversation::Last::User) return nullptr;
  if (!conv.forcedTool.empty())
    for (const auto& t : conv.tools)
      if (t.name == conv.forcedTool) return &t;
  if (steer.text) return nullptr;
  if (!steer.tool.empty())
    for (const auto& t : conv.tools)
      if (t.name == steer.tool) return &t;
  return &conv.tools.front();
}

static std::string echoText(const Conversation& conv) {
  std::string joined;
  for (const auto& t : conv.lastUserTexts) {
    if (!joined.empty()) joined += ' ';
    joined += t;
  }
  if (conv.lastUserHasImage) joined += joined.empty() ? "[image]" : " [image]";
  return "Echo: " + joined;
}

Reply makeReply(const Conversation& conv) {
  Reply r;
  const Steering steer = steeringOf(conv);
  if (const ToolSpec* tool = chooseTool(conv, steer)) {
    r.isToolCall = true;
    r.toolName = tool->name;
    Json args = tool->name == steer.tool && steer.toolArguments
                    ? *steer.toolArguments
                    : valueFromSchema(tool->parameters.is_object() ? tool->parameters : Json{{"type", "object"}});
    if (!args.is_object()) args = Json::object();
    r.toolArguments = dump(args);
    r.toolCallHash = sha1Hex(conv.fingerprint + "\n" + r.toolName).substr(0, 24);
    r.finish = Reply::Finish::ToolCalls;
    r.completionTokens = 5 + tokensForChars(r.toolName.size() + r.toolArguments.size());
    return r;
  }

  if (conv.last == Conversation::Last::ToolResult)
    r.text = "Tool result: " + conv.toolResultText;
  else if (conv.jsonSchema)
    r.text = dump(valueFromSchema(*conv.jsonSchema));
  else if (conv.jsonObject)
    r.text = dump(Json{{"echo", echoText(conv)}});
  else
    r.text = echoText(conv);

  // Stop sequences end the text where they first appear (the sequence itself is not returned).
  size_t cut = std::string::npos;
  for (const auto& s : conv.stop)
    if (!s.empty()) cut = std::min(cut, r.text.find(s));
  if (cut != std::string::npos) r.text.resize(cut);

  auto words = splitWords(r.text);
  if (conv.maxTokens && static_cast<int64_t>(words.size()) > *conv.maxTokens) {
    const size_t keep = static_cast<size_t>(*conv.maxTokens);
    // The words are views into r.text: measure where the last kept one ends, then shrink in place.
    const size_t end =
        keep == 0 ? 0 : static_cast<size_t>(words[keep - 1].data() + words[keep - 1].size() - r.text.data());
    words.resize(keep);
    r.text.resize(end);
    r.finish = Reply::Finish::Length;
  }
  r.completionTokens = static_cast<int64_t>(words.size());
  return r;
}

}  // namespace aicore::emulator
