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

static const ToolSpec* chooseTool(const Conversation& conv) {
  if (conv.tools.empty() || conv.toolsDisabled || conv.last != Conversation::Last::User) return nullptr;
  if (!conv.forcedTool.empty())
    for (const auto& t : conv.tools)
      if (t.name == conv.forcedTool) return &t;
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
  if (const ToolSpec* tool = chooseTool(conv)) {
    r.isToolCall = true;
    r.toolName = tool->name;
    Json args = valueFromSchema(tool->parameters.is_object() ? tool->parameters : Json{{"type", "object"}});
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
