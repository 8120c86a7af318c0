#include "azure_chat_messages.hpp"

#include "azure_error.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace aicore::emulator {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out.append(i ? sep : "").append(v[i]);
  return out;
}

// Text of one message: what the echo repeats and what usage counts.
struct MessageText {
  std::vector<std::string> texts;
  bool hasImage = false;
  size_t chars = 0;
};

void checkPart(const Json& part, const std::string& p, const std::string& role, const std::string& msgPath,
               MessageText& out) {
  checkObject(part, p);
  const Json& typeJ = requiredField(part, "type", p);
  checkString(typeJ, p + ".type");
  const std::string type = typeJ.get<std::string>();
  if (type == "text") {
    onlyKeys(part, p, {"type", "text"});
    const Json& t = requiredField(part, "text", p);
    checkString(t, p + ".text");
    out.texts.push_back(t.get<std::string>());
    out.chars += out.texts.back().size();
  } else if (type == "image_url") {
    if (role != "user")
      azureFail("Invalid '" + msgPath +
                    "'. Image URLs are only allowed for messages with role 'user', but this message with role '" +
                    role + "' contains an image URL.",
                msgPath, "invalid_value");
    onlyKeys(part, p, {"type", "image_url"});
    const Json& img = requiredField(part, "image_url", p);
    checkObject(img, p + ".image_url");
    onlyKeys(img, p + ".image_url", {"url", "detail"});
    checkString(requiredField(img, "url", p + ".image_url"), p + ".image_url.url");
    if (const Json* d = optionalField(img, "detail")) {
      checkString(*d, p + ".image_url.detail");
      const std::string dv = d->get<std::string>();
      if (dv != "auto" && dv != "low" && dv != "high") failValue(p + ".image_url.detail", dv, {"auto", "low", "high"});
    }
    out.hasImage = true;
    out.chars += 340;  // ~85 tokens, a low-detail image
  } else if (type == "input_audio" && role == "user") {
    onlyKeys(part, p, {"type", "input_audio"});
    checkObject(requiredField(part, "input_audio", p), p + ".input_audio");
  } else if (type == "file" && role == "user") {
    onlyKeys(part, p, {"type", "file"});
    checkObject(requiredField(part, "file", p), p + ".file");
  } else if (type == "refusal" && role == "assistant") {
    onlyKeys(part, p, {"type", "refusal"});
    checkString(requiredField(part, "refusal", p), p + ".refusal");
  } else if (role == "user") {
    failValue(p + ".type", type, {"text", "image_url", "input_audio", "file"});
  } else if (role == "assistant") {
    failValue(p + ".type", type, {"text", "refusal"});
  } else {
    failValue(p + ".type", type, {"text"});
  }
}

void checkContent(const Json& m, const std::string& mp, const std::string& role, bool mayBeNull, MessageText& out) {
  const std::string p = mp + ".content";
  auto it = m.find("content");
  if (it == m.end()) {
    if (mayBeNull) return;
    failMissing(p);
  }
  if (it->is_null()) {
    if (mayBeNull) return;
    failType(p, role == "function" ? "a string" : "one of a string or array of objects", *it);
  }
  if (it->is_string()) {
    out.texts.push_back(it->get<std::string>());
    out.chars += out.texts.back().size();
    return;
  }
  if (!it->is_array() || role == "function")
    failType(p, role == "function" ? "a string" : "one of a string or array of objects", *it);
  if (it->empty()) failEmptyArray(p);
  for (size_t j = 0; j < it->size(); ++j) checkPart((*it)[j], indexed(p, j), role, mp, out);
}

void checkToolCalls(const Json& calls, const std::string& p, std::vector<std::string>& ids, MessageText& out) {
  checkArray(calls, p);
  if (calls.empty()) failEmptyArray(p);
  for (size_t j = 0; j < calls.size(); ++j) {
    const Json& c = calls[j];
    const std::string cp = indexed(p, j);
    checkObject(c, cp);
    onlyKeys(c, cp, {"id", "type", "function"});
    const Json& id = requiredField(c, "id", cp);
    checkString(id, cp + ".id");
    const Json& type = requiredField(c, "type", cp);
    checkString(type, cp + ".type");
    if (type.get<std::string>() != "function") failValue(cp + ".type", type.get<std::string>(), {"function"});
    const Json& fn = requiredField(c, "function", cp);
    checkObject(fn, cp + ".function");
    onlyKeys(fn, cp + ".function", {"name", "arguments"});
    const Json& name = requiredField(fn, "name", cp + ".function");
    checkString(name, cp + ".function.name");
    const Json& args = requiredField(fn, "arguments", cp + ".function");
    checkString(args, cp + ".function.arguments");
    ids.push_back(id.get<std::string>());
    out.chars += name.get<std::string>().size() + args.get<std::string>().size();
  }
}

const std::vector<std::string_view>& keysFor(const std::string& role) {
  // system, developer, user and (legacy) function share the plain set.
  static const std::vector<std::string_view> kPlain = {"role", "content", "name"};
  static const std::vector<std::string_view> kAssistant = {"role",          "content", "name", "tool_calls",
                                                           "function_call", "refusal", "audio"};
  static const std::vector<std::string_view> kTool = {"role", "content", "tool_call_id"};
  return role == "assistant" ? kAssistant : role == "tool" ? kTool : kPlain;
}

}  // namespace

void parseChatMessages(const Json& body, Conversation& conv, size_t& chars, bool& mentionsJson) {
  auto it = body.find("messages");
  if (it == body.end() || it->is_null()) failMissing("messages");
  const Json& msgs = *it;
  checkArray(msgs, "messages");
  if (msgs.empty()) failEmptyArray("messages");
  std::vector<std::string> openCalls, awaiting;
  auto unanswered = [&](size_t i) {
    azureFail(
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
        "'tool_call_id'. The following tool_call_ids did not have response messages: " +
            join(awaiting, ", "),
        "messages.[" + std::to_string(i) + "].role");
  };
  for (size_t i = 0; i < msgs.size(); ++i) {
    const Json& m = msgs[i];
    const std::string mp = indexed("messages", i);
    checkObject(m, mp);
    const Json& roleJ = requiredField(m, "role", mp);
    checkString(roleJ, mp + ".role");
    const std::string role = roleJ.get<std::string>();
    if (role != "system" && role != "developer" && role != "user" && role != "assistant" && role != "tool" &&
        role != "function")
      failValue(mp + ".role", role, {"system", "assistant", "user", "function", "tool", "developer"});
    onlyKeys(m, mp, keysFor(role));
    if (const Json* n = optionalField(m, "name")) checkString(*n, mp + ".name");

    if (role == "tool") {
      const Json& id = requiredField(m, "tool_call_id", mp);
      checkString(id, mp + ".tool_call_id");
      if (std::find(openCalls.begin(), openCalls.end(), id.get<std::string>()) == openCalls.end())
        azureFail(
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
            "'tool_calls'.",
            "messages.[" + std::to_string(i) + "].role");
      std::erase(awaiting, id.get<std::string>());
    } else {
      if (!awaiting.empty()) unanswered(i);
      openCalls.clear();
    }

    MessageText text;
    bool contentOptional = role == "function";
    if (role == "assistant") {
      if (const Json* tc = optionalField(m, "tool_calls")) {
        checkToolCalls(*tc, mp + ".tool_calls", openCalls, text);
        awaiting = openCalls;
        contentOptional = true;
      }
      if (const Json* fc = optionalField(m, "function_call")) {
        checkObject(*fc, mp + ".function_call");
        contentOptional = true;
      }
      if (const Json* r = optionalField(m, "refusal")) checkString(*r, mp + ".refusal");
      if (const Json* a = optionalField(m, "audio")) checkObject(*a, mp + ".audio");
    }
    checkContent(m, mp, role, contentOptional, text);

    chars += text.chars;
    for (const auto& t : text.texts)
      if (toLower(t).find("json") != std::string::npos) mentionsJson = true;
    if (role == "user") {
      conv.lastUserTexts = text.texts;
      conv.lastUserHasImage = text.hasImage;
    }
    if (i + 1 == msgs.size()) {
      conv.last = role == "user"   ? Conversation::Last::User
                  : role == "tool" ? Conversation::Last::ToolResult
                                   : Conversation::Last::Other;
      if (role == "tool") conv.toolResultText = join(text.texts, " ");
    }
  }
  if (!awaiting.empty()) unanswered(msgs.size());
}

}  // namespace aicore::emulator
