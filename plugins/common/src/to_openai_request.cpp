// Anthropic Messages request -> OpenAI chat request (Claude Code and the Anthropic SDKs on GPT; the
// canonical form other families map from).
//
// Choices worth knowing:
//  - `system` (string or blocks) -> one leading system message, without Claude Code's billing
//    header line (billing_header.hpp); mid-conversation role:"system" messages (Claude Code sends
//    them) stay system messages at their place, which OpenAI allows.
//  - A user turn's tool_result blocks become `tool` messages placed before the rest of the turn (an
//    OpenAI tool message must follow its assistant message). is_error prefixes "Error: ". Images in a
//    tool result, which tool messages cannot hold, follow in a user message.
//  - thinking / redacted_thinking blocks are dropped (GPT cannot take them back); cache_control
//    markers are dropped (OpenAI caches by itself).
//  - Server tools (typed tools such as web_search_20250305) are skipped with a log line.
//  - thinking -> reasoning_effort by budget (ToOpenAIOptions); output_config.effort wins.
//  - Tool ids longer than OpenAI's 40 characters are shortened deterministically (both sides),
//    unless ToOpenAIOptions::max_tool_id says otherwise (upstreams without the limit keep them).
#include <aicore/mapping/anthropic_to_openai.hpp>
#include <aicore/mapping/billing_header.hpp>

#include "json_util.hpp"

#include <algorithm>
#include <vector>

namespace aicore::mapping {
namespace {

using namespace detail;

constexpr size_t kMaxStop = 4;   // Azure OpenAI rejects more
constexpr size_t kMaxUser = 64;  // OpenAI's limit on `user`

// `id` within `max` characters (0: as it is), shortened deterministically so both sides agree.
std::string openai_tool_id(const std::string& id, size_t max) {
  if (max == 0 || id.size() <= max) return id;
  return id.substr(0, max - 9) + "_" + hex8(fnv1a(id));
}

Json text_part(std::string text) {
  Json p = Json::object();
  p["type"] = "text";
  p["text"] = std::move(text);
  return p;
}

Json image_part(const Json& block, const std::string& path) {
  const Json& src = expect_object(require(block, "source", path), path + ".source");
  const std::string spath = path + ".source";
  const std::string& type = expect_string(require(src, "type", spath), spath + ".type");
  std::string url;
  if (type == "base64") {
    const std::string& media = expect_string(require(src, "media_type", spath), spath + ".media_type");
    url = "data:" + media + ";base64," + expect_string(require(src, "data", spath), spath + ".data");
  } else if (type == "url") {
    url = expect_string(require(src, "url", spath), spath + ".url");
  } else {
    bad(spath + ".type", "'" + type + "' image sources are not supported here (use base64 or url)");
  }
  Json iu = Json::object();
  iu["url"] = std::move(url);
  Json p = Json::object();
  p["type"] = "image_url";
  p["image_url"] = std::move(iu);
  return p;
}

// Text of a string-or-text-blocks field (system, tool_result content, document content).
std::string joined_text(const Json& v, const std::string& path, std::string_view sep) {
  if (v.is_string()) return v.get<std::string>();
  expect_array(v, path);
  std::string out;
  bool first = true;
  for (size_t i = 0; i < v.size(); ++i) {
    const Json& b = expect_object(v[i], at(path, i));
    if (str_or(b, "type") != "text") continue;
    const std::string& t = expect_string(require(b, "text", at(path, i)), at(path, i) + ".text");
    if (t.empty()) continue;
    if (!first) out += sep;
    out += t;
    first = false;
  }
  return out;
}

// A document block -> OpenAI parts (a PDF as a file part, text sources as text).
void document_parts(const Json& block, const std::string& path, Json& parts) {
  const std::string spath = path + ".source";
  const Json& src = expect_object(require(block, "source", path), spath);
  const std::string& type = expect_string(require(src, "type", spath), spath + ".type");
  std::string title = str_or(block, "title");
  if (type == "base64") {
    const std::string& media = expect_string(require(src, "media_type", spath), spath + ".media_type");
    Json file = Json::object();
    file["filename"] = title.empty() ? "document.pdf" : title;
    file["file_data"] = "data:" + media + ";base64," + expect_string(require(src, "data", spath), spath + ".data");
    Json p = Json::object();
    p["type"] = "file";
    p["file"] = std::move(file);
    parts.push_back(std::move(p));
  } else if (type == "text") {
    std::string text = expect_string(require(src, "data", spath), spath + ".data");
    parts.push_back(text_part(title.empty() ? text : title + "\n\n" + text));
  } else if (type == "content") {
    std::string text = joined_text(require(src, "content", spath), spath + ".content", "\n");
    parts.push_back(text_part(title.empty() ? text : title + "\n\n" + text));
  } else {
    bad(spath + ".type", "'" + type + "' document sources are not supported for GPT models (use base64 or text)");
  }
}

// What every turn of one conversion shares: the tool-id limit, and what was dropped (one log line).
struct Notes {
  size_t max_tool_id = 0;
  std::vector<std::string> dropped;
  void log() const {
    if (dropped.empty()) return;
    std::string line = "anthropic -> openai: dropped";
    for (size_t i = 0; i < dropped.size(); ++i) line += (i ? ", " : " ") + dropped[i];
    log_debug(line);
  }
};

// One user (or mid-conversation system) message -> tool messages, then a user message.
void user_turn(const Json& msg, const std::string& path, Json& out, Notes& notes) {
  const Json& content = require(msg, "content", path);
  const std::string cpath = path + ".content";
  if (content.is_string()) {
    Json m = Json::object();
    m["role"] = "user";
    m["content"] = content;
    out.push_back(std::move(m));
    return;
  }
  expect_array(content, cpath);
  Json parts = Json::array();
  Json tool_images = Json::array();
  for (size_t i = 0; i < content.size(); ++i) {
    const std::string bpath = at(cpath, i);
    const Json& b = expect_object(content[i], bpath);
    const std::string& type = expect_string(require(b, "type", bpath), bpath + ".type");
    if (type == "text") {
      const std::string& t = expect_string(require(b, "text", bpath), bpath + ".text");
      if (!t.empty()) parts.push_back(text_part(t));
    } else if (type == "image") {
      parts.push_back(image_part(b, bpath));
    } else if (type == "document") {
      document_parts(b, bpath, parts);
    } else if (type == "search_result") {
      std::string t = str_or(b, "title");
      if (const Json* c = find(b, "content"))
        t += (t.empty() ? "" : "\n\n") + joined_text(*c, bpath + ".content", "\n");
      if (!t.empty()) parts.push_back(text_part(std::move(t)));
    } else if (type == "tool_result") {
      const std::string& id = expect_string(require(b, "tool_use_id", bpath), bpath + ".tool_use_id");
      std::string text;
      if (const Json* c = find(b, "content")) {
        if (c->is_array()) {
          for (size_t j = 0; j < c->size(); ++j) {
            const Json& cb = (*c)[j];
            if (str_or(cb, "type") == "image") tool_images.push_back(image_part(cb, at(bpath + ".content", j)));
          }
        }
        text = joined_text(*c, bpath + ".content", "\n");
      }
      if (const Json* e = find(b, "is_error"); e && expect_bool(*e, bpath + ".is_error"))
        text = text.empty() ? "Error" : "Error: " + text;
      Json m = Json::object();
      m["role"] = "tool";
      m["tool_call_id"] = openai_tool_id(id, notes.max_tool_id);
      m["content"] = std::move(text);
      out.push_back(std::move(m));
    } else if (type == "thinking" || type == "redacted_thinking") {
      // never valid in a user turn; ignore quietly
    } else {
      notes.dropped.push_back(bpath + " (" + type + ")");
    }
  }
  if (!tool_images.empty()) {
    parts.push_back(text_part("(images returned by the tool)"));
    for (auto& p : tool_images) parts.push_back(std::move(p));
  }
  if (parts.empty()) return;
  Json m = Json::object();
  m["role"] = "user";
  if (parts.size() == 1 && parts[0]["type"] == "text")
    m["content"] = parts[0]["text"];
  else
    m["content"] = std::move(parts);
  out.push_back(std::move(m));
}

void assistant_turn(const Json& msg, const std::string& path, Json& out, Notes& notes) {
  const Json& content = require(msg, "content", path);
  const std::string cpath = path + ".content";
  std::string text;
  Json calls = Json::array();
  if (content.is_string()) {
    text = content.get<std::string>();
  } else {
    expect_array(content, cpath);
    for (size_t i = 0; i < content.size(); ++i) {
      const std::string bpath = at(cpath, i);
      const Json& b = expect_object(content[i], bpath);
      const std::string& type = expect_string(require(b, "type", bpath), bpath + ".type");
      if (type == "text") {
        text += expect_string(require(b, "text", bpath), bpath + ".text");
      } else if (type == "tool_use") {
        const std::string& id = expect_string(require(b, "id", bpath), bpath + ".id");
        Json fn = Json::object();
        fn["name"] = expect_string(require(b, "name", bpath), bpath + ".name");
        const Json* input = find(b, "input");
        fn["arguments"] = input ? dump(*input) : "{}";
        Json call = Json::object();
        call["id"] = openai_tool_id(id, notes.max_tool_id);
        call["type"] = "function";
        call["function"] = std::move(fn);
        calls.push_back(std::move(call));
      } else if (type == "thinking" || type == "redacted_thinking") {
        // GPT cannot take Claude's signed thinking back.
      } else {
        notes.dropped.push_back(bpath + " (" + type + ")");
      }
    }
  }
  if (text.empty() && calls.empty()) return;
  Json m = Json::object();
  m["role"] = "assistant";
  m["content"] = text.empty() ? Json(nullptr) : Json(text);
  if (!calls.empty()) m["tool_calls"] = std::move(calls);
  out.push_back(std::move(m));
}

Json map_tools(const Json& tools, std::vector<std::string>& kept) {
  expect_array(tools, "tools");
  Json out = Json::array();
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string tpath = at("tools", i);
    const Json& t = expect_object(tools[i], tpath);
    const std::string& name = expect_string(require(t, "name", tpath), tpath + ".name");
    if (const Json* type = find(t, "type"); type && *type != "custom") {
      log_info("anthropic -> openai: skipped server tool '" + name + "' (" + dump(*type) +
               "): GPT models cannot run Anthropic server tools");
      continue;
    }
    Json fn = Json::object();
    fn["name"] = name;
    if (const Json* d = find(t, "description")) fn["description"] = expect_string(*d, tpath + ".description");
    Json schema = Json::object();
    if (const Json* s = find(t, "input_schema")) schema = expect_object(*s, tpath + ".input_schema");
    schema.erase("$schema");  // OpenAI's function schemas take no meta-schema reference
    if (!schema.contains("type")) schema["type"] = "object";
    fn["parameters"] = std::move(schema);
    Json tool = Json::object();
    tool["type"] = "function";
    tool["function"] = std::move(fn);
    out.push_back(std::move(tool));
    kept.push_back(name);
  }
  return out;
}

std::string effort_for_budget(int64_t budget, const ToOpenAIOptions& opt) {
  if (budget < opt.low_below) return "low";
  if (budget < opt.high_from) return "medium";
  return "high";
}

}  // namespace

Json anthropic_to_openai_request(const Json& body, const ToOpenAIOptions& opt) {
  if (!body.is_object()) bad("body", "must be a JSON object");
  Notes notes;
  notes.max_tool_id = opt.max_tool_id;
  Json messages = Json::array();

  if (const Json* found = find(body, "system")) {
    if (!found->is_string() && !found->is_array()) bad("system", "must be a string or an array of text blocks");
    Json sys = *found;
    if (strip_billing_header(sys)) notes.dropped.push_back("system x-anthropic-billing-header line");
    std::string s = joined_text(sys, "system", "\n\n");
    if (!s.empty()) {
      Json m = Json::object();
      m["role"] = "system";
      m["content"] = std::move(s);
      messages.push_back(std::move(m));
    }
  }

  const Json& msgs = expect_array(require(body, "messages", ""), "messages");
  if (msgs.empty()) bad("messages", "must not be empty");
  for (size_t i = 0; i < msgs.size(); ++i) {
    const std::string path = at("messages", i);
    const Json& msg = expect_object(msgs[i], path);
    const std::string& role = expect_string(require(msg, "role", path), path + ".role");
    if (role == "user") {
      user_turn(msg, path, messages, notes);
    } else if (role == "assistant") {
      assistant_turn(msg, path, messages, notes);
    } else if (role == "system") {
      std::string s = joined_text(require(msg, "content", path), path + ".content", "\n\n");
      if (s.empty()) continue;
      Json m = Json::object();
      m["role"] = "system";
      m["content"] = std::move(s);
      messages.push_back(std::move(m));
    } else {
      bad(path + ".role", "must be user or assistant");
    }
  }

  Json out = Json::object();
  if (const Json* m = find(body, "model")) out["model"] = *m;
  out["messages"] = std::move(messages);

  std::vector<std::string> kept;
  if (const Json* t = find(body, "tools")) {
    Json tools = map_tools(*t, kept);
    if (!tools.empty()) out["tools"] = std::move(tools);
  }
  if (const Json* tc = find(body, "tool_choice"); tc && !kept.empty()) {
    expect_object(*tc, "tool_choice");
    const std::string& type = expect_string(require(*tc, "type", "tool_choice"), "tool_choice.type");
    if (type == "auto") {
      out["tool_choice"] = "auto";
    } else if (type == "any") {
      out["tool_choice"] = "required";
    } else if (type == "none") {
      out["tool_choice"] = "none";
    } else if (type == "tool") {
      const std::string& name = expect_string(require(*tc, "name", "tool_choice"), "tool_choice.name");
      if (std::find(kept.begin(), kept.end(), name) == kept.end())
        bad("tool_choice.name", "no tool named '" + name + "'");
      Json fn = Json::object();
      fn["name"] = name;
      Json c = Json::object();
      c["type"] = "function";
      c["function"] = std::move(fn);
      out["tool_choice"] = std::move(c);
    } else {
      bad("tool_choice.type", "must be auto, any, tool or none");
    }
    if (const Json* d = find(*tc, "disable_parallel_tool_use");
        d && expect_bool(*d, "tool_choice.disable_parallel_tool_use") && type != "none")
      out["parallel_tool_calls"] = false;
  }

  if (const Json* s = find(body, "stop_sequences")) {
    expect_array(*s, "stop_sequences");
    Json stop = Json::array();
    for (size_t i = 0; i < s->size(); ++i) {
      const std::string& v = expect_string((*s)[i], at("stop_sequences", i));
      if (v.empty()) continue;
      if (stop.size() == kMaxStop) {
        notes.dropped.push_back("stop_sequences beyond the first " + std::to_string(kMaxStop));
        break;
      }
      stop.push_back(v);
    }
    if (!stop.empty()) out["stop"] = std::move(stop);
  }
  if (const Json* v = find(body, "max_tokens")) out["max_completion_tokens"] = expect_positive_int(*v, "max_tokens");
  for (const char* k : {"temperature", "top_p"})
    if (const Json* v = find(body, k)) {
      expect_number(*v, k);
      out[k] = *v;  // as sent: an integer 1 stays 1
    }

  // thinking / effort -> reasoning_effort
  std::string effort;
  bool thinking_off = false;
  if (const Json* th = find(body, "thinking")) {
    expect_object(*th, "thinking");
    const std::string& type = expect_string(require(*th, "type", "thinking"), "thinking.type");
    if (type == "enabled") {
      effort = effort_for_budget(
          expect_positive_int(require(*th, "budget_tokens", "thinking"), "thinking.budget_tokens"), opt);
    } else if (type == "disabled") {
      thinking_off = true;
    } else if (type != "adaptive") {
      bad("thinking.type", "must be enabled, adaptive or disabled");
    }
  }
  if (const Json* oc = find(body, "output_config"); oc && oc->is_object() && !thinking_off) {
    if (const Json* e = find(*oc, "effort"); e && e->is_string()) {
      const std::string& v = e->get_ref<const std::string&>();
      if (v == "low" || v == "medium" || v == "high")
        effort = v;
      else if (v == "max")
        effort = "high";
    }
  }
  if (!effort.empty()) out["reasoning_effort"] = effort;

  // Structured output: output_format (beta) or output_config.format.
  const Json* format = find(body, "output_format");
  if (const Json* oc = find(body, "output_config"); !format && oc && oc->is_object()) format = find(*oc, "format");
  if (format && format->is_object() && str_or(*format, "type") == "json_schema") {
    Json js = Json::object();
    js["name"] = "response";
    if (const Json* s = find(*format, "schema")) js["schema"] = *s;
    Json rf = Json::object();
    rf["type"] = "json_schema";
    rf["json_schema"] = std::move(js);
    out["response_format"] = std::move(rf);
  }

  if (const Json* md = find(body, "metadata"); md && md->is_object()) {
    if (const Json* u = find(*md, "user_id"); u && u->is_string() && !u->get_ref<const std::string&>().empty()) {
      const std::string& id = u->get_ref<const std::string&>();
      // Claude Code's ids run past OpenAI's limit: a stable digest keeps them distinct.
      out["user"] = id.size() <= kMaxUser ? id : "u_" + hex8(fnv1a(id) >> 32) + hex8(fnv1a(id));
    }
  }
  if (const Json* s = find(body, "stream")) out["stream"] = *s;

  static const std::vector<std::string_view> kHandled = {
      "model",       "messages", "system",   "tools",         "tool_choice",   "stop_sequences", "max_tokens",
      "temperature", "top_p",    "thinking", "output_config", "output_format", "metadata",       "stream"};
  for (auto it = body.begin(); it != body.end(); ++it)
    if (std::find(kHandled.begin(), kHandled.end(), it.key()) == kHandled.end()) notes.dropped.push_back(it.key());
  notes.log();
  return out;
}

}  // namespace aicore::mapping
