// Anthropic message -> OpenAI chat.completion (the response side of openai_to_anthropic_request).
#include <aicore/mapping/openai_to_anthropic.hpp>
#include <aicore/mapping/reasons.hpp>

#include "json_util.hpp"
#include "usage.hpp"

namespace aicore::mapping {

using namespace detail;

Json anthropic_to_openai_response(const Json& message, std::string_view model, int64_t created,
                                  const FromAnthropicOptions& opt) {
  if (!message.is_object()) throw upstream_error("message: not a JSON object");
  const Json* content = find(message, "content");
  if (!content || !content->is_array()) throw upstream_error("message: no content array");

  std::string text, reasoning, json_text;
  bool has_text = false, has_reasoning = false, has_json = false;
  Json tool_calls = Json::array();
  Json thinking_blocks = Json::array();
  for (const Json& b : *content) {
    const std::string type = str_or(b, "type");
    if (type == "text") {
      text += str_or(b, "text");
      has_text = true;
    } else if (type == "thinking") {
      reasoning += str_or(b, "thinking");
      has_reasoning = true;
      thinking_blocks.push_back(b);
    } else if (type == "redacted_thinking") {
      thinking_blocks.push_back(b);
    } else if (type == "tool_use") {
      const Json* input = find(b, "input");
      const std::string name = str_or(b, "name");
      if (opt.json_response_tool && name == kJsonResponseTool) {
        json_text += input ? dump(*input) : "{}";
        has_json = true;
        continue;
      }
      Json fn = Json::object();
      fn["name"] = name;
      fn["arguments"] = input ? dump(*input) : "{}";
      Json call = Json::object();
      call["id"] = str_or(b, "id");
      call["type"] = "function";
      call["function"] = std::move(fn);
      tool_calls.push_back(std::move(call));
    }
    // server_tool_use, web_search_tool_result, …: nothing an OpenAI client can take.
  }
  if (has_json) {  // the structured answer replaces any preamble text
    text = std::move(json_text);
    has_text = true;
  }

  Json msg = Json::object();
  msg["role"] = "assistant";
  msg["content"] = has_text ? Json(text) : Json(nullptr);
  msg["refusal"] = nullptr;
  if (has_reasoning) msg["reasoning_content"] = reasoning;
  if (!thinking_blocks.empty()) msg["thinking_blocks"] = std::move(thinking_blocks);
  if (!tool_calls.empty()) msg["tool_calls"] = std::move(tool_calls);

  std::string stop = str_or(message, "stop_reason");
  std::string_view finish = openai_finish_reason(stop);
  if (stop == "tool_use" && !msg.contains("tool_calls")) finish = "stop";  // only the json tool was called
  if (finish.empty()) finish = "stop";

  Json choice = Json::object();
  choice["index"] = 0;
  choice["message"] = std::move(msg);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = finish;

  Json out = Json::object();
  out["id"] = "chatcmpl-" + strip_id_prefix(str_or(message, "id", "msg_unknown"));
  out["object"] = "chat.completion";
  out["created"] = created;
  out["model"] = model;
  out["choices"] = Json::array({std::move(choice)});
  AnthropicUsage u;
  if (const Json* usage = find(message, "usage")) u.update(*usage);
  out["usage"] = u.openai();
  return out;
}

}  // namespace aicore::mapping
