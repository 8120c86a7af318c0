// Responses API request -> Chat Completions request (aicore/mapping/responses.hpp).
#include "json_util.hpp"

#include <aicore/mapping/responses.hpp>

namespace aicore::mapping {

using namespace detail;

namespace {

// Chat parts from a user/system/developer message's Responses content parts.
Json user_parts(const Json& content, const std::string& path, Changes& changes) {
  Json parts = Json::array();
  for (size_t i = 0; i < content.size(); ++i) {
    const std::string p = at(path, i);
    const Json& part = expect_object(content[i], p);
    const std::string& type = expect_string(require(part, "type", p), p + ".type");
    if (type == "input_text" || type == "output_text") {
      parts.push_back({{"type", "text"}, {"text", expect_string(require(part, "text", p), p + ".text")}});
    } else if (type == "input_image") {
      if (find(part, "file_id")) bad(p + ".file_id", "not supported (this gateway has no file store); send image_url");
      Json image{{"url", expect_string(require(part, "image_url", p), p + ".image_url")}};
      if (const Json* d = find(part, "detail")) image["detail"] = expect_string(*d, p + ".detail");
      parts.push_back({{"type", "image_url"}, {"image_url", std::move(image)}});
    } else if (type == "input_file") {
      if (find(part, "file_id") || find(part, "file_url"))
        bad(p, "only file_data is supported (this gateway has no file store and fetches no URLs)");
      Json file{{"file_data", expect_string(require(part, "file_data", p), p + ".file_data")}};
      if (const Json* n = find(part, "filename")) file["filename"] = expect_string(*n, p + ".filename");
      parts.push_back({{"type", "file"}, {"file", std::move(file)}});
    } else if (type == "input_audio") {
      changes.drop("no upstream here takes audio input", p);
    } else {
      bad(p + ".type", "unknown content part type '" + type + "'");
    }
  }
  return parts;
}

// The text of an assistant message's parts (output_text, refusal) or of a tool output's.
std::string joined_text(const Json& content, const std::string& path, Changes& changes) {
  if (content.is_string()) return content.get<std::string>();
  expect_array(content, path);
  std::string text;
  for (size_t i = 0; i < content.size(); ++i) {
    const std::string p = at(path, i);
    const Json& part = expect_object(content[i], p);
    const std::string type = str_or(part, "type");
    if (type == "output_text" || type == "input_text" || type == "text")
      text += expect_string(require(part, "text", p), p + ".text");
    else if (type == "refusal")
      text += expect_string(require(part, "refusal", p), p + ".refusal");
    else
      changes.drop("only text is carried in assistant turns and tool outputs", p);
  }
  return text;
}

// What reasoning items carry to the assistant turn that follows them.
struct Reasoning {
  std::string text;
  Json thinking_blocks = Json::array();
  bool any = false;
};

void read_reasoning(const Json& item, const std::string& path, Reasoning& r) {
  auto texts = [&](std::string_view key) {
    const Json* list = find(item, key);
    if (!list) return;
    expect_array(*list, dot(path, key));
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& part = expect_object((*list)[i], at(dot(path, key), i));
      if (!r.text.empty()) r.text += "\n\n";
      r.text += str_or(part, "text");
    }
  };
  texts("summary");
  if (r.text.empty()) texts("content");
  r.any = true;
  if (const Json* enc = find(item, "encrypted_content")) {
    Json blocks = decode_reasoning(expect_string(*enc, dot(path, "encrypted_content")));
    for (auto& b : blocks) r.thinking_blocks.push_back(std::move(b));
  }
}

// The chat message an assistant turn continues, or a new one.
Json& assistant_turn(Json& messages, bool& open, Reasoning& pending) {
  if (!open) {
    messages.push_back({{"role", "assistant"}, {"content", nullptr}});
    open = true;
  }
  Json& msg = messages.back();
  if (pending.any) {
    if (!pending.text.empty()) msg["reasoning_content"] = pending.text;
    if (!pending.thinking_blocks.empty()) msg["thinking_blocks"] = std::move(pending.thinking_blocks);
    pending = Reasoning{};
  }
  return msg;
}

Json convert_input(const Json& body, Changes& changes) {
  Json messages = Json::array();
  if (const Json* ins = find(body, "instructions"))
    messages.push_back({{"role", "system"}, {"content", expect_string(*ins, "instructions")}});
  const Json& input = require(body, "input", "");
  if (input.is_string()) {
    messages.push_back({{"role", "user"}, {"content", input}});
    return messages;
  }
  expect_array(input, "input");
  bool assistant_open = false;  // the last message is an assistant turn function calls may join
  Reasoning pending;
  for (size_t i = 0; i < input.size(); ++i) {
    const std::string path = at("input", i);
    const Json& item = expect_object(input[i], path);
    const std::string type = find(item, "type") ? expect_string(item["type"], path + ".type") : "message";
    if (type == "message") {
      const std::string& role = expect_string(require(item, "role", path), path + ".role");
      const Json& content = require(item, "content", path);
      if (role == "assistant") {
        assistant_open = false;
        Json& msg = assistant_turn(messages, assistant_open, pending);
        msg["content"] = joined_text(content, path + ".content", changes);
        continue;
      }
      if (role != "user" && role != "system" && role != "developer")
        bad(path + ".role", "must be user, assistant, system or developer");
      assistant_open = false;
      if (content.is_string())
        messages.push_back({{"role", role}, {"content", content}});
      else
        messages.push_back(
            {{"role", role},
             {"content", user_parts(expect_array(content, path + ".content"), path + ".content", changes)}});
    } else if (type == "function_call") {
      Json call{{"id", expect_string(require(item, "call_id", path), path + ".call_id")},
                {"type", "function"},
                {"function",
                 {{"name", expect_string(require(item, "name", path), path + ".name")},
                  {"arguments", expect_string(require(item, "arguments", path), path + ".arguments")}}}};
      Json& msg = assistant_turn(messages, assistant_open, pending);
      msg["tool_calls"].push_back(std::move(call));
    } else if (type == "function_call_output") {
      assistant_open = false;
      messages.push_back({{"role", "tool"},
                          {"tool_call_id", expect_string(require(item, "call_id", path), path + ".call_id")},
                          {"content", joined_text(require(item, "output", path), path + ".output", changes)}});
    } else if (type == "reasoning") {
      read_reasoning(item, path, pending);
    } else if (type == "item_reference") {
      bad(path, "item references are not supported (this gateway stores no items); send the items themselves");
    } else {
      bad(path + ".type", "input items of type '" + type + "' are not supported");
    }
  }
  return messages;
}

// Built-in tools no upstream behind SAP AI Core runs. web_search is dropped rather than refused:
// Codex CLI sends it by default (with external_web_access false), and the model does without it.
bool dropped_tool(std::string_view type) { return type.starts_with("web_search"); }

Json convert_tools(const Json& tools, Changes& changes) {
  Json out = Json::array();
  expect_array(tools, "tools");
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string path = at("tools", i);
    const Json& t = expect_object(tools[i], path);
    const std::string& type = expect_string(require(t, "type", path), path + ".type");
    if (type == "function") {
      Json fn{{"name", expect_string(require(t, "name", path), path + ".name")}};
      if (const Json* d = find(t, "description")) fn["description"] = expect_string(*d, path + ".description");
      if (const Json* p = find(t, "parameters")) fn["parameters"] = expect_object(*p, path + ".parameters");
      if (const Json* s = find(t, "strict")) fn["strict"] = expect_bool(*s, path + ".strict");
      out.push_back({{"type", "function"}, {"function", std::move(fn)}});
    } else if (dropped_tool(type)) {
      changes.warn("dropped the built-in tool " + type + " (no upstream behind SAP AI Core runs it)");
    } else if (type == "namespace") {
      // Codex CLI groups optional tools (its sub-agent tools) in namespaces; a call to one would
      // need the namespace back, which Chat Completions cannot carry. The agent works without them.
      changes.warn("dropped the tool namespace " + str_or(t, "name") + " (Chat Completions has no tool namespaces)");
    } else {
      bad(path + ".type", "the built-in tool '" + type +
                              "' is not supported (no upstream behind SAP AI Core runs it); use function tools");
    }
  }
  return out;
}

Json convert_tool_choice(const Json& choice) {
  if (choice.is_string()) {
    const std::string& c = choice.get_ref<const std::string&>();
    if (c != "auto" && c != "none" && c != "required") bad("tool_choice", "must be auto, none or required");
    return choice;
  }
  expect_object(choice, "tool_choice");
  if (str_or(choice, "type") != "function")
    bad("tool_choice.type", "only function tool choices are supported (no built-in tools run here)");
  return {{"type", "function"},
          {"function", {{"name", expect_string(require(choice, "name", "tool_choice"), "tool_choice.name")}}}};
}

Json convert_format(const Json& text, Changes& changes) {
  expect_object(text, "text");
  if (find(text, "verbosity")) changes.drop("not in Chat Completions", "text.verbosity");
  const Json* format = find(text, "format");
  if (!format) return nullptr;
  expect_object(*format, "text.format");
  const std::string& type = expect_string(require(*format, "type", "text.format"), "text.format.type");
  if (type == "text") return nullptr;
  if (type == "json_object") return {{"type", "json_object"}};
  if (type != "json_schema") bad("text.format.type", "must be text, json_object or json_schema");
  Json schema{{"name", expect_string(require(*format, "name", "text.format"), "text.format.name")},
              {"schema", expect_object(require(*format, "schema", "text.format"), "text.format.schema")}};
  if (const Json* d = find(*format, "description"))
    schema["description"] = expect_string(*d, "text.format.description");
  if (const Json* s = find(*format, "strict")) schema["strict"] = expect_bool(*s, "text.format.strict");
  return {{"type", "json_schema"}, {"json_schema", std::move(schema)}};
}

}  // namespace

ResponsesAsChat responses_to_chat_request(const Json& body, Changes& changes) {
  expect_object(body, "body");
  for (const char* key : {"previous_response_id", "conversation"})
    if (find(body, key))
      bad(key, "not supported: this gateway stores no responses; send the whole conversation in input (store: false)");
  if (const Json* b = find(body, "background"); b && expect_bool(*b, "background"))
    bad("background", "background responses are not supported");
  if (find(body, "prompt")) bad("prompt", "stored prompt templates are not supported");

  ResponsesAsChat r;
  Json& chat = r.chat = Json::object();
  if (const Json* m = find(body, "model")) chat["model"] = expect_string(*m, "model");
  chat["messages"] = convert_input(body, changes);

  Json echo{{"instructions", nullptr},
            {"max_output_tokens", nullptr},
            {"model", chat.value("model", "")},
            {"parallel_tool_calls", true},
            {"reasoning", {{"effort", nullptr}, {"summary", nullptr}}},
            {"store", false},
            {"temperature", 1.0},
            {"text", {{"format", {{"type", "text"}}}}},
            {"tool_choice", "auto"},
            {"tools", Json::array()},
            {"top_p", 1.0},
            {"truncation", "disabled"},
            {"user", nullptr},
            {"metadata", Json::object()}};
  if (const Json* ins = find(body, "instructions")) echo["instructions"] = *ins;

  if (const Json* tools = find(body, "tools")) {
    Json converted = convert_tools(*tools, changes);
    if (!converted.empty()) chat["tools"] = std::move(converted);
    echo["tools"] = *tools;
  }
  if (const Json* c = find(body, "tool_choice")) {
    if (chat.contains("tools")) chat["tool_choice"] = convert_tool_choice(*c);
    echo["tool_choice"] = *c;
  }
  if (const Json* p = find(body, "parallel_tool_calls")) {
    if (chat.contains("tools")) chat["parallel_tool_calls"] = expect_bool(*p, "parallel_tool_calls");
    echo["parallel_tool_calls"] = *p;
  }
  if (const Json* reasoning = find(body, "reasoning")) {
    expect_object(*reasoning, "reasoning");
    if (const Json* e = find(*reasoning, "effort")) chat["reasoning_effort"] = expect_string(*e, "reasoning.effort");
    if (find(*reasoning, "summary") || find(*reasoning, "generate_summary"))
      changes.note("reasoning summaries: whatever reasoning text the upstream returns");
    echo["reasoning"] = {{"effort", reasoning->value("effort", Json())},
                         {"summary", reasoning->value("summary", Json())}};
  }
  if (const Json* m = find(body, "max_output_tokens")) {
    chat["max_completion_tokens"] = expect_positive_int(*m, "max_output_tokens");
    echo["max_output_tokens"] = *m;
  }
  for (const char* key : {"temperature", "top_p"})
    if (const Json* v = find(body, key)) {
      expect_number(*v, key);
      chat[key] = *v;
      echo[key] = *v;
    }
  if (const Json* text = find(body, "text")) {
    if (Json format = convert_format(*text, changes); !format.is_null()) chat["response_format"] = std::move(format);
    echo["text"] = *text;
  }
  if (const Json* u = find(body, "user")) {
    chat["user"] = expect_string(*u, "user");
    echo["user"] = *u;
  }
  if (const Json* m = find(body, "metadata")) echo["metadata"] = *m;
  if (const Json* inc = find(body, "include")) {
    expect_array(*inc, "include");
    for (const Json& v : *inc)
      if (v == "reasoning.encrypted_content") r.encrypted = true;
  }
  const bool stream = find(body, "stream") && expect_bool(body["stream"], "stream");
  if (stream) {
    chat["stream"] = true;
    chat["stream_options"] = {{"include_usage", true}};  // response.completed carries the usage
  }
  static constexpr const char* kKnown[] = {"model",
                                           "input",
                                           "instructions",
                                           "tools",
                                           "tool_choice",
                                           "parallel_tool_calls",
                                           "reasoning",
                                           "max_output_tokens",
                                           "temperature",
                                           "top_p",
                                           "text",
                                           "user",
                                           "metadata",
                                           "include",
                                           "stream",
                                           "background",
                                           "previous_response_id",
                                           "conversation",
                                           "prompt"};
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known && !value.is_null()) changes.drop("not in Chat Completions", key);
  }
  if (const Json* t = find(body, "truncation")) echo["truncation"] = *t;
  r.echo = std::move(echo);
  return r;
}

}  // namespace aicore::mapping
