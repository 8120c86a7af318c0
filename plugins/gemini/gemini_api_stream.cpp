#include "gemini_api_stream.hpp"

#include "gemini_api_response.hpp"

#include <aicore/sse.hpp>
#include <aicore/stream_errors.hpp>

namespace aicore::gemini {
namespace {

// Google's status name for an HTTP status, for an error object that lacks one.
std::string_view status_name(int http) {
  switch (http) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 429: return "RESOURCE_EXHAUSTED";
    case 503: return "UNAVAILABLE";
    case 504: return "DEADLINE_EXCEEDED";
    default: return "INTERNAL";
  }
}

}  // namespace

void GeminiApiStream::feed(std::string_view bytes, const Sink& events) {
  if (failed_) return;
  reader_.feed(bytes, [&](const Json& r) { on_response(r, events); });
}

void GeminiApiStream::finish(const Sink& events) {
  if (done_) return;
  done_ = true;
  if (failed_) return;  // the error event ended the stream
  const bool whole = reader_.finish([&](const Json& r) { on_response(r, events); });
  if (failed_) return;
  if (!whole || !complete()) throw upstream_error("upstream stream ended before Gemini's finishReason");
  events.end();
}

void GeminiApiStream::usage(int64_t& prompt_tokens, int64_t& completion_tokens) const {
  prompt_tokens = usage_.input_tokens;
  completion_tokens = usage_.output_tokens;
}

void GeminiApiStream::on_response(Json r, const Sink& events) {
  if (failed_) return;
  if (auto e = r.find("error"); e != r.end() && !e->is_null()) return on_error(*e, events);
  if (auto cands = r.find("candidates"); cands != r.end() && cands->is_array())
    for (size_t i = 0; i < cands->size(); ++i) {
      const Json& c = (*cands)[i];
      if (!c.is_object()) continue;
      auto index = c.find("index");
      const int n = index != c.end() && index->is_number_integer() ? index->get<int>() : static_cast<int>(i);
      bool& finished = finished_[n];
      if (auto fr = c.find("finishReason");
          fr != c.end() && fr->is_string() && !fr->get_ref<const std::string&>().empty())
        finished = true;
    }
  if (auto pf = r.find("promptFeedback"); pf != r.end() && pf->is_object() && pf->contains("blockReason"))
    blocked_ = true;
  rewrite_model_version(r, ctx_);
  events.write(sse_data(dump(r)));
  if (auto u = r.find("usageMetadata"); u != r.end() && u->is_object()) {
    usage_ = gemini_api_usage(*u);
    events.usage(usage_);
  }
}

void GeminiApiStream::on_error(const Json& e, const Sink& events) {
  failed_ = true;
  reader_.stop();   // nothing after the error is read, however the bytes were split
  int numeric = 0;  // Google's HTTP code
  if (e.is_object())
    if (auto code = e.find("code"); code != e.end() && code->is_number_integer()) numeric = code->get<int>();
  std::string status = string_or(e, "status");
  std::string message = e.is_string() ? e.get<std::string>() : string_or(e, "message", dump(e));
  // Google's status names first (RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL ...), else the code.
  const std::string code_text = !status.empty() ? status : numeric ? std::to_string(numeric) : std::string();
  StreamErrorClass c = classify_stream_error("", code_text, message);
  if (!e.is_object() && c.cls == ACP_UPSTREAM_FATAL) c = classify_stream_error("api_error", "", message);
  // A client error the table does not name (INVALID_ARGUMENT, FAILED_PRECONDITION ...) keeps its code.
  if (c.cls == ACP_UPSTREAM_FATAL && numeric >= 400 && numeric < 500) c.http_status = numeric;
  const int http = numeric >= 400 && numeric < 600 ? numeric : c.http_status;
  if (status.empty()) status = status_name(http);
  events.upstream_error(c.cls, c.http_status, status, message);
  Json out = Json::object();
  out["error"] = Json{{"code", http}, {"message", message}, {"status", status}};
  events.write(sse_data(dump(out)));
  events.end();
}

bool GeminiApiStream::complete() const {
  if (blocked_) return true;
  if (finished_.empty()) return false;
  for (const auto& [i, done] : finished_)
    if (!done) return false;
  return true;
}

}  // namespace aicore::gemini
