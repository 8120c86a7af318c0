#include "chat_request.hpp"

#include "context.hpp"
#include "fast_json.hpp"
#include "json_util.hpp"
#include "models.hpp"

#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/stream_options.hpp>
#include <aicore/plugin.hpp>

#include <algorithm>
#include <array>
#include <vector>

namespace aicore::openai {
namespace {

// Rejected by o-series and gpt-5 deployments with a 400 ("Unsupported parameter").
constexpr std::array<std::string_view, 6> kReasoningRejects = {"top_p",    "presence_penalty", "frequency_penalty",
                                                               "logprobs", "top_logprobs",     "logit_bias"};

// Sent by clients written for other backends (vLLM, Qwen, Anthropic-style); Azure answers 400
// "Unknown parameter" to each of them.
constexpr std::array<std::string_view, 5> kForeignFields = {"top_k", "repetition_penalty", "min_p", "thinking",
                                                            "enable_thinking"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& a, std::string_view k) {
  return std::find(a.begin(), a.end(), k) != a.end();
}

std::string at(std::string_view field, size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }

// Structural checks only: what would certainly make Azure answer 400 or what the rewrites below
// rely on. Semantics (roles, part types) stay Azure's business, so new OpenAI features pass.
void validate(const Json& in) {
  auto m = in.find("messages");
  if (m == in.end()) throw invalid_request("messages: required");
  if (!m->is_array()) throw invalid_request("messages: must be an array");
  if (m->empty()) throw invalid_request("messages: must not be empty");
  for (size_t i = 0; i < m->size(); ++i) {
    const Json& msg = (*m)[i];
    const std::string where = at("messages", i);
    if (!msg.is_object()) throw invalid_request(where + ": must be an object");
    auto role = msg.find("role");
    if (role == msg.end()) throw invalid_request(where + ".role: required");
    if (!role->is_string()) throw invalid_request(where + ".role: must be a string");
    if (auto c = msg.find("content"); c != msg.end()) {
      if (c->is_array()) {
        for (size_t p = 0; p < c->size(); ++p)
          if (!(*c)[p].is_object()) throw invalid_request(at(where + ".content", p) + ": must be an object");
      } else if (!c->is_string() && !c->is_null()) {
        throw invalid_request(where + ".content: must be a string, an array of parts or null");
      }
    }
    if (auto tc = msg.find("tool_calls"); tc != msg.end() && !tc->is_array() && !tc->is_null())
      throw invalid_request(where + ".tool_calls: must be an array");
  }
  if (auto t = in.find("tools"); t != in.end() && !t->is_null()) {
    if (!t->is_array()) throw invalid_request("tools: must be an array");
    for (size_t i = 0; i < t->size(); ++i)
      if (!(*t)[i].is_object()) throw invalid_request(at("tools", i) + ": must be an object");
  }
  if (auto s = in.find("stream"); s != in.end() && !s->is_boolean() && !s->is_null())
    throw invalid_request("stream: must be a boolean");
  for (std::string_view f : {"max_tokens", "max_completion_tokens"})
    if (auto v = in.find(std::string(f));
        v != in.end() && !v->is_null() &&
        !(v->is_number_unsigned() || (v->is_number_integer() && v->get<int64_t>() >= 0)))
      throw invalid_request(std::string(f) + ": must be a non-negative integer");
  if (auto t = in.find("temperature"); t != in.end() && !t->is_number() && !t->is_null())
    throw invalid_request("temperature: must be a number");
}

bool wants_stream(const Json& in, bool stream_hint) {
  auto s = in.find("stream");
  return (s != in.end() && s->is_boolean()) ? s->get<bool>() : stream_hint;
}

using mapping::client_include_usage;

// The upstream is always asked for usage so the host can account for every streamed request;
// the converter removes it again if the client did not ask (see chat_stream.hpp).
Json upstream_stream_options(const Json* client) {
  Json so = (client && client->is_object()) ? *client : Json::object();
  so["include_usage"] = true;
  return so;
}

using mapping::Changes;

constexpr std::string_view kRejectedByReasoning = "rejected by reasoning models";
constexpr std::string_view kRejectedByAzure = "rejected by Azure OpenAI";

// ---- fast path ---------------------------------------------------------------------------------
// For a canonical body (fast_json.hpp; JSON.stringify's output is) and a non-reasoning model, the
// same upstream body as the DOM path below, built from the client's bytes. Whenever a check of
// validate() might fail, or anything is unusual, it returns false and the DOM path decides (and
// words the error).

bool is_integer_text(std::string_view v) {
  return !v.empty() && v.find_first_of(".eE") == std::string_view::npos &&
         (v.front() == '-' || (v.front() >= '0' && v.front() <= '9'));
}

const fast::Member* find(const std::vector<fast::Member>& ms, std::string_view key) {
  for (const fast::Member& m : ms)
    if (m.key == key) return &m;
  return nullptr;
}

bool valid_fast(const std::vector<fast::Member>& top) {
  std::vector<std::string_view> items, parts;
  std::vector<fast::Member> fields;
  const fast::Member* m = find(top, "messages");
  if (!m || m->value.front() != '[') return false;
  fast::elements(m->value, items);
  if (items.empty()) return false;
  for (std::string_view msg : items) {
    if (msg.front() != '{') return false;
    fast::members(msg, fields);
    const fast::Member* role = find(fields, "role");
    if (!role || role->value.front() != '"') return false;
    if (const fast::Member* c = find(fields, "content")) {
      if (c->value.front() == '[') {
        fast::elements(c->value, parts);
        for (std::string_view part : parts)
          if (part.front() != '{') return false;
      } else if (c->value.front() != '"' && c->value != "null") {
        return false;
      }
    }
    if (const fast::Member* tc = find(fields, "tool_calls"); tc && tc->value.front() != '[' && tc->value != "null")
      return false;
  }
  if (const fast::Member* t = find(top, "tools"); t && t->value != "null") {
    if (t->value.front() != '[') return false;
    fast::elements(t->value, items);
    for (std::string_view tool : items)
      if (tool.front() != '{') return false;
  }
  if (const fast::Member* s = find(top, "stream"); s && s->value != "true" && s->value != "false" && s->value != "null")
    return false;
  for (std::string_view f : {"max_tokens", "max_completion_tokens"})
    if (const fast::Member* v = find(top, f);
        v && v->value != "null" && (!is_integer_text(v->value) || v->value.front() == '-'))
      return false;
  if (const fast::Member* t = find(top, "temperature");
      t && t->value != "null" && !(t->value.front() == '-' || (t->value.front() >= '0' && t->value.front() <= '9')))
    return false;
  return true;
}

// upstream_stream_options() on bytes: the client's object with include_usage set to true (in
// place when present, else last), or {"include_usage":true}.
void append_stream_options(std::string& out, const fast::Member* client) {
  out += "\"stream_options\":";
  if (!client || client->value == "null" || client->value == "{}") {
    out += "{\"include_usage\":true}";
    return;
  }
  std::vector<fast::Member> fields;
  fast::members(client->value, fields);
  out += '{';
  bool replaced = false;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    if (fields[i].key == "include_usage") {
      out += "\"include_usage\":true";
      replaced = true;
    } else {
      out += fields[i].text;
    }
  }
  if (!replaced) out += ",\"include_usage\":true";
  out += '}';
}

bool convert_fast(std::string_view body, std::string_view model, bool stream_hint, const Settings& settings,
                  UpstreamRequest& r) {
  if (is_reasoning_model(model)) return false;
  const std::string_view t = fast::trim(body);
  std::vector<fast::Member> top;
  if (!fast::canonical_object(t, top)) return false;
  if (!valid_fast(top)) return false;
  const fast::Member* stream = find(top, "stream");
  const fast::Member* so = find(top, "stream_options");
  const bool streaming = (stream && stream->value != "null") ? stream->value == "true" : stream_hint;
  bool usage = false;
  if (streaming && so && so->value != "null") {
    if (so->value.front() != '{') return false;
    std::vector<fast::Member> fields;
    fast::members(so->value, fields);
    if (const fast::Member* iu = find(fields, "include_usage"); iu && iu->value != "null") {
      if (iu->value != "true" && iu->value != "false") return false;
      usage = iu->value == "true";
    }
  }

  Changes changes;
  std::string out;
  out.reserve(t.size() + 48);
  out += '{';
  auto sep = [&] {
    if (out.size() > 1) out += ',';
  };
  for (const fast::Member& m : top) {
    const std::string_view k = m.key;
    if (k == "model") continue;
    if (k == "stream") {
      sep();
      if (streaming) {
        out += "\"stream\":true";
        if (!so) {
          out += ',';
          append_stream_options(out, nullptr);
        }
      } else {
        out += m.text;
      }
      continue;
    }
    if (k == "stream_options") {
      if (streaming) {
        sep();
        append_stream_options(out, &m);
      } else {
        changes.drop("only valid with stream: true", k);
      }
      continue;
    }
    if (k == "reasoning_effort") {
      changes.drop("not a reasoning model", k);
      continue;
    }
    if (contains(kForeignFields, k)) {
      changes.drop(kRejectedByAzure, k);
      continue;
    }
    sep();
    out += m.text;
  }
  if (streaming && !stream) {
    sep();
    out += "\"stream\":true";
    if (!so) {
      out += ',';
      append_stream_options(out, nullptr);
    }
  }
  out += '}';
  changes.log("openai.chat for '" + std::string(model) + "'");
  r = UpstreamRequest{"/chat/completions?api-version=" + std::string(settings.chat_version(model)), std::move(out),
                      ResponseContext{usage}.encode()};
  return true;
}

}  // namespace

UpstreamRequest convert_chat_request(std::string_view body, std::string_view model, bool stream_hint,
                                     const Settings& settings) {
  if (UpstreamRequest r; convert_fast(body, model, stream_hint, settings, r)) return r;
  Json in = parse_client_json(body);
  if (!in.is_object()) throw invalid_request("body: must be a JSON object");
  validate(in);
  const bool streaming = wants_stream(in, stream_hint);
  const bool usage = streaming && client_include_usage(in);
  const bool reasoning = is_reasoning_model(model);
  auto mct = in.find("max_completion_tokens");
  const bool has_max_completion_tokens = mct != in.end() && !mct->is_null();

  Changes changes;
  Json out = Json::object();
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    if (k == "model") continue;  // routing is by deployment URL; the client's name may be an alias
    if (k == "stream") {
      out[k] = streaming ? Json(true) : v;
      if (streaming && !in.contains("stream_options")) out["stream_options"] = upstream_stream_options(nullptr);
      continue;
    }
    if (k == "stream_options") {
      if (streaming)
        out[k] = upstream_stream_options(&v);
      else
        changes.drop("only valid with stream: true", k);  // Azure answers 400 otherwise
      continue;
    }
    if (reasoning) {
      if (k == "max_tokens") {
        if (v.is_null()) continue;
        if (has_max_completion_tokens) {
          changes.drop("max_completion_tokens is set", k);
        } else {
          out["max_completion_tokens"] = v;  // same position as the client's max_tokens
          changes.note("renamed max_tokens to max_completion_tokens");
        }
        continue;
      }
      if (k == "max_completion_tokens" && v.is_null()) continue;
      // Only the default (1) is accepted; anything else is a 400.
      if (k == "temperature" && !(v.is_number() && v.get<double>() == 1.0)) {
        changes.drop(kRejectedByReasoning, k);
        continue;
      }
      if (contains(kReasoningRejects, k)) {
        changes.drop(kRejectedByReasoning, k);
        continue;
      }
    } else if (k == "reasoning_effort") {
      changes.drop("not a reasoning model", k);
      continue;
    }
    if (contains(kForeignFields, k)) {
      changes.drop(kRejectedByAzure, k);
      continue;
    }
    out[k] = v;
  }
  if (streaming && !in.contains("stream")) {
    out["stream"] = true;
    if (!in.contains("stream_options")) out["stream_options"] = upstream_stream_options(nullptr);
  }

  changes.log("openai.chat for '" + std::string(model) + "'");

  return UpstreamRequest{"/chat/completions?api-version=" + std::string(settings.chat_version(model)), dump(out),
                         ResponseContext{usage}.encode()};
}

}  // namespace aicore::openai
