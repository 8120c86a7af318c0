// Chat completion -> Response object, and the pieces the stream shares (aicore/mapping/responses.hpp).
#include "json_util.hpp"
#include "responses_shape.hpp"

#include <aicore/mapping/responses.hpp>

namespace aicore::mapping {

using namespace detail;

std::string encode_reasoning(const Json& thinking_blocks) {
  return std::string(kThinkingTag) + base64_encode(dump(thinking_blocks));
}

Json decode_reasoning(std::string_view encrypted_content) {
  if (!encrypted_content.starts_with(kThinkingTag)) return Json::array();
  const auto bytes = base64_decode_strict(encrypted_content.substr(kThinkingTag.size()));
  if (!bytes) return Json::array();
  Json blocks = parse_embedded_json(*bytes);
  if (!blocks.is_array()) return Json::array();
  return blocks;
}

Json responses_usage(const Json& u) {
  if (!u.is_object()) return nullptr;
  const int64_t input = int_or(u, "prompt_tokens", 0), output = int_or(u, "completion_tokens", 0);
  int64_t cached = 0, reasoning = 0;
  if (const Json* d = find(u, "prompt_tokens_details")) cached = int_or(*d, "cached_tokens", 0);
  if (const Json* d = find(u, "completion_tokens_details")) reasoning = int_or(*d, "reasoning_tokens", 0);
  return {{"input_tokens", input},
          {"input_tokens_details", {{"cached_tokens", cached}}},
          {"output_tokens", output},
          {"output_tokens_details", {{"reasoning_tokens", reasoning}}},
          {"total_tokens", int_or(u, "total_tokens", input + output)}};
}

namespace responses_shape {

std::string base_id(const Json& chat) {
  std::string id = strip_id_prefix(str_or(chat, "id"));
  return id.empty() ? "0" : id;
}

Json response(const Json& echo, std::string_view id, int64_t created, std::string_view status, Json output,
              Json usage) {
  Json r{{"id", "resp_" + std::string(id)},
         {"object", "response"},
         {"created_at", created},
         {"status", status},
         {"error", nullptr},
         {"incomplete_details", nullptr}};
  for (const char* key : {"instructions", "max_output_tokens", "model", "parallel_tool_calls"})
    r[key] = echo.value(key, Json());
  r["output"] = std::move(output);
  r["previous_response_id"] = nullptr;
  for (const char* key : {"reasoning", "store", "temperature", "text", "tool_choice", "tools", "top_p", "truncation"})
    r[key] = echo.value(key, Json());
  r["usage"] = std::move(usage);
  r["user"] = echo.value("user", Json());
  r["metadata"] = echo.value("metadata", Json::object());
  return r;
}

void settle(Json& r, std::string_view finish_reason) {
  if (finish_reason == "length" || finish_reason == "content_filter") {
    r["status"] = "incomplete";
    r["incomplete_details"] = {{"reason", finish_reason == "length" ? "max_output_tokens" : "content_filter"}};
  }
}

Json reasoning_item(std::string_view id, const std::string& text, const Json& thinking_blocks, bool encrypted) {
  Json item{{"id", "rs_" + std::string(id)}, {"type", "reasoning"}, {"summary", Json::array()}};
  if (!text.empty()) item["summary"].push_back({{"type", "summary_text"}, {"text", text}});
  if (encrypted && thinking_blocks.is_array() && !thinking_blocks.empty())
    item["encrypted_content"] = encode_reasoning(thinking_blocks);
  return item;
}

Json text_part(const std::string& text) {
  return {{"type", "output_text"}, {"annotations", Json::array()}, {"logprobs", Json::array()}, {"text", text}};
}

Json message_item(std::string_view id, std::string_view status, Json content) {
  return {{"id", "msg_" + std::string(id)},
          {"type", "message"},
          {"status", status},
          {"content", std::move(content)},
          {"role", "assistant"}};
}

Json call_item(std::string_view id, size_t n, std::string_view status, const std::string& call_id,
               const std::string& name, const std::string& arguments) {
  return {{"id", "fc_" + std::string(id) + "_" + std::to_string(n)},
          {"type", "function_call"},
          {"status", status},
          {"arguments", arguments},
          {"call_id", call_id},
          {"name", name}};
}

}  // namespace responses_shape

Json chat_to_responses_response(const Json& chat, const Json& echo, bool encrypted) {
  using namespace responses_shape;
  if (!chat.is_object()) throw upstream_error("chat completion: not a JSON object");
  const std::string id = base_id(chat);
  Json output = Json::array();
  std::string finish;
  if (const Json* choices = find(chat, "choices"); choices && choices->is_array() && !choices->empty()) {
    const Json& choice = (*choices)[0];
    finish = str_or(choice, "finish_reason");
    const Json* msg = find(choice, "message");
    if (!msg || !msg->is_object()) throw upstream_error("chat completion: choices[0].message missing");
    const std::string reasoning = str_or(*msg, "reasoning_content");
    const Json* blocks = find(*msg, "thinking_blocks");
    if (!reasoning.empty() || (blocks && blocks->is_array() && !blocks->empty()))
      output.push_back(reasoning_item(id, reasoning, blocks ? *blocks : Json(), encrypted));
    Json content = Json::array();
    if (std::string text = str_or(*msg, "content"); !text.empty()) content.push_back(text_part(text));
    if (std::string refusal = str_or(*msg, "refusal"); !refusal.empty())
      content.push_back({{"type", "refusal"}, {"refusal", refusal}});
    if (!content.empty())
      output.push_back(message_item(id, finish == "length" ? "incomplete" : "completed", std::move(content)));
    if (const Json* calls = find(*msg, "tool_calls"); calls && calls->is_array())
      for (const Json& c : *calls) {
        const Json* fn = find(c, "function");
        if (!fn) continue;
        output.push_back(
            call_item(id, output.size(), "completed", str_or(c, "id"), str_or(*fn, "name"), str_or(*fn, "arguments")));
      }
  }
  Json r = response(echo, id, int_or(chat, "created", 0), "completed", std::move(output),
                    responses_usage(chat.value("usage", Json())));
  if (r["model"].is_null() || r["model"] == "") r["model"] = str_or(chat, "model");
  settle(r, finish);
  return r;
}

}  // namespace aicore::mapping
