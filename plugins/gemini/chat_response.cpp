#include "chat_response.hpp"

#include "call_ids.hpp"

#include <aicore/mapping/upstream.hpp>

#include <aicore/plugin.hpp>

namespace aicore::gemini {

std::string_view openai_finish_reason(std::string_view r, bool called_functions) {
  if (r == "MAX_TOKENS") return "length";
  if (r == "SAFETY" || r == "RECITATION" || r == "BLOCKLIST" || r == "PROHIBITED_CONTENT" || r == "SPII" ||
      r == "IMAGE_SAFETY")
    return "content_filter";
  return called_functions ? "tool_calls" : "stop";
}

static int64_t count(const Json& u, const char* key) {
  auto it = u.find(key);
  return (it != u.end() && it->is_number()) ? it->get<int64_t>() : 0;
}

Json openai_usage(const Json& u) {
  if (!u.is_object()) return nullptr;
  const int64_t prompt = count(u, "promptTokenCount");
  const int64_t thoughts = count(u, "thoughtsTokenCount");
  const int64_t completion = count(u, "candidatesTokenCount") + thoughts;
  return Json{{"prompt_tokens", prompt},
              {"completion_tokens", completion},
              {"total_tokens", prompt + completion},
              {"prompt_tokens_details", {{"cached_tokens", count(u, "cachedContentTokenCount")}}},
              {"completion_tokens_details", {{"reasoning_tokens", thoughts}}}};
}

void check_prompt_blocked(const Json& response) {
  auto c = response.find("candidates");
  if (c != response.end() && c->is_array() && !c->empty()) return;
  auto pf = response.find("promptFeedback");
  if (pf == response.end() || !pf->is_object()) return;
  auto reason = pf->find("blockReason");
  if (reason == pf->end() || !reason->is_string()) return;
  std::string msg = "Gemini refused the prompt (blockReason " + reason->get<std::string>() + ")";
  if (auto m = pf->find("blockReasonMessage"); m != pf->end() && m->is_string() && !m->get<std::string>().empty())
    msg += ": " + m->get<std::string>();
  else
    msg += "; rephrase the request or adjust the deployment's safety settings";
  throw invalid_request(msg);
}

Json openai_error_object(const Json& e) {
  Json out = Json::object();
  if (e.is_object()) {
    out["message"] = string_or(e, "message", dump(e));
    out["type"] = "api_error";
    out["param"] = nullptr;
    auto status = e.find("status");
    out["code"] = (status != e.end() && status->is_string()) ? *status : Json(nullptr);
  } else {
    out["message"] = e.is_string() ? e.get<std::string>() : dump(e);
    out["type"] = "api_error";
    out["param"] = nullptr;
    out["code"] = nullptr;
  }
  return out;
}

Json gemini_to_openai_response(const Json& response, const ResponseContext& ctx, int64_t created) {
  if (!response.is_object()) throw upstream_error("generateContent response: not a JSON object");
  if (auto e = response.find("error"); e != response.end() && !e->is_null())
    throw upstream_error("Gemini error: " + openai_error_object(*e)["message"].get<std::string>());
  check_prompt_blocked(response);
  auto cands = response.find("candidates");
  if (cands == response.end() || !cands->is_array() || cands->empty())
    throw upstream_error("generateContent response: no candidates");

  Json choices = Json::array();
  for (size_t ci = 0; ci < cands->size(); ++ci) {
    const Json& cand = (*cands)[ci];
    if (!cand.is_object()) throw upstream_error("generateContent response: candidate is not an object");
    const int index =
        cand.contains("index") && cand["index"].is_number_integer() ? cand["index"].get<int>() : static_cast<int>(ci);
    std::string text, thoughts;
    bool has_text = false;
    Json calls = Json::array();
    if (auto content = cand.find("content"); content != cand.end() && content->is_object())
      if (auto parts = content->find("parts"); parts != content->end() && parts->is_array())
        for (const Json& p : *parts) {
          if (!p.is_object()) continue;
          if (auto fc = p.find("functionCall"); fc != p.end() && fc->is_object()) {
            const std::string name = string_or(*fc, "name");
            const std::string args =
                dump(fc->contains("args") && (*fc)["args"].is_object() ? (*fc)["args"] : Json::object());
            const std::string sig = string_or(p, "thoughtSignature");
            calls.push_back(Json{{"id", make_call_id(ctx.seed, index, static_cast<int>(calls.size()), name, args, sig)},
                                 {"type", "function"},
                                 {"function", {{"name", name}, {"arguments", args}}}});
          } else if (auto t = p.find("text"); t != p.end() && t->is_string()) {
            if (bool_or(p, "thought", false)) {
              thoughts += t->get<std::string>();
            } else {
              text += t->get<std::string>();
              has_text = true;
            }
          }
        }
    const std::string reason = string_or(cand, "finishReason");
    if (reason == "MALFORMED_FUNCTION_CALL" && calls.empty() && !has_text)
      throw upstream_error("Gemini could not produce a valid function call (finishReason MALFORMED_FUNCTION_CALL)");

    Json message = {{"role", "assistant"}, {"content", has_text ? Json(text) : Json(nullptr)}};
    if (!thoughts.empty()) message["reasoning_content"] = thoughts;
    if (!calls.empty()) message["tool_calls"] = std::move(calls);
    const bool called = message.contains("tool_calls");
    choices.push_back(Json{
        {"index", index}, {"message", std::move(message)}, {"finish_reason", openai_finish_reason(reason, called)}});
  }

  const std::string rid = string_or(response, "responseId");
  Json out = {{"id", "chatcmpl-" + (rid.empty() ? fingerprint(ctx.seed + "\nresponse") : rid)},
              {"object", "chat.completion"},
              {"created", created},
              {"model", ctx.client_model.empty() ? string_or(response, "modelVersion", "gemini") : ctx.client_model},
              {"choices", std::move(choices)}};
  Json usage = openai_usage(response.value("usageMetadata", Json()));
  if (!usage.is_null()) out["usage"] = std::move(usage);
  return out;
}

std::string convert_chat_response(std::string_view body, const ResponseContext& ctx, Usage* usage) {
  Json j = parse_upstream_json(body, "generateContent response");
  // A non-streaming call answered as a stream (a JSON array of one or more chunks) is folded.
  if (j.is_array()) {
    if (j.empty()) throw upstream_error("generateContent response: empty array");
    if (j.size() == 1)
      j = j[0];
    else
      throw upstream_error("generateContent response: got a stream of " + std::to_string(j.size()) + " chunks");
  }
  const Json completion = gemini_to_openai_response(j, ctx, unix_time());
  if (usage)
    if (auto u = completion.find("usage"); u != completion.end()) *usage = mapping::usage_from_openai(*u);
  return dump(completion);
}

}  // namespace aicore::gemini
