// Gemini GenerateContentRequest -> Chat Completions request (aicore/mapping/gemini_api.hpp): the
// contents here, the options in gemini_options.cpp.
#include "gemini_fields.hpp"
#include "json_util.hpp"

#include <aicore/mapping/gemini_api.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace aicore::mapping {

using namespace detail;
using gemini_fields::lower;
using gemini_fields::member;

namespace {

// OpenAI rejects tool call ids over 40 characters; Gemini CLI prefixes ids with the function name
// ("run_shell_command__call_…"), which often passes that. Shortened the same way on the call and
// on its response, so pairs keep matching.
std::string chat_call_id(const std::string& id) {
  if (id.size() <= 40) return id;
  return id.substr(0, 31) + "_" + hex8(fnv1a(id));
}

// ---- contents ---------------------------------------------------------------------------------

// A call of an earlier model turn, for pairing the functionResponses that answer it.
struct KnownCall {
  std::string client_id;  // the functionCall's own id ("" when it had none)
  std::string chat_id;
  std::string name;
  bool answered = false;
};

class Contents {
 public:
  explicit Contents(Changes& changes) : changes_(changes) {}

  Json messages = Json::array();

  void system(const Json& si, const std::string& path) {
    std::string text;
    if (si.is_string()) {
      text = si.get<std::string>();
    } else {
      const Json& parts = expect_array(require(expect_object(si, path), "parts", path), path + ".parts");
      for (size_t i = 0; i < parts.size(); ++i) {
        const std::string p = at(path + ".parts", i);
        const Json* t = find(expect_object(parts[i], p), "text");
        if (!t) bad(p, "only text parts are allowed in a system instruction");
        if (!text.empty()) text += "\n";
        text += expect_string(*t, p + ".text");
      }
    }
    if (!text.empty()) messages.push_back({{"role", "system"}, {"content", std::move(text)}});
  }

  void content(const Json& c, size_t index, const std::string& path) {
    expect_object(c, path);
    std::string role = "user";
    if (const Json* r = find(c, "role")) role = expect_string(*r, path + ".role");
    const Json* parts = find(c, "parts");
    if (!parts) return;  // an empty turn tells the model nothing
    expect_array(*parts, path + ".parts");
    if (role == "model")
      model_turn(*parts, index, path + ".parts");
    else if (role == "user" || role == "function" || role == "tool")
      user_turn(*parts, path + ".parts");
    else
      bad(path + ".role", "must be user or model");
  }

 private:
  Changes& changes_;
  std::vector<KnownCall> calls_;
  bool noted_foreign_ = false;

  // The data a part holds (Part is a union): its kind (camelCase), path and value; kind "" for none.
  struct Data {
    std::string kind, path;
    const Json* value = nullptr;
  };
  static Data data_of(const Json& part, const std::string& path) {
    static constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
        {"text", "text"},
        {"inlineData", "inline_data"},
        {"fileData", "file_data"},
        {"functionCall", "function_call"},
        {"functionResponse", "function_response"},
        {"executableCode", "executable_code"},
        {"codeExecutionResult", "code_execution_result"},
        {"toolCall", "tool_call"},
        {"toolResponse", "tool_response"}};
    Data d;
    for (const auto& [camel, snake] : kKinds) {
      std::string p;
      const Json* v = member(part, camel, snake, path, p);
      if (!v) continue;
      if (d.value) bad(path, "a part holds one kind of data, not both " + d.kind + " and " + std::string(camel));
      d = Data{std::string(camel), p, v};
    }
    return d;
  }

  static bool signature_only(const Json& part) {
    return find(part, "thoughtSignature") || find(part, "thought_signature");
  }

  void unsupported_kind(const std::string& kind, const std::string& key) {
    if (kind == "executableCode" || kind == "codeExecutionResult")
      bad(key, "code execution is not supported (no upstream behind SAP AI Core runs it)");
    bad(key, "server-side tool parts are not supported (no upstream behind SAP AI Core runs them)");
  }

  void ignored_part_fields(const Json& part, const std::string& path) {
    for (auto [camel, snake] :
         {std::pair{"videoMetadata", "video_metadata"}, std::pair{"partMetadata", "part_metadata"},
          std::pair{"mediaResolution", "media_resolution"}}) {
      std::string p;
      if (member(part, camel, snake, path, p)) changes_.drop("not in Chat Completions", p);
    }
  }

  // thoughtSignature: this gateway's carries Claude's signed thinking; another's (a real Gemini
  // signature, Gemini CLI's placeholder) only means something to the family that signed it.
  void signature(const Json& part, const std::string& path, Json& blocks) {
    std::string p;
    const Json* sig = member(part, "thoughtSignature", "thought_signature", path, p);
    if (!sig) return;
    Json decoded = decode_thought_signature(expect_string(*sig, p));
    if (decoded.empty()) {
      if (!noted_foreign_) changes_.drop("signed by another service", p);
      noted_foreign_ = true;
      return;
    }
    for (Json& b : decoded) blocks.push_back(std::move(b));
  }

  void model_turn(const Json& parts, size_t index, const std::string& path) {
    std::string text, reasoning;
    Json blocks = Json::array(), calls = Json::array();
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string p = at(path, i);
      const Json& part = expect_object(parts[i], p);
      signature(part, p, blocks);
      ignored_part_fields(part, p);
      const Data d = data_of(part, p);
      if (d.kind == "text") {
        const Json* thought = find(part, "thought");
        (thought && expect_bool(*thought, p + ".thought") ? reasoning : text) += expect_string(*d.value, d.path);
      } else if (d.kind == "functionCall") {
        calls.push_back(function_call(*d.value, index, i, d.path));
      } else if (d.kind == "inlineData" || d.kind == "fileData") {
        changes_.drop("assistant turns carry text and tool calls only", d.path);
      } else if (d.kind == "functionResponse") {
        bad(d.path, "function responses belong in user turns");
      } else if (!d.kind.empty()) {
        unsupported_kind(d.kind, d.path);
      } else if (!signature_only(part)) {
        bad(p, "must hold text, inlineData, fileData, functionCall or functionResponse");
      }
    }
    // Thoughts alone reach no upstream (chat carries Claude's signed thinking only as
    // thinking_blocks), and an assistant message with nothing else is refused by some.
    if (text.empty() && blocks.empty() && calls.empty()) return;
    // content null only beside tool calls: OpenAI refuses an assistant message with neither.
    Json msg{{"role", "assistant"}, {"content", text.empty() && !calls.empty() ? Json() : Json(text)}};
    if (!reasoning.empty()) msg["reasoning_content"] = std::move(reasoning);
    if (!blocks.empty()) msg["thinking_blocks"] = std::move(blocks);
    if (!calls.empty()) msg["tool_calls"] = std::move(calls);
    messages.push_back(std::move(msg));
  }

  Json function_call(const Json& fc, size_t content, size_t part, const std::string& path) {
    expect_object(fc, path);
    const std::string& name = expect_string(require(fc, "name", path), path + ".name");
    if (name.empty()) bad(path + ".name", "must not be empty");
    Json args = Json::object();
    if (const Json* a = find(fc, "args")) args = expect_object(*a, path + ".args");
    KnownCall call;
    if (const Json* id = find(fc, "id")) call.client_id = expect_string(*id, path + ".id");
    // Gemini's calls have no ids; the call's place in the conversation never changes, so an id made
    // of it is the same on every later request (prompt caches stay warm).
    call.chat_id = call.client_id.empty() ? "call_" + std::to_string(content) + "_" + std::to_string(part)
                                          : chat_call_id(call.client_id);
    call.name = name;
    Json out{{"id", call.chat_id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", dump(args)}}}};
    calls_.push_back(std::move(call));
    return out;
  }

  // The call a functionResponse answers: the one with its id, else the first unanswered call of
  // that name (Gemini pairs by name and order; Gemini CLI makes up ids for calls that had none).
  KnownCall* answered_call(const std::string& id, const std::string& name) {
    if (!id.empty())
      for (KnownCall& c : calls_)
        if (!c.answered && c.client_id == id) return &c;
    for (KnownCall& c : calls_)
      if (!c.answered && c.name == name) return &c;
    return nullptr;
  }

  // functionResponse.response as the tool message's text: Gemini CLI's {"output": "…"} (or
  // {"result": …}) is the text itself, {"error": "…"} reads "Error: …"; anything else is its JSON.
  static std::string response_text(const Json& response) {
    if (response.size() == 1) {
      const auto it = response.begin();
      const std::string& key = it.key();
      const Json& v = it.value();
      if (v.is_string() && (key == "output" || key == "result" || key == "content")) return v.get<std::string>();
      if (v.is_string() && key == "error") return "Error: " + v.get<std::string>();
    }
    return dump(response);
  }

  void user_turn(const Json& parts, const std::string& path) {
    Json tools = Json::array(), content = Json::array();
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string p = at(path, i);
      const Json& part = expect_object(parts[i], p);
      ignored_part_fields(part, p);
      const Data d = data_of(part, p);
      if (d.kind == "text") {
        if (!expect_string(*d.value, d.path).empty()) content.push_back({{"type", "text"}, {"text", *d.value}});
      } else if (d.kind == "inlineData") {
        content.push_back(inline_data(*d.value, d.path));
      } else if (d.kind == "fileData") {
        content.push_back(file_data(*d.value, d.path));
      } else if (d.kind == "functionResponse") {
        function_response(*d.value, d.path, tools, content);
      } else if (d.kind == "functionCall") {
        bad(d.path, "function calls belong in model turns");
      } else if (!d.kind.empty()) {
        unsupported_kind(d.kind, d.path);
      } else if (!signature_only(part)) {
        bad(p, "must hold text, inlineData, fileData, functionCall or functionResponse");
      }
    }
    for (Json& t : tools) messages.push_back(std::move(t));
    if (content.empty()) return;
    if (content.size() == 1 && content[0]["type"] == "text")
      messages.push_back({{"role", "user"}, {"content", content[0]["text"]}});
    else
      messages.push_back({{"role", "user"}, {"content", std::move(content)}});
  }

  void function_response(const Json& fr, const std::string& path, Json& tools, Json& content) {
    expect_object(fr, path);
    const std::string& name = expect_string(require(fr, "name", path), path + ".name");
    std::string id;
    if (const Json* i = find(fr, "id")) id = expect_string(*i, path + ".id");
    Json response = Json::object();
    if (const Json* r = find(fr, "response")) response = expect_object(*r, path + ".response");
    std::string text = response_text(response);
    // Multimodal function responses (images a tool read): the chat form has them in a user message.
    if (const Json* ps = find(fr, "parts")) {
      expect_array(*ps, path + ".parts");
      for (size_t i = 0; i < ps->size(); ++i) {
        const std::string p = at(path + ".parts", i);
        const Json& part = expect_object((*ps)[i], p);
        std::string key;
        if (const Json* d = member(part, "inlineData", "inline_data", p, key))
          content.push_back(inline_data(*d, key));
        else if (const Json* f = member(part, "fileData", "file_data", p, key))
          content.push_back(file_data(*f, key));
        else
          bad(p, "must hold inlineData or fileData");
      }
    }
    KnownCall* call = answered_call(id, name);
    if (!call) {
      // No call to answer (history cut by the client): kept as text rather than refused, so the
      // conversation goes on; chat upstreams reject a tool message that answers nothing.
      changes_.note("a functionResponse without its functionCall sent as text (" + path + ")");
      content.push_back({{"type", "text"}, {"text", "Result of " + name + ": " + text}});
      return;
    }
    call->answered = true;
    tools.push_back({{"role", "tool"}, {"tool_call_id", call->chat_id}, {"content", std::move(text)}});
  }

  // inlineData -> an image part, a file part (PDF) or the text itself (text/*, which every
  // upstream reads as text but few take as a file).
  Json inline_data(const Json& blob, const std::string& path) {
    expect_object(blob, path);
    std::string mp, dp;
    const Json* mime = member(blob, "mimeType", "mime_type", path, mp);
    if (!mime) bad(path + ".mimeType", "required");
    const std::string type = lower(expect_string(*mime, mp));
    const Json* data = member(blob, "data", "data", path, dp);
    if (!data) bad(path + ".data", "required");
    const std::string& b64 = expect_string(*data, dp);
    if (type.starts_with("image/"))
      return {{"type", "image_url"}, {"image_url", {{"url", "data:" + type + ";base64," + b64}}}};
    if (type == "application/pdf") {
      Json file{{"file_data", "data:application/pdf;base64," + b64}};
      std::string np;
      if (const Json* n = member(blob, "displayName", "display_name", path, np))
        file["filename"] = expect_string(*n, np);
      return {{"type", "file"}, {"file", std::move(file)}};
    }
    if (type.starts_with("text/")) {
      std::optional<std::string> text = base64_decode_strict(b64);
      if (!text) bad(dp, "not valid base64");
      return {{"type", "text"}, {"text", std::move(*text)}};
    }
    bad(mp, "'" + type + "' is not supported (images, application/pdf and text/* are)");
  }

  // fileData: no file store here and nothing is fetched, except image URLs the upstreams fetch.
  Json file_data(const Json& fd, const std::string& path) {
    expect_object(fd, path);
    std::string up, mp;
    const Json* uri = member(fd, "fileUri", "file_uri", path, up);
    if (!uri) bad(path + ".fileUri", "required");
    const std::string& url = expect_string(*uri, up);
    const Json* mime = member(fd, "mimeType", "mime_type", path, mp);
    const std::string type = mime ? lower(expect_string(*mime, mp)) : "";
    if ((url.starts_with("https://") || url.starts_with("http://")) && (type.empty() || type.starts_with("image/")))
      return {{"type", "image_url"}, {"image_url", {{"url", url}}}};
    bad(up, "only http(s) image URLs are supported (this gateway has no file store); send the data as inlineData");
  }
};

}  // namespace

const Json& gemini_count_tokens_request(const Json& body) {
  if (const Json* wrapped = find(body, "generateContentRequest"))
    return expect_object(*wrapped, "generateContentRequest");
  if (const Json* wrapped = find(body, "generate_content_request"))
    return expect_object(*wrapped, "generate_content_request");
  return body;
}

GeminiAsChat gemini_to_chat_request(const Json& body, std::string_view model, bool stream, Changes& changes) {
  expect_object(body, "body");
  GeminiAsChat r;
  Json& chat = r.chat = Json::object();
  chat["model"] = model;

  std::string p;
  if (member(body, "cachedContent", "cached_content", "", p))
    bad(p, "not supported: this gateway stores no cached contents; send the whole conversation in contents");
  Contents contents(changes);
  if (const Json* si = member(body, "systemInstruction", "system_instruction", "", p)) contents.system(*si, p);
  const Json& list = expect_array(require(body, "contents", ""), "contents");
  if (list.empty()) bad("contents", "must not be empty");
  for (size_t i = 0; i < list.size(); ++i) contents.content(list[i], i, at("contents", i));
  chat["messages"] = std::move(contents.messages);

  if (const Json* tools = find(body, "tools")) {
    Json converted = gemini_fields::convert_tools(*tools, "tools", changes);
    if (!converted.empty()) chat["tools"] = std::move(converted);
  }
  if (const Json* tc = member(body, "toolConfig", "tool_config", "", p)) {
    if (!chat.contains("tools"))
      changes.drop("no functionDeclarations", p);
    else if (Json choice = gemini_fields::convert_tool_config(*tc, p, chat["tools"], changes); !choice.is_null())
      chat["tool_choice"] = std::move(choice);
  }
  if (const Json* g = member(body, "generationConfig", "generation_config", "", p))
    gemini_fields::convert_generation(*g, p, chat, r.include_thoughts, changes);
  if (member(body, "safetySettings", "safety_settings", "", p))
    changes.drop("Gemini's own; the upstream applies its content filters", p);
  if (stream) {
    chat["stream"] = true;
    chat["stream_options"] = {{"include_usage", true}};  // the last chunk carries usageMetadata
  }
  static constexpr std::string_view kKnown[] = {
      "model",           "contents",      "systemInstruction", "system_instruction", "tools",
      "toolConfig",      "tool_config",   "generationConfig",  "generation_config",  "safetySettings",
      "safety_settings", "cachedContent", "cached_content"};
  for (const auto& [key, value] : body.items())
    if (!value.is_null() && std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
      changes.drop("not in Chat Completions", key);  // labels, …
  return r;
}

}  // namespace aicore::mapping
