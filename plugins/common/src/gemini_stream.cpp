// Chat completion chunks -> Gemini stream chunks (aicore/mapping/gemini_api.hpp).
//
// Every chunk is a whole GenerateContentResponse with the parts that are new: a text or thought
// fragment as soon as it arrives, a function call only once complete (Gemini streams calls whole;
// clients read chunk.functionCalls as finished calls), so a call is held until the next call or
// other content starts, or the stream finishes. The last chunk carries finishReason and
// usageMetadata (chat sends usage after finish_reason, so both wait for finish()).
#include "gemini_fields.hpp"
#include "json_util.hpp"

#include <aicore/mapping/gemini_api.hpp>

namespace aicore::mapping {

using namespace detail;

ChatToGeminiStream::ChatToGeminiStream(std::string model_version, bool include_thoughts)
    : model_version_(std::move(model_version)), include_thoughts_(include_thoughts) {}

Json ChatToGeminiStream::chunk(Json parts) const {
  Json candidate = Json::object();
  if (!parts.empty()) candidate["content"] = {{"role", "model"}, {"parts", std::move(parts)}};
  return {{"candidates", Json::array({std::move(candidate)})}};
}

// Signed thinking seen so far goes with the next part that is not a thought.
Json ChatToGeminiStream::with_signature(Json part) {
  if (!pending_blocks_.empty()) {
    part["thoughtSignature"] = encode_thought_signature(pending_blocks_);
    pending_blocks_ = Json::array();
  }
  return part;
}

void ChatToGeminiStream::emit_part(Json part, const Emit& emit) {
  Json c = chunk(Json::array({std::move(part)}));
  c["candidates"][0]["index"] = 0;
  c["modelVersion"] = model_version_;
  c["responseId"] = response_id_;
  emit("data: " + dump(c) + "\n\n");
}

void ChatToGeminiStream::flush_call(const Emit& emit) {
  if (open_index_ < 0) return;
  done_calls_.insert(open_index_);
  open_index_ = -1;
  auto part = gemini_fields::function_call_part(call_id_, call_name_, call_args_);
  if (part)
    emit_part(with_signature(std::move(*part)), emit);
  else
    malformed_call_ = true;
}

void ChatToGeminiStream::on_chunk(const Json& c, const Emit& emit) {
  if (ended_) return;
  if (response_id_.empty()) response_id_ = strip_id_prefix(str_or(c, "id"));
  if (model_version_.empty()) model_version_ = str_or(c, "model");
  if (const Json* u = find(c, "usage"); u && u->is_object()) usage_ = *u;
  const Json* choices = find(c, "choices");
  if (!choices || !choices->is_array() || choices->empty()) return;
  const Json& choice = (*choices)[0];
  if (std::string fr = str_or(choice, "finish_reason"); !fr.empty()) finish_reason_ = fr;
  const Json* delta = find(choice, "delta");
  if (!delta || !delta->is_object()) return;

  // Claude's signed (or redacted) thinking, at the end of its block.
  if (const Json* blocks = find(*delta, "thinking_blocks"); blocks && blocks->is_array())
    for (const Json& b : *blocks) pending_blocks_.push_back(b);
  if (std::string r = str_or(*delta, "reasoning_content"); !r.empty() && include_thoughts_) {
    flush_call(emit);
    emit_part({{"text", r}, {"thought", true}}, emit);
  }
  std::string text = str_or(*delta, "content");
  if (text.empty()) text = str_or(*delta, "refusal");
  if (!text.empty()) {
    flush_call(emit);
    emit_part(with_signature({{"text", text}}), emit);
  }
  if (const Json* calls = find(*delta, "tool_calls"); calls && calls->is_array())
    for (const Json& call : *calls) {
      const int64_t index = int_or(call, "index", 0);
      const Json* fn = find(call, "function");
      if (index != open_index_) {
        if (done_calls_.count(index))
          throw upstream_error("stream: arguments of tool call " + std::to_string(index) +
                               " resumed after another part");
        flush_call(emit);
        open_index_ = index;
        call_id_ = str_or(call, "id");
        if (call_id_.empty()) call_id_ = "call_" + response_id_ + "_" + std::to_string(index);
        call_name_ = fn ? str_or(*fn, "name") : "";
        call_args_.clear();
      }
      if (fn) call_args_ += str_or(*fn, "arguments");
    }
}

void ChatToGeminiStream::on_error(const Json& error, int http_status, const Emit& emit) {
  if (ended_) return;
  const std::string message = error.is_string() ? error.get<std::string>() : str_or(error, "message", "upstream error");
  if (http_status <= 0) {
    std::string code = str_or(error, "code");
    if (const Json* n = find(error, "code"); n && n->is_number_integer()) code = std::to_string(n->get<int64_t>());
    http_status = classify_stream_error(str_or(error, "type"), code, message).http_status;
  }
  emit("data: " + dump(gemini_error(http_status, message)) + "\n\n");
  ended_ = true;
}

void ChatToGeminiStream::finish(const Emit& emit) {
  if (ended_) return;
  flush_call(emit);
  Json parts = Json::array();
  if (!pending_blocks_.empty()) parts.push_back(with_signature({{"text", ""}}));  // thinking with nothing after it
  Json c = chunk(std::move(parts));
  std::string_view reason = gemini_finish_reason(finish_reason_);
  if (malformed_call_ && reason == "STOP") reason = "MALFORMED_FUNCTION_CALL";
  c["candidates"][0]["finishReason"] = reason;
  c["candidates"][0]["index"] = 0;
  if (Json u = gemini_usage(usage_); !u.is_null()) c["usageMetadata"] = std::move(u);
  c["modelVersion"] = model_version_;
  c["responseId"] = response_id_;
  emit("data: " + dump(c) + "\n\n");
  ended_ = true;
}

}  // namespace aicore::mapping
