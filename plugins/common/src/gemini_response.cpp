// Chat completion -> GenerateContentResponse, and the pieces the stream shares
// (aicore/mapping/gemini_api.hpp).
#include "gemini_fields.hpp"
#include "json_util.hpp"

#include <aicore/mapping/gemini_api.hpp>
#include <aicore/mapping/responses.hpp>

#include <algorithm>

namespace aicore::mapping {

using namespace detail;

// kThinkingTag (responses.hpp) goes inside the base64, so the signature is well-formed base64 as a
// Gemini one is.
std::string encode_thought_signature(const Json& thinking_blocks) {
  return base64_encode(std::string(kThinkingTag) + dump(thinking_blocks));
}

Json decode_thought_signature(std::string_view signature) {
  if (signature.starts_with(kThinkingTag)) return decode_reasoning(signature);  // the Responses form
  const std::optional<std::string> bytes = base64_decode_strict(signature);
  if (!bytes || !std::string_view(*bytes).starts_with(kThinkingTag)) return Json::array();
  Json blocks = parse_embedded_json(std::string_view(*bytes).substr(kThinkingTag.size()));
  return blocks.is_array() ? blocks : Json::array();
}

std::optional<Json> gemini_fields::function_call_part(const std::string& id, const std::string& name,
                                                      const std::string& arguments) {
  Json args = Json::object();
  if (arguments.find_first_not_of(" \t\r\n") != std::string::npos) {
    args = parse_lenient(arguments);
    if (!args.is_object()) return std::nullopt;
  }
  Json call{{"name", name}, {"args", std::move(args)}};
  if (!id.empty()) call["id"] = id;  // @google/genai's FunctionCall.id; clients answer with it
  return Json{{"functionCall", std::move(call)}};
}

Json gemini_usage(const Json& u) {
  if (!u.is_object()) return nullptr;
  const int64_t prompt = int_or(u, "prompt_tokens", 0), completion = int_or(u, "completion_tokens", 0);
  int64_t cached = 0, thoughts = 0;
  if (const Json* d = find(u, "prompt_tokens_details")) cached = int_or(*d, "cached_tokens", 0);
  if (const Json* d = find(u, "completion_tokens_details")) thoughts = int_or(*d, "reasoning_tokens", 0);
  // Chat counts reasoning inside completion_tokens; Gemini reports thoughts beside the candidates.
  Json m{{"promptTokenCount", prompt},
         {"candidatesTokenCount", std::max<int64_t>(0, completion - thoughts)},
         {"totalTokenCount", int_or(u, "total_tokens", prompt + completion)}};
  if (cached > 0) m["cachedContentTokenCount"] = cached;
  if (thoughts > 0) m["thoughtsTokenCount"] = thoughts;
  return m;
}

std::string_view gemini_finish_reason(std::string_view r) {
  if (r == "length") return "MAX_TOKENS";
  if (r == "content_filter") return "SAFETY";
  return "STOP";  // stop, tool_calls, function_call, and none given
}

Json gemini_error(int http_status, std::string_view message) {
  if (http_status < 400 || http_status > 599) http_status = 500;  // the SDKs raise only for 4xx/5xx
  std::string_view status = http_status == 401   ? "UNAUTHENTICATED"
                            : http_status == 403 ? "PERMISSION_DENIED"
                            : http_status == 404 ? "NOT_FOUND"
                            : http_status == 429 ? "RESOURCE_EXHAUSTED"
                            : http_status == 503 ? "UNAVAILABLE"
                            : http_status == 504 ? "DEADLINE_EXCEEDED"
                            : http_status >= 500 ? "INTERNAL"
                                                 : "INVALID_ARGUMENT";
  return {{"error", {{"code", http_status}, {"message", message}, {"status", status}}}};
}

Json chat_to_gemini_response(const Json& chat, std::string_view model_version, bool include_thoughts) {
  if (!chat.is_object()) throw upstream_error("chat completion: not a JSON object");
  Json parts = Json::array();
  std::string_view finish = "STOP";
  if (const Json* choices = find(chat, "choices"); choices && choices->is_array() && !choices->empty()) {
    const Json& choice = (*choices)[0];
    finish = gemini_finish_reason(str_or(choice, "finish_reason"));
    const Json* msg = find(choice, "message");
    if (!msg || !msg->is_object()) throw upstream_error("chat completion: choices[0].message missing");
    if (const std::string r = str_or(*msg, "reasoning_content"); include_thoughts && !r.empty())
      parts.push_back({{"text", r}, {"thought", true}});
    std::string text = str_or(*msg, "content");
    if (text.empty()) text = str_or(*msg, "refusal");
    if (!text.empty()) parts.push_back({{"text", text}});
    if (const Json* calls = find(*msg, "tool_calls"); calls && calls->is_array())
      for (const Json& c : *calls) {
        const Json* fn = find(c, "function");
        if (!fn) continue;
        auto part = gemini_fields::function_call_part(str_or(c, "id"), str_or(*fn, "name"), str_or(*fn, "arguments"));
        if (part)
          parts.push_back(std::move(*part));
        else if (finish != "MAX_TOKENS")
          finish = "MALFORMED_FUNCTION_CALL";  // Gemini's own word for it; clients retry
      }
    // Claude's signed thinking rides on the first part after the thoughts, which clients keep
    // (Gemini CLI drops thought parts from its history).
    if (const Json* blocks = find(*msg, "thinking_blocks"); blocks && blocks->is_array() && !blocks->empty()) {
      auto first = std::find_if(parts.begin(), parts.end(), [](const Json& p) { return !p.contains("thought"); });
      if (first == parts.end()) first = parts.insert(parts.end(), Json{{"text", ""}});
      (*first)["thoughtSignature"] = encode_thought_signature(*blocks);
    }
  }
  Json candidate = Json::object();
  if (!parts.empty()) candidate["content"] = {{"role", "model"}, {"parts", std::move(parts)}};
  candidate["finishReason"] = finish;
  candidate["index"] = 0;
  Json r{{"candidates", Json::array({std::move(candidate)})}};
  if (Json usage = gemini_usage(chat.value("usage", Json())); !usage.is_null()) r["usageMetadata"] = std::move(usage);
  r["modelVersion"] = model_version.empty() ? str_or(chat, "model") : std::string(model_version);
  r["responseId"] = strip_id_prefix(str_or(chat, "id"));
  return r;
}

}  // namespace aicore::mapping
