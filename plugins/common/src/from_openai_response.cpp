// OpenAI chat.completion -> Anthropic message (the response side of anthropic_to_openai_request).
#include <aicore/mapping/anthropic_to_openai.hpp>
#include <aicore/mapping/reasons.hpp>

#include "json_util.hpp"
#include "usage.hpp"

namespace aicore::mapping {

using namespace detail;

namespace {

// Content parts (some servers send arrays) or a string -> text.
std::string content_text(const Json& c) {
  if (c.is_string()) return c.get<std::string>();
  std::string out;
  if (c.is_array())
    for (const Json& p : c)
      if (str_or(p, "type") == "text") out += str_or(p, "text");
  return out;
}

}  // namespace

Json openai_to_anthropic_response(const Json& completion, std::string_view model) {
  if (!completion.is_object()) throw upstream_error("chat completion: not a JSON object");
  const Json* choices = find(completion, "choices");
  if (!choices || !choices->is_array() || choices->empty() || !(*choices)[0].is_object())
    throw upstream_error("chat completion: no choices");
  const Json& choice = (*choices)[0];
  const Json* msg = find(choice, "message");
  if (!msg || !msg->is_object()) throw upstream_error("chat completion: choices[0].message missing");

  Json content = Json::array();
  std::string reasoning = str_or(*msg, "reasoning_content");
  if (reasoning.empty()) reasoning = str_or(*msg, "reasoning");
  if (!reasoning.empty()) {
    Json b = Json::object();
    b["type"] = "thinking";
    b["thinking"] = reasoning;
    b["signature"] = "";
    content.push_back(std::move(b));
  }
  std::string text;
  if (const Json* c = find(*msg, "content")) text = content_text(*c);
  std::string refusal = str_or(*msg, "refusal");
  if (text.empty() && !refusal.empty()) text = refusal;
  if (!text.empty()) {
    Json b = Json::object();
    b["type"] = "text";
    b["text"] = text;
    content.push_back(std::move(b));
  }
  bool tools = false;
  if (const Json* calls = find(*msg, "tool_calls"); calls && calls->is_array()) {
    for (const Json& call : *calls) {
      const Json* fn = find(call, "function");
      if (!fn) continue;
      Json input = parse_lenient(str_or(*fn, "arguments", "{}"));
      // Arguments cut short (finish_reason "length") or otherwise broken: Anthropic's input must be
      // an object, so the fragment is kept where a client can still see it.
      if (input.is_discarded() || !input.is_object()) {
        std::string raw = str_or(*fn, "arguments");
        input = Json::object();
        if (raw.find_first_not_of(" \t\r\n") != std::string::npos) input["_raw_arguments"] = raw;
      }
      Json b = Json::object();
      b["type"] = "tool_use";
      b["id"] = str_or(call, "id");
      b["name"] = str_or(*fn, "name");
      b["input"] = std::move(input);
      content.push_back(std::move(b));
      tools = true;
    }
  }

  std::string finish = str_or(choice, "finish_reason");
  std::string stop(anthropic_stop_reason(finish));
  if (stop.empty()) stop = "end_turn";
  if (tools && stop == "end_turn") stop = "tool_use";  // some servers answer tool calls with "stop"
  if (!refusal.empty() && stop == "end_turn") stop = "refusal";

  Json out = Json::object();
  out["id"] = "msg_" + strip_id_prefix(str_or(completion, "id", "unknown"));
  out["type"] = "message";
  out["role"] = "assistant";
  out["model"] = model;
  out["content"] = std::move(content);
  out["stop_reason"] = stop;
  out["stop_sequence"] = nullptr;
  OpenAIUsage u;
  if (const Json* usage = find(completion, "usage")) u.update(*usage);
  out["usage"] = u.anthropic(0);
  return out;
}

}  // namespace aicore::mapping
