#include "chat_stream.hpp"

#include "call_ids.hpp"
#include "chat_response.hpp"

#include <aicore/sse.hpp>

namespace aicore::gemini {

// ---- Gemini response objects -> OpenAI chunk objects --------------------------------------------

GeminiToOpenAIChunks::GeminiToOpenAIChunks(ResponseContext ctx, int64_t created)
    : ctx_(std::move(ctx)), created_(created) {}

Json GeminiToOpenAIChunks::chunk(int index, Json delta, const Json& finish_reason) const {
  return Json{{"id", id_},
              {"object", "chat.completion.chunk"},
              {"created", created_},
              {"model", ctx_.client_model},
              {"choices",
               Json::array({Json{{"index", index}, {"delta", std::move(delta)}, {"finish_reason", finish_reason}}})}};
}

void GeminiToOpenAIChunks::on_response(const Json& r, const OnChunk& out) {
  if (failed_) return;
  if (auto e = r.find("error"); e != r.end() && !e->is_null()) {
    failed_ = true;
    out(Json{{"error", openai_error_object(*e)}});
    return;
  }
  if (id_.empty()) {
    const std::string rid = string_or(r, "responseId");
    id_ = "chatcmpl-" + (rid.empty() ? fingerprint(ctx_.seed + "\nresponse") : rid);
  }
  if (auto u = r.find("usageMetadata"); u != r.end() && u->is_object()) usage_metadata_ = *u;
  check_prompt_blocked(r);
  auto cands = r.find("candidates");
  if (cands == r.end() || !cands->is_array()) return;
  for (size_t i = 0; i < cands->size(); ++i) {
    const Json& cand = (*cands)[i];
    if (!cand.is_object()) throw upstream_error("stream event: candidate is not an object");
    const int index =
        cand.contains("index") && cand["index"].is_number_integer() ? cand["index"].get<int>() : static_cast<int>(i);
    on_candidate(cand, index, out);
  }
}

void GeminiToOpenAIChunks::on_candidate(const Json& cand, int index, const OnChunk& out) {
  Candidate& c = cands_[index];
  if (c.finished) return;  // Vertex sends nothing after a finishReason; ignore it if it did

  // Consecutive parts of one kind form one delta; a change of kind flushes it.
  enum class Kind { None, Reasoning, Content };
  Kind run = Kind::None;
  std::string text;
  auto delta_start = [&]() {
    Json d = Json::object();
    if (!c.started) d["role"] = "assistant";
    c.started = true;
    return d;
  };
  auto flush = [&]() {
    if (run == Kind::None) return;
    Json d = delta_start();
    d[run == Kind::Reasoning ? "reasoning_content" : "content"] = text;
    out(chunk(index, std::move(d), nullptr));
    run = Kind::None;
    text.clear();
  };

  if (auto content = cand.find("content"); content != cand.end() && content->is_object())
    if (auto parts = content->find("parts"); parts != content->end() && parts->is_array())
      for (const Json& p : *parts) {
        if (!p.is_object()) continue;
        if (auto fc = p.find("functionCall"); fc != p.end() && fc->is_object()) {
          flush();
          const std::string name = string_or(*fc, "name");
          const std::string args =
              dump(fc->contains("args") && (*fc)["args"].is_object() ? (*fc)["args"] : Json::object());
          const int ordinal = c.calls++;
          Json call = {{"index", ordinal},
                       {"id", make_call_id(ctx_.seed, index, ordinal, name, args, string_or(p, "thoughtSignature"))},
                       {"type", "function"},
                       {"function", {{"name", name}, {"arguments", args}}}};
          Json d = delta_start();
          if (d.contains("role")) d["content"] = nullptr;
          d["tool_calls"] = Json::array({std::move(call)});
          out(chunk(index, std::move(d), nullptr));
          continue;
        }
        auto t = p.find("text");
        if (t == p.end() || !t->is_string() || t->get_ref<const std::string&>().empty()) continue;
        const Kind kind = bool_or(p, "thought", false) ? Kind::Reasoning : Kind::Content;
        if (kind != run) flush();
        run = kind;
        text += t->get_ref<const std::string&>();
      }
  flush();

  auto fr = cand.find("finishReason");
  if (fr == cand.end() || !fr->is_string() || fr->get<std::string>().empty()) return;
  const std::string reason = fr->get<std::string>();
  if (reason == "MALFORMED_FUNCTION_CALL" && !c.started)
    throw upstream_error("Gemini could not produce a valid function call (finishReason MALFORMED_FUNCTION_CALL)");
  c.finished = true;
  out(chunk(index, delta_start(), openai_finish_reason(reason, c.calls > 0)));
}

Json GeminiToOpenAIChunks::usage_chunk() const {
  Json usage = openai_usage(usage_metadata_);
  if (usage.is_null()) return nullptr;
  return Json{{"id", id_},
              {"object", "chat.completion.chunk"},
              {"created", created_},
              {"model", ctx_.client_model},
              {"choices", Json::array()},
              {"usage", std::move(usage)}};
}

bool GeminiToOpenAIChunks::complete() const {
  if (cands_.empty()) return false;
  for (const auto& [i, c] : cands_)
    if (!c.finished) return false;
  return true;
}

void GeminiToOpenAIChunks::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  Json u = openai_usage(usage_metadata_);
  if (u.is_null()) {
    prompt_tokens = completion_tokens = -1;
    return;
  }
  prompt_tokens = u["prompt_tokens"].get<int64_t>();
  completion_tokens = u["completion_tokens"].get<int64_t>();
}

Usage GeminiToOpenAIChunks::counts() const { return mapping::usage_from_openai(openai_usage(usage_metadata_)); }

namespace {
[[noreturn]] void truncated() { throw upstream_error("upstream stream ended before Gemini's finishReason"); }
}  // namespace

// ---- OpenAI chat stream ---------------------------------------------------------------------

OpenAIChatStream::OpenAIChatStream(const ResponseContext& ctx, int64_t created)
    : GeminiChunkStream(ctx, created), include_usage_(ctx.include_usage) {}

void OpenAIChatStream::on_response(const Json& r, const Sink& events) {
  chunks_.on_response(r, [&](const Json& c) {
    if (auto e = c.find("error"); e != c.end()) mapping::report_stream_error(events, *e);
    events.write(sse_data(dump(c)));
  });
  if (chunks_.failed()) reader_.stop();
  if (r.contains("usageMetadata")) events.usage(chunks_.counts());
}

void OpenAIChatStream::feed(std::string_view bytes, const Sink& events) {
  if (chunks_.failed()) return;
  reader_.feed(bytes, [&](const Json& r) { on_response(r, events); });
}

void OpenAIChatStream::finish(const Sink& events) {
  if (finished_) return;
  finished_ = true;
  if (chunks_.failed()) return;
  const bool whole = reader_.finish([&](const Json& r) { on_response(r, events); });
  if (chunks_.failed()) return;
  if (!whole || !chunks_.complete()) truncated();
  if (include_usage_)
    if (Json u = chunks_.usage_chunk(); !u.is_null()) events.write(sse_data(dump(u)));
  events.write(sse_data("[DONE]"));
  events.end();
}

// ---- Anthropic messages stream --------------------------------------------------------------

AnthropicMessagesStream::AnthropicMessagesStream(const ResponseContext& ctx, int64_t created)
    : GeminiChunkStream(ctx, created),
      anthropic_(mapping::AnthropicStreamOptions{ctx.client_model, ctx.input_tokens_hint}) {}

void AnthropicMessagesStream::on_response(const Json& r, const mapping::Emit& emit) {
  chunks_.on_response(r, [&](const Json& c) { anthropic_.on_chunk(c, emit); });
  if (chunks_.failed()) reader_.stop();
  if (r.contains("usageMetadata")) emit.events().usage(chunks_.counts());
}

void AnthropicMessagesStream::feed(std::string_view bytes, const Sink& events) {
  if (chunks_.failed()) return;
  const mapping::Emit emit(events);
  reader_.feed(bytes, [&](const Json& r) { on_response(r, emit); });
}

void AnthropicMessagesStream::finish(const Sink& events) {
  if (finished_) return;
  finished_ = true;
  if (chunks_.failed()) return;  // the error event was written; the stream is over
  const mapping::Emit emit(events);
  const bool whole = reader_.finish([&](const Json& r) { on_response(r, emit); });
  if (chunks_.failed()) return;
  // Cut short: the host writes the one error event (the shared converter's finish() would add its own).
  if (!whole || !chunks_.complete()) truncated();
  if (Json u = chunks_.usage_chunk(); !u.is_null()) anthropic_.on_chunk(u, emit);
  anthropic_.finish(emit);
}

}  // namespace aicore::gemini
