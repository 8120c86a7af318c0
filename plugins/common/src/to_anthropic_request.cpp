// OpenAI chat request -> Anthropic Messages request.
//
// Choices worth knowing (the rest follows the field table in docs/upstream-wire-format.md §4):
//  - system and developer messages, wherever they stand, become the top-level `system`: a string,
//    or text blocks when any of them carries cache_control.
//  - Anthropic needs user/assistant alternation: consecutive turns of one role are merged (tool
//    messages are user turns holding tool_result blocks, and those come first in their turn).
//  - Empty text is dropped (Anthropic rejects empty text blocks), and so are turns left empty.
//  - reasoning_effort -> thinking with a budget from ToAnthropicOptions; max_tokens is raised above
//    the budget; temperature and top_k are dropped and top_p kept only when >= 0.95 (Anthropic's
//    rules with thinking). Thinking is left off when tool_choice forces a tool, or when the last
//    assistant turn called tools without a thinking block (Anthropic rejects both combinations).
//  - response_format json_schema -> the kJsonResponseTool tool (forced when possible);
//    json_object -> a system instruction.
//  - Unknown and OpenAI-only fields (penalties, logprobs, seed, n=1, store, …) are dropped with one
//    debug log line.
#include <aicore/mapping/openai_to_anthropic.hpp>

#include "json_util.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace aicore::mapping {
namespace {

using namespace detail;

constexpr std::string_view kJsonObjectInstruction =
    "Respond only with a single valid JSON object: no prose before or after it, no code fences.";

std::string json_tool_instruction() {
  return "When you give your final answer, give it by calling the " + std::string(kJsonResponseTool) +
         " tool (its input is the answer) instead of replying in text.";
}

// Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; OpenAI's are free-form. Applied to tool_use ids
// and tool_result references alike, so pairs keep matching.
std::string anthropic_tool_id(const std::string& id) {
  std::string s = id;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
  return s;
}

void copy_cache_control(const Json& from, Json& to) {
  if (const Json* cc = find(from, "cache_control")) to["cache_control"] = *cc;
}

Json text_block(std::string text) {
  Json b = Json::object();
  b["type"] = "text";
  b["text"] = std::move(text);
  return b;
}

const std::vector<std::string_view> kImageTypes = {"image/jpeg", "image/png", "image/gif", "image/webp"};

Json image_block(const Json& part, const std::string& path) {
  const Json& iu = require(part, "image_url", path);
  std::string url;
  std::string upath = path + ".image_url";
  if (iu.is_string()) {
    url = iu.get<std::string>();
  } else {
    expect_object(iu, upath);
    url = expect_string(require(iu, "url", upath), upath + ".url");
    upath += ".url";
  }
  Json source = Json::object();
  std::string media;
  std::string_view data;
  if (parse_data_url(url, media, data)) {
    if (media == "image/jpg") media = "image/jpeg";
    if (std::find(kImageTypes.begin(), kImageTypes.end(), media) == kImageTypes.end())
      bad(upath, "image type '" + media + "' is not supported (use jpeg, png, gif or webp)");
    source["type"] = "base64";
    source["media_type"] = media;
    source["data"] = std::string(data);
  } else if (url.starts_with("https://") || url.starts_with("http://")) {
    source["type"] = "url";
    source["url"] = url;
  } else {
    bad(upath, "must be a base64 data: URL or an http(s) URL");
  }
  Json b = Json::object();
  b["type"] = "image";
  b["source"] = std::move(source);
  copy_cache_control(part, b);
  return b;
}

Json document_block(const Json& part, const std::string& path) {
  const std::string fpath = path + ".file";
  const Json& file = expect_object(require(part, "file", path), fpath);
  if (find(file, "file_id") && !find(file, "file_data"))
    bad(fpath + ".file_id", "uploaded files are not available through this proxy; send file_data");
  const std::string& url = expect_string(require(file, "file_data", fpath), fpath + ".file_data");
  std::string media;
  std::string_view data;
  if (!parse_data_url(url, media, data)) bad(fpath + ".file_data", "must be a base64 data: URL");
  Json source = Json::object();
  if (media == "application/pdf") {
    source["type"] = "base64";
    source["media_type"] = media;
    source["data"] = std::string(data);
  } else if (media == "text/plain") {
    source["type"] = "text";
    source["media_type"] = media;
    source["data"] = base64_decode(data);
  } else {
    bad(fpath + ".file_data", "file type '" + media + "' is not supported (use application/pdf or text/plain)");
  }
  Json b = Json::object();
  b["type"] = "document";
  b["source"] = std::move(source);
  if (const Json* name = find(file, "filename"); name && name->is_string()) b["title"] = *name;
  copy_cache_control(part, b);
  return b;
}

// One content part of a user/system/tool message; null when it maps to nothing (empty text).
// `text_only` limits system and developer messages to text parts.
Json map_part(const Json& part, const std::string& path, bool text_only, std::string_view role) {
  expect_object(part, path);
  const std::string& type = expect_string(require(part, "type", path), path + ".type");
  if (type == "text") {
    const std::string& t = expect_string(require(part, "text", path), path + ".text");
    if (t.empty()) return nullptr;
    Json b = text_block(t);
    copy_cache_control(part, b);
    return b;
  }
  if (!text_only) {
    if (type == "image_url") return image_block(part, path);
    if (type == "file") return document_block(part, path);
  }
  bad(path + ".type", "'" + type + "' parts are not supported in " + std::string(role) + " messages" +
                          (type == "input_audio" ? " (Claude models take no audio)" : ""));
}

// A turn under construction.
struct Turn {
  std::string role;  // "user" or "assistant"
  Json blocks = Json::array();
};

void add_message_cache_control(const Json& msg, Turn& t) {
  // LiteLLM's convention: cache_control on a message marks its last block.
  if (const Json* cc = find(msg, "cache_control"); cc && !t.blocks.empty()) t.blocks.back()["cache_control"] = *cc;
}

// Content of a user or tool message (string or parts) -> blocks.
void content_blocks(const Json& msg, const std::string& path, bool text_only, std::string_view role, Json& out) {
  const Json* c = find(msg, "content");
  if (!c) return;
  const std::string cpath = path + ".content";
  if (c->is_string()) {
    if (!c->get_ref<const std::string&>().empty()) out.push_back(text_block(c->get<std::string>()));
    return;
  }
  if (!c->is_array()) bad(cpath, "must be a string or an array of content parts");
  for (size_t j = 0; j < c->size(); ++j) {
    Json b = map_part((*c)[j], at(cpath, j), text_only, role);
    if (!b.is_null()) out.push_back(std::move(b));
  }
}

Json tool_use_block(const std::string& id, const std::string& name, const Json& arguments, const std::string& apath) {
  Json input = Json::object();
  if (arguments.is_string()) {
    const std::string& text = arguments.get_ref<const std::string&>();
    if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
      if (nested_deeper_than(text, kMaxJsonDepth))
        bad(apath, "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      input = parse_lenient(text);
      if (input.is_discarded()) bad(apath, "not valid JSON");
      if (!input.is_object()) bad(apath, "must be a JSON object");
    }
  } else if (arguments.is_object()) {
    input = arguments;  // lenient: some clients send the object itself
  } else {
    bad(apath, "must be a string of JSON");
  }
  Json b = Json::object();
  b["type"] = "tool_use";
  b["id"] = anthropic_tool_id(id);
  b["name"] = name;
  b["input"] = std::move(input);
  return b;
}

struct LegacyCall {
  std::string name, id;
};

Turn assistant_turn(const Json& msg, const std::string& path, size_t index, std::vector<LegacyCall>& legacy) {
  Turn t{"assistant"};
  // LiteLLM's thinking_blocks keep Claude's signed thinking across turns.
  if (const Json* tb = find(msg, "thinking_blocks")) {
    expect_array(*tb, path + ".thinking_blocks");
    for (size_t j = 0; j < tb->size(); ++j) {
      const Json& b = (*tb)[j];
      const std::string bpath = at(path + ".thinking_blocks", j);
      expect_object(b, bpath);
      const std::string& type = expect_string(require(b, "type", bpath), bpath + ".type");
      if (type != "thinking" && type != "redacted_thinking")
        bad(bpath + ".type", "must be thinking or redacted_thinking");
      t.blocks.push_back(b);
    }
  }
  if (const Json* c = find(msg, "content")) {
    const std::string cpath = path + ".content";
    if (c->is_string()) {
      if (!c->get_ref<const std::string&>().empty()) t.blocks.push_back(text_block(c->get<std::string>()));
    } else if (c->is_array()) {
      for (size_t j = 0; j < c->size(); ++j) {
        const Json& part = (*c)[j];
        const std::string ppath = at(cpath, j);
        expect_object(part, ppath);
        const std::string& type = expect_string(require(part, "type", ppath), ppath + ".type");
        std::string text;
        if (type == "text")
          text = expect_string(require(part, "text", ppath), ppath + ".text");
        else if (type == "refusal")
          text = expect_string(require(part, "refusal", ppath), ppath + ".refusal");
        else
          bad(ppath + ".type", "'" + type + "' parts are not supported in assistant messages");
        if (text.empty()) continue;
        Json b = text_block(std::move(text));
        copy_cache_control(part, b);
        t.blocks.push_back(std::move(b));
      }
    } else {
      bad(cpath, "must be a string, an array of content parts or null");
    }
  }
  if (const Json* calls = find(msg, "tool_calls")) {
    const std::string tpath = path + ".tool_calls";
    expect_array(*calls, tpath);
    for (size_t j = 0; j < calls->size(); ++j) {
      const std::string cpath = at(tpath, j);
      const Json& call = expect_object((*calls)[j], cpath);
      const std::string& id = expect_string(require(call, "id", cpath), cpath + ".id");
      if (id.empty()) bad(cpath + ".id", "must not be empty");
      const Json& fn = expect_object(require(call, "function", cpath), cpath + ".function");
      const std::string& name = expect_string(require(fn, "name", cpath + ".function"), cpath + ".function.name");
      const Json* args = find(fn, "arguments");
      t.blocks.push_back(tool_use_block(id, name, args ? *args : Json(""), cpath + ".function.arguments"));
    }
  } else if (const Json* fc = find(msg, "function_call")) {
    // Pre-tools function calling: synthesise the id the following `function` message refers to.
    const std::string fpath = path + ".function_call";
    expect_object(*fc, fpath);
    const std::string& name = expect_string(require(*fc, "name", fpath), fpath + ".name");
    std::string id = "call_fn" + std::to_string(index) + "_" + hex8(fnv1a(name));
    legacy.push_back({name, id});
    const Json* args = find(*fc, "arguments");
    t.blocks.push_back(tool_use_block(id, name, args ? *args : Json(""), fpath + ".arguments"));
  }
  add_message_cache_control(msg, t);
  return t;
}

Json tool_result_block(std::string tool_use_id, Json content_blocks) {
  Json b = Json::object();
  b["type"] = "tool_result";
  b["tool_use_id"] = anthropic_tool_id(tool_use_id);
  // A lone text block is sent as the plain string Anthropic also accepts.
  if (content_blocks.size() == 1 && content_blocks[0].size() == 2 && content_blocks[0]["type"] == "text")
    b["content"] = content_blocks[0]["text"];
  else if (!content_blocks.empty())
    b["content"] = std::move(content_blocks);
  return b;
}

// Appends `t` to `turns`, merging it into the previous turn of the same role.
void push_turn(std::vector<Turn>& turns, Turn t) {
  if (t.blocks.empty()) return;
  if (!turns.empty() && turns.back().role == t.role) {
    for (auto& b : t.blocks) turns.back().blocks.push_back(std::move(b));
  } else {
    turns.push_back(std::move(t));
  }
}

// tool_result blocks must open their user turn (Anthropic rejects text before them).
void tool_results_first(Turn& t) {
  if (t.role != "user") return;
  std::vector<Json> results, rest;
  for (auto& b : t.blocks) (b["type"] == "tool_result" ? results : rest).push_back(std::move(b));
  t.blocks = Json::array();
  for (auto& b : results) t.blocks.push_back(std::move(b));
  for (auto& b : rest) t.blocks.push_back(std::move(b));
}

// Anthropic rejects a final assistant turn (a prefill) that ends in whitespace.
void trim_final_assistant(std::vector<Turn>& turns) {
  if (turns.empty() || turns.back().role != "assistant") return;
  Json& blocks = turns.back().blocks;
  if (blocks.back()["type"] != "text") return;
  std::string text = blocks.back()["text"].get<std::string>();
  size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos)
    blocks.erase(blocks.size() - 1);
  else
    blocks.back()["text"] = text.substr(0, end + 1);
  if (blocks.empty()) turns.pop_back();
}

Json turn_json(Turn& t) {
  Json m = Json::object();
  m["role"] = t.role;
  if (t.blocks.size() == 1 && t.blocks[0].size() == 2 && t.blocks[0]["type"] == "text")
    m["content"] = t.blocks[0]["text"];  // the compact form: one plain text
  else
    m["content"] = std::move(t.blocks);
  return m;
}

struct Dropped {
  std::vector<std::string> fields;
  std::vector<std::string> notes;
  void log() const {
    if (fields.empty() && notes.empty()) return;
    std::string line = "openai -> anthropic:";
    if (!fields.empty()) {
      line += " dropped";
      for (size_t i = 0; i < fields.size(); ++i) line += (i ? ", " : " ") + fields[i];
    }
    for (const auto& n : notes) line += "; " + n;
    log_debug(line);
  }
};

Json map_tools(const Json& tools, const std::string& path) {
  expect_array(tools, path);
  Json out = Json::array();
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string tpath = at(path, i);
    const Json& t = expect_object(tools[i], tpath);
    std::string type = "function";
    if (const Json* ty = find(t, "type")) type = expect_string(*ty, tpath + ".type");
    if (type != "function")
      bad(tpath + ".type", "'" + type + "' tools are not supported by Claude models (only function tools)");
    const Json& fn = expect_object(require(t, "function", tpath), tpath + ".function");
    const std::string fpath = tpath + ".function";
    Json tool = Json::object();
    tool["name"] = expect_string(require(fn, "name", fpath), fpath + ".name");
    if (const Json* d = find(fn, "description")) tool["description"] = expect_string(*d, fpath + ".description");
    Json schema = Json::object();
    if (const Json* p = find(fn, "parameters")) schema = expect_object(*p, fpath + ".parameters");
    if (!schema.contains("type")) {
      Json s = Json::object();
      s["type"] = "object";
      if (!schema.contains("properties")) s["properties"] = Json::object();
      for (auto it = schema.begin(); it != schema.end(); ++it) s[it.key()] = it.value();
      schema = std::move(s);
    }
    tool["input_schema"] = std::move(schema);
    copy_cache_control(t, tool);
    out.push_back(std::move(tool));
  }
  return out;
}

// tools from the pre-tools `functions` field.
Json map_functions(const Json& functions) {
  expect_array(functions, "functions");
  Json tools = Json::array();
  for (size_t i = 0; i < functions.size(); ++i) {
    Json t = Json::object();
    t["type"] = "function";
    t["function"] = expect_object(functions[i], at("functions", i));
    tools.push_back(std::move(t));
  }
  return map_tools(tools, "functions");
}

Json map_tool_choice(const Json& tc, std::string_view path) {
  Json out = Json::object();
  const std::string p(path);
  if (tc.is_string()) {
    const std::string& s = tc.get_ref<const std::string&>();
    if (s == "auto")
      out["type"] = "auto";
    else if (s == "none")
      out["type"] = "none";
    else if (s == "required" || s == "any")
      out["type"] = "any";
    else
      bad(p, "must be 'auto', 'none', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}");
    return out;
  }
  if (!tc.is_object()) bad(p, "must be a string or an object");
  // {"type":"function","function":{"name":…}}, or the legacy function_call {"name":…}.
  const Json* fn = find(tc, "function");
  const Json& holder = fn ? expect_object(*fn, p + ".function") : tc;
  const std::string hpath = fn ? p + ".function" : p;
  out["type"] = "tool";
  out["name"] = expect_string(require(holder, "name", hpath), hpath + ".name");
  return out;
}

std::vector<std::string> map_stop(const Json& stop, Dropped& dropped) {
  std::vector<std::string> out;
  auto add = [&](const std::string& s, const std::string& path) {
    // Anthropic rejects stop sequences made of whitespace only.
    if (s.find_first_not_of(" \t\r\n") == std::string::npos) {
      dropped.notes.push_back("dropped whitespace-only " + path);
      return;
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  if (stop.is_string()) {
    add(stop.get<std::string>(), "stop");
  } else if (stop.is_array()) {
    for (size_t i = 0; i < stop.size(); ++i) add(expect_string(stop[i], at("stop", i)), at("stop", i));
  } else {
    bad("stop", "must be a string or an array of strings");
  }
  return out;
}

}  // namespace

bool uses_json_response_tool(const Json& body) {
  const Json* rf = find(body, "response_format");
  if (!rf || !rf->is_object()) return false;
  const Json* type = find(*rf, "type");
  return type && type->is_string() && type->get<std::string>() == "json_schema";
}

Json openai_to_anthropic_request(const Json& body, const ToAnthropicOptions& opt) {
  if (!body.is_object()) bad("body", "must be a JSON object");
  Dropped dropped;

  // ---- messages --------------------------------------------------------------------------------
  const Json& messages = expect_array(require(body, "messages", ""), "messages");
  if (messages.empty()) bad("messages", "must not be empty");
  Json system = Json::array();  // text blocks
  std::vector<Turn> turns;
  std::vector<LegacyCall> legacy;
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string path = at("messages", i);
    const Json& msg = expect_object(messages[i], path);
    const std::string& role = expect_string(require(msg, "role", path), path + ".role");
    if (role == "system" || role == "developer") {
      Json blocks = Json::array();
      content_blocks(msg, path, /*text_only=*/true, role, blocks);
      if (const Json* cc = find(msg, "cache_control"); cc && !blocks.empty()) blocks.back()["cache_control"] = *cc;
      for (auto& b : blocks) system.push_back(std::move(b));
    } else if (role == "user") {
      Turn t{"user"};
      content_blocks(msg, path, /*text_only=*/false, role, t.blocks);
      add_message_cache_control(msg, t);
      push_turn(turns, std::move(t));
    } else if (role == "assistant") {
      push_turn(turns, assistant_turn(msg, path, i, legacy));
    } else if (role == "tool" || role == "function") {
      std::string id;
      if (role == "tool") {
        id = expect_string(require(msg, "tool_call_id", path), path + ".tool_call_id");
      } else {
        const std::string& name = expect_string(require(msg, "name", path), path + ".name");
        auto it = std::find_if(legacy.rbegin(), legacy.rend(), [&](const LegacyCall& c) { return c.name == name; });
        if (it == legacy.rend()) bad(path, "no earlier assistant function_call named '" + name + "'");
        id = it->id;
      }
      Json blocks = Json::array();
      content_blocks(msg, path, /*text_only=*/false, role, blocks);
      Turn t{"user"};
      t.blocks.push_back(tool_result_block(std::move(id), std::move(blocks)));
      add_message_cache_control(msg, t);
      push_turn(turns, std::move(t));
    } else {
      bad(path + ".role", "must be system, developer, user, assistant or tool");
    }
  }
  for (Turn& t : turns) tool_results_first(t);
  trim_final_assistant(turns);
  if (turns.empty()) bad("messages", "must contain at least one user or assistant message with content");

  // ---- tools -----------------------------------------------------------------------------------
  Json tools = Json::array();
  Json tool_choice;  // null: none set
  if (const Json* t = find(body, "tools")) {
    tools = map_tools(*t, "tools");
    if (const Json* tc = find(body, "tool_choice")) tool_choice = map_tool_choice(*tc, "tool_choice");
  } else if (const Json* f = find(body, "functions")) {
    tools = map_functions(*f);
    if (const Json* fc = find(body, "function_call")) tool_choice = map_tool_choice(*fc, "function_call");
  } else if (find(body, "tool_choice")) {
    dropped.fields.push_back("tool_choice (no tools)");
  }
  const bool client_tools = !tools.empty();
  if (tools.empty()) tool_choice = nullptr;

  // ---- thinking --------------------------------------------------------------------------------
  Json thinking;  // null: off
  if (const Json* th = find(body, "thinking")) {
    // An Anthropic-style thinking object sent to an OpenAI endpoint (LiteLLM accepts it too).
    thinking = expect_object(*th, "thinking");
    const std::string& type = expect_string(require(thinking, "type", "thinking"), "thinking.type");
    if (type == "enabled")
      expect_positive_int(require(thinking, "budget_tokens", "thinking"), "thinking.budget_tokens");
    if (type == "disabled") thinking = nullptr;
  } else if (const Json* re = find(body, "reasoning_effort")) {
    const std::string& e = expect_string(*re, "reasoning_effort");
    int64_t budget = 0;
    if (e == "low")
      budget = opt.budget_low;
    else if (e == "medium")
      budget = opt.budget_medium;
    else if (e == "high" || e == "xhigh")
      budget = opt.budget_high;
    else if (e != "none" && e != "minimal")
      bad("reasoning_effort", "must be none, minimal, low, medium, high or xhigh");
    if (budget > 0) {
      thinking = Json::object();
      thinking["type"] = "enabled";
      thinking["budget_tokens"] = std::max<int64_t>(budget, 1024);
    }
  }

  // ---- response_format -------------------------------------------------------------------------
  bool json_tool = false;
  if (const Json* rf = find(body, "response_format")) {
    expect_object(*rf, "response_format");
    const std::string& type = expect_string(require(*rf, "type", "response_format"), "response_format.type");
    if (type == "json_object") {
      system.push_back(text_block(std::string(kJsonObjectInstruction)));
    } else if (type == "json_schema") {
      const Json& js = expect_object(require(*rf, "json_schema", "response_format"), "response_format.json_schema");
      Json schema = Json::object();
      if (const Json* s = find(js, "schema")) schema = expect_object(*s, "response_format.json_schema.schema");
      if (!schema.contains("type")) schema["type"] = "object";
      if (schema["type"] != "object") bad("response_format.json_schema.schema.type", "must be object");
      Json tool = Json::object();
      tool["name"] = kJsonResponseTool;
      std::string desc = "Give the final answer as this tool's input.";
      if (const Json* d = find(js, "description"); d && d->is_string()) desc += " " + d->get<std::string>();
      tool["description"] = desc;
      tool["input_schema"] = std::move(schema);
      tools.push_back(std::move(tool));
      json_tool = true;
    } else if (type != "text") {
      bad("response_format.type", "must be text, json_object or json_schema");
    }
  }

  // ---- thinking constraints, then tool_choice for the json tool ---------------------------------
  if (!thinking.is_null()) {
    const std::string tc_type = tool_choice.is_object() ? tool_choice["type"].get<std::string>() : "";
    if (tc_type == "any" || tc_type == "tool") {
      dropped.notes.push_back("thinking left off: tool_choice forces a tool");
      thinking = nullptr;
    } else {
      for (auto t = turns.rbegin(); t != turns.rend(); ++t) {
        if (t->role != "assistant") continue;
        bool has_tool_use =
            std::any_of(t->blocks.begin(), t->blocks.end(), [](const Json& b) { return b["type"] == "tool_use"; });
        const Json& first = t->blocks[0]["type"];
        if (has_tool_use && first != "thinking" && first != "redacted_thinking") {
          dropped.notes.push_back("thinking left off: the last assistant tool call has no thinking block");
          thinking = nullptr;
        }
        break;
      }
    }
  }
  if (json_tool) {
    if (thinking.is_null() && !client_tools) {
      tool_choice = Json::object();
      tool_choice["type"] = "tool";
      tool_choice["name"] = kJsonResponseTool;
    } else {
      system.push_back(text_block(json_tool_instruction()));
    }
  }

  // parallel_tool_calls: false -> disable_parallel_tool_use (not meaningful with none).
  if (const Json* ptc = find(body, "parallel_tool_calls")) {
    if (!expect_bool(*ptc, "parallel_tool_calls") && !tools.empty()) {
      if (tool_choice.is_null()) {
        tool_choice = Json::object();
        tool_choice["type"] = "auto";
      }
      if (tool_choice["type"] != "none") tool_choice["disable_parallel_tool_use"] = true;
    }
  }

  // ---- limits and sampling ---------------------------------------------------------------------
  int64_t max_tokens = opt.default_max_tokens;
  if (const Json* v = find(body, "max_completion_tokens"))
    max_tokens = expect_positive_int(*v, "max_completion_tokens");
  else if (const Json* v = find(body, "max_tokens"))
    max_tokens = expect_positive_int(*v, "max_tokens");
  if (thinking.is_object() && thinking["type"] == "enabled") {
    // OpenAI's limit covers reasoning and answer; Anthropic's max_tokens must exceed the budget.
    const int64_t budget = thinking["budget_tokens"].get<int64_t>();
    if (max_tokens <= budget) max_tokens += budget;
  }

  Json temperature, top_p, top_k;
  if (const Json* v = find(body, "temperature")) temperature = std::clamp(expect_number(*v, "temperature"), 0.0, 1.0);
  if (const Json* v = find(body, "top_p")) top_p = expect_number(*v, "top_p");
  if (const Json* v = find(body, "top_k")) top_k = expect_positive_int(*v, "top_k");
  if (!thinking.is_null()) {
    if (!temperature.is_null()) dropped.fields.push_back("temperature (not allowed with thinking)");
    if (!top_k.is_null()) dropped.fields.push_back("top_k (not allowed with thinking)");
    temperature = top_k = nullptr;
    if (!top_p.is_null() && top_p.get<double>() < 0.95) {
      dropped.fields.push_back("top_p (must be >= 0.95 with thinking)");
      top_p = nullptr;
    }
  }
  if (opt.temperature_xor_top_p && !temperature.is_null() && !top_p.is_null()) {
    dropped.fields.push_back("top_p (this model takes temperature or top_p, not both)");
    top_p = nullptr;
  }

  if (const Json* n = find(body, "n"); n && !(n->is_number_integer() && n->get<int64_t>() == 1))
    bad("n", "only 1 is supported by Claude models");

  std::vector<std::string> stop;
  if (const Json* s = find(body, "stop")) stop = map_stop(*s, dropped);

  // ---- assemble, in Anthropic's documented order --------------------------------------------------
  Json out = Json::object();
  out["max_tokens"] = max_tokens;
  if (!system.empty()) {
    bool cached = std::any_of(system.begin(), system.end(), [](const Json& b) { return b.contains("cache_control"); });
    if (cached) {
      out["system"] = std::move(system);
    } else {
      std::string s;
      for (size_t i = 0; i < system.size(); ++i) s += (i ? "\n\n" : "") + system[i]["text"].get<std::string>();
      out["system"] = std::move(s);
    }
  }
  Json msgs = Json::array();
  for (Turn& t : turns) msgs.push_back(turn_json(t));
  out["messages"] = std::move(msgs);
  if (!tools.empty()) out["tools"] = std::move(tools);
  if (!tool_choice.is_null()) out["tool_choice"] = std::move(tool_choice);
  if (!stop.empty()) out["stop_sequences"] = stop;
  if (!temperature.is_null()) out["temperature"] = temperature;
  if (!top_p.is_null()) out["top_p"] = top_p;
  if (!top_k.is_null()) out["top_k"] = top_k;
  if (!thinking.is_null()) out["thinking"] = std::move(thinking);
  if (const Json* u = find(body, "user")) {
    Json md = Json::object();
    md["user_id"] = expect_string(*u, "user");
    out["metadata"] = std::move(md);
  }

  static const std::vector<std::string_view> kHandled = {"messages",
                                                         "tools",
                                                         "tool_choice",
                                                         "functions",
                                                         "function_call",
                                                         "thinking",
                                                         "reasoning_effort",
                                                         "response_format",
                                                         "parallel_tool_calls",
                                                         "max_completion_tokens",
                                                         "max_tokens",
                                                         "temperature",
                                                         "top_p",
                                                         "top_k",
                                                         "n",
                                                         "stop",
                                                         "user",
                                                         "model",
                                                         "stream",
                                                         "stream_options"};
  for (auto it = body.begin(); it != body.end(); ++it)
    if (std::find(kHandled.begin(), kHandled.end(), it.key()) == kHandled.end()) dropped.fields.push_back(it.key());
  dropped.log();
  return out;
}

}  // namespace aicore::mapping
