#include "azure_chat_response.hpp"

#include "sse_writer.hpp"
#include "text.hpp"

namespace aicore::emulator {

namespace {

const Json& safeFilters() {
  static const Json j = {{"hate", {{"filtered", false}, {"severity", "safe"}}},
                         {"self_harm", {{"filtered", false}, {"severity", "safe"}}},
                         {"sexual", {{"filtered", false}, {"severity", "safe"}}},
                         {"violence", {{"filtered", false}, {"severity", "safe"}}}};
  return j;
}

Json promptFilterResults() { return Json::array({{{"prompt_index", 0}, {"content_filter_results", safeFilters()}}}); }

const char* finishName(Reply::Finish f) {
  switch (f) {
    case Reply::Finish::Length:
      return "length";
    case Reply::Finish::ToolCalls:
      return "tool_calls";
    case Reply::Finish::Stop:
      break;
  }
  return "stop";
}

Json usageJson(const CompletionMeta& m, int n) {
  const int64_t completion = m.completionTokens * n;
  return {{"completion_tokens", completion},
          {"completion_tokens_details",
           {{"accepted_prediction_tokens", 0},
            {"audio_tokens", 0},
            {"reasoning_tokens", m.reasoningTokens * n},
            {"rejected_prediction_tokens", 0}}},
          {"prompt_tokens", m.promptTokens},
          {"prompt_tokens_details", {{"audio_tokens", 0}, {"cached_tokens", 0}}},
          {"total_tokens", m.promptTokens + completion}};
}

std::string toolCallId(const Reply& r) { return "call_" + r.toolCallHash; }

}  // namespace

std::string completionJson(const CompletionMeta& meta, const Reply& reply, int n) {
  Json message;
  if (reply.isToolCall) {
    message = {
        {"content", nullptr},
        {"refusal", nullptr},
        {"role", "assistant"},
        {"tool_calls", Json::array({{{"function", {{"arguments", reply.toolArguments}, {"name", reply.toolName}}},
                                     {"id", toolCallId(reply)},
                                     {"type", "function"}}})}};
  } else {
    message = {{"content", reply.text}, {"refusal", nullptr}, {"role", "assistant"}};
  }
  Json choices = Json::array();
  for (int i = 0; i < n; ++i)
    choices.push_back({{"content_filter_results", reply.isToolCall ? Json::object() : safeFilters()},
                       {"finish_reason", finishName(reply.finish)},
                       {"index", i},
                       {"logprobs", nullptr},
                       {"message", message}});
  Json body = {{"choices", std::move(choices)},
               {"created", meta.created},
               {"id", meta.id},
               {"model", meta.model},
               {"object", "chat.completion"},
               {"prompt_filter_results", promptFilterResults()},
               {"system_fingerprint", meta.fingerprint},
               {"usage", usageJson(meta, n)}};
  return dump(body);
}

void streamCompletion(SseWriter& out, const CompletionMeta& meta, const Reply& reply, int n, bool includeUsage) {
  // Azure's first event: no choices, empty id/model/object, created 0, only the prompt filters.
  Json first = {{"choices", Json::array()},
                {"created", 0},
                {"id", ""},
                {"model", ""},
                {"object", ""},
                {"prompt_filter_results", promptFilterResults()}};
  if (!out.data(dump(first))) return;

  // Every chunk is {"choices":[…]} followed by the same fields; render that tail once.
  Json tailJ = {{"created", meta.created},
                {"id", meta.id},
                {"model", meta.model},
                {"object", "chat.completion.chunk"},
                {"system_fingerprint", meta.fingerprint},
                {"usage", nullptr}};
  std::string tail = dump(tailJ);  // {"created":…,"usage":null}
  tail[0] = ',';
  auto chunk = [&](const Json& filters, const Json& delta, const Json& finish, int index) {
    Json choice = {{"content_filter_results", filters},
                   {"delta", delta},
                   {"finish_reason", finish},
                   {"index", index},
                   {"logprobs", nullptr}};
    return out.data("{\"choices\":[" + dump(choice) + "]" + tail);
  };
  const Json empty = Json::object();

  for (int i = 0; i < n; ++i) {
    if (reply.isToolCall) {
      Json call = {{"function", {{"arguments", ""}, {"name", reply.toolName}}},
                   {"id", toolCallId(reply)},
                   {"index", 0},
                   {"type", "function"}};
      Json delta = {
          {"content", nullptr}, {"refusal", nullptr}, {"role", "assistant"}, {"tool_calls", Json::array({call})}};
      if (!chunk(empty, delta, nullptr, i)) return;
      for (std::string_view piece : splitBytes(reply.toolArguments, 8)) {
        Json frag = {{"tool_calls", Json::array({{{"function", {{"arguments", piece}}}, {"index", 0}}})}};
        if (!chunk(empty, frag, nullptr, i)) return;
      }
    } else {
      if (!chunk(empty, Json{{"content", ""}, {"role", "assistant"}}, nullptr, i)) return;
      for (std::string_view word : splitWords(reply.text))
        if (!chunk(safeFilters(), Json{{"content", word}}, nullptr, i)) return;
    }
    if (!chunk(empty, empty, finishName(reply.finish), i)) return;
  }

  if (includeUsage) {
    Json usage = tailJ;
    usage["usage"] = usageJson(meta, n);
    std::string s = dump(usage);
    if (!out.data("{\"choices\":[]," + s.substr(1))) return;
  }
  out.done();
}

}  // namespace aicore::emulator
