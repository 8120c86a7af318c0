#include "bedrock_rules.hpp"

#include <aicore/mapping/billing_header.hpp>
#include <aicore/plugin.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace aicore::claude {
namespace {

// ---- the tables ------------------------------------------------------------------------------

// Top-level fields Bedrock's Anthropic invoke schema knows (besides anthropic_version and
// anthropic_beta, which this file writes). Everything else is dropped: Bedrock answers 400
// "<field>: Extra inputs are not permitted" to any unknown field.
constexpr std::array<std::string_view, 10> kKeptTopLevel = {"max_tokens",  "messages", "system", "stop_sequences",
                                                            "temperature", "top_p",    "top_k",  "tools",
                                                            "tool_choice", "thinking"};

// Why a known top-level field is dropped (for the debug line); others are "unknown to Bedrock".
struct DropReason {
  std::string_view field, reason;
};
constexpr std::array<DropReason, 8> kDroppedTopLevel = {{
    {"model", "routing is by deployment URL"},
    {"stream", "the path selects streaming"},
    {"metadata", "not accepted by Bedrock"},
    {"context_management", "not accepted by Bedrock"},
    {"service_tier", "not accepted by Bedrock"},
    {"container", "not accepted by Bedrock"},
    {"inference_geo", "not accepted by Bedrock"},
    {"mcp_servers", "not accepted by Bedrock"},
}};

// anthropic-beta values Bedrock accepts, and for which Claude versions (AWS "Anthropic Claude
// Messages API" request parameters). Betas whose only purpose is a body field this file drops
// (context-management-2025-06-27, effort-2025-11-24, tool-examples-2025-10-29) are left out, and so
// is everything Anthropic-only (claude-code-*, prompt-caching-scope-*, fine-grained-tool-streaming-*,
// web-search-*, files-api-*, …): Bedrock answers 400 "invalid beta flag" to an unknown one.
struct BetaRule {
  std::string_view name;
  int min_major, min_minor;  // oldest Claude version that accepts it
  int max_major, max_minor;  // newest (99: no limit)
  std::string_view family;   // empty: every family
};
constexpr std::array<BetaRule, 8> kBetas = {{
    {"interleaved-thinking-2025-05-14", 4, 0, 99, 0, ""},
    {"dev-full-thinking-2025-05-14", 4, 0, 99, 0, ""},
    {"token-efficient-tools-2025-02-19", 3, 7, 99, 0, ""},
    {"output-128k-2025-02-19", 3, 7, 3, 7, ""},
    {"context-1m-2025-08-07", 4, 0, 99, 0, "sonnet"},
    {"computer-use-2024-10-22", 3, 5, 3, 5, ""},
    {"computer-use-2025-01-24", 3, 7, 99, 0, ""},
    {"tool-search-tool-2025-10-19", 4, 5, 99, 0, ""},
}};

// Keys a custom tool may carry on Bedrock.
constexpr std::array<std::string_view, 4> kToolKeys = {"name", "description", "input_schema", "cache_control"};

// Block types allowed inside tool_result.content.
constexpr std::array<std::string_view, 4> kToolResultBlocks = {"text", "image", "document", "search_result"};

// History blocks only Anthropic's own API produces (its server tools); Bedrock rejects them.
constexpr std::array<std::string_view, 9> kAnthropicOnlyBlocks = {"server_tool_use",
                                                                  "web_search_tool_result",
                                                                  "web_fetch_tool_result",
                                                                  "code_execution_tool_result",
                                                                  "bash_code_execution_tool_result",
                                                                  "text_editor_code_execution_tool_result",
                                                                  "mcp_tool_use",
                                                                  "mcp_tool_result",
                                                                  "container_upload"};

constexpr std::string_view kNotOnBedrock = "not accepted by Bedrock";

template <size_t N>
bool contains(const std::array<std::string_view, N>& a, std::string_view v) {
  return std::find(a.begin(), a.end(), v) != a.end();
}

std::string at(std::string_view field, size_t i) { return std::string(field) + "." + std::to_string(i); }

// ---- helpers ---------------------------------------------------------------------------------

// A message's content as an array of blocks (a string becomes one text block).
Json blocks_of(const Json& content) {
  if (content.is_array()) return content;
  Json blocks = Json::array();
  if (content.is_string() && !content.get_ref<const std::string&>().empty())
    blocks.push_back(Json{{"type", "text"}, {"text", content}});
  return blocks;
}

bool is_empty_text(const Json& block) {
  if (!block.is_object() || string_or(block, "type") != "text") return false;
  auto t = block.find("text");
  return t != block.end() && t->is_string() && t->get_ref<const std::string&>().empty();
}

// Removes cache_control.scope (Bedrock: "Extra inputs are not permitted"); keeps type and ttl.
void strip_scope(Json& obj, int& stripped) {
  if (!obj.is_object()) return;
  auto cc = obj.find("cache_control");
  if (cc != obj.end() && cc->is_object() && cc->contains("scope")) {
    cc->erase("scope");
    ++stripped;
  }
}

struct Counters {
  int empty_text = 0;
  int scopes = 0;
  int tool_result_blocks = 0;
  int anthropic_only = 0;
};

// Cleans one content array in place (messages[i].content or system).
void clean_blocks(Json& blocks, Counters& n) {
  if (!blocks.is_array()) return;
  Json out = Json::array();
  for (Json& b : blocks) {
    if (is_empty_text(b)) {
      ++n.empty_text;
      continue;
    }
    if (b.is_object()) {
      std::string_view type = string_or(b, "type");
      if (contains(kAnthropicOnlyBlocks, type)) {
        ++n.anthropic_only;
        continue;
      }
      strip_scope(b, n.scopes);
      if (type == "tool_result") {
        if (auto c = b.find("content"); c != b.end() && c->is_array()) {
          Json kept = Json::array();
          for (Json& inner : *c) {
            if (is_empty_text(inner)) {
              ++n.empty_text;
              continue;
            }
            if (inner.is_object() && !contains(kToolResultBlocks, string_or(inner, "type"))) {
              ++n.tool_result_blocks;
              continue;
            }
            strip_scope(inner, n.scopes);
            kept.push_back(std::move(inner));
          }
          *c = std::move(kept);
        }
      }
    }
    out.push_back(std::move(b));
  }
  blocks = std::move(out);
}

// A system message's blocks as they go into a user turn: text wrapped so the model still sees it
// as an instruction rather than something the user typed.
Json as_reminder(const Json& content) {
  Json blocks = blocks_of(content);
  for (Json& b : blocks)
    if (b.is_object() && string_or(b, "type") == "text")
      if (auto t = b.find("text"); t != b.end() && t->is_string())
        *t = "<system-reminder>\n" + t->get<std::string>() + "\n</system-reminder>";
  return blocks;
}

// Appends `blocks` to a message's content (converting a string content to blocks first).
void append_blocks(Json& msg, const Json& blocks) {
  Json content = blocks_of(msg.contains("content") ? msg["content"] : Json());
  for (const Json& b : blocks) content.push_back(b);
  msg["content"] = std::move(content);
}

// Inserts `blocks` into a user message after its leading tool_result blocks (which must come first).
void insert_after_tool_results(Json& msg, const Json& blocks) {
  Json content = blocks_of(msg.contains("content") ? msg["content"] : Json());
  size_t pos = 0;
  while (pos < content.size() && content[pos].is_object() && string_or(content[pos], "type") == "tool_result") ++pos;
  Json out = Json::array();
  for (size_t i = 0; i < pos; ++i) out.push_back(std::move(content[i]));
  for (const Json& b : blocks) out.push_back(b);
  for (size_t i = pos; i < content.size(); ++i) out.push_back(std::move(content[i]));
  msg["content"] = std::move(out);
}

// Moves role "system" messages out of the way (see the header) and returns the new list.
Json fold_system_messages(const Json& messages, Json& system, bool& has_system, Changes& changes) {
  Json out = Json::array();
  Json pending = Json::array();  // mid-conversation system text waiting for the next user turn
  bool leading = true;
  int leading_n = 0, mid_n = 0;
  for (size_t i = 0; i < messages.size(); ++i) {
    const Json& msg = messages[i];
    if (!msg.is_object()) throw invalid_request(at("messages", i) + ": must be an object");
    std::string_view role = string_or(msg, "role");
    if (role == "system") {
      const Json& content = msg.contains("content") ? msg["content"] : Json();
      if (leading) {
        Json blocks = blocks_of(system);
        if (!has_system) blocks = Json::array();
        for (Json& b : blocks_of(content)) blocks.push_back(std::move(b));
        system = std::move(blocks);
        has_system = true;
        ++leading_n;
      } else if (!out.empty() && string_or(out.back(), "role") == "user") {
        append_blocks(out.back(), as_reminder(content));
        ++mid_n;
      } else {
        for (Json& b : as_reminder(content)) pending.push_back(std::move(b));
        ++mid_n;
      }
      continue;
    }
    leading = false;
    if (!pending.empty()) {
      if (role == "user") {
        Json m = msg;
        insert_after_tool_results(m, pending);
        out.push_back(std::move(m));
      } else {
        out.push_back(Json{{"role", "user"}, {"content", std::move(pending)}});
        out.push_back(msg);
      }
      pending = Json::array();
      continue;
    }
    out.push_back(msg);
  }
  if (!pending.empty()) out.push_back(Json{{"role", "user"}, {"content", std::move(pending)}});
  if (leading_n) changes.note("moved " + std::to_string(leading_n) + " leading system message(s) into system");
  if (mid_n) changes.note("folded " + std::to_string(mid_n) + " mid-conversation system message(s) into user turns");
  return out;
}

int64_t integer_field(const Json& body, std::string_view key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) throw invalid_request(std::string(key) + ": Field required");
  if (!it->is_number_integer() || it->get<int64_t>() < 1)
    throw invalid_request(std::string(key) + ": must be a positive integer");
  return it->get<int64_t>();
}

// Budget for adaptive thinking, from output_config.effort (absent: Anthropic's default, high).
int64_t adaptive_budget(const Json& body, const ThinkingBudgets& b) {
  std::string_view effort = "high";
  if (auto oc = body.find("output_config"); oc != body.end() && oc->is_object())
    effort = string_or(*oc, "effort", "high");
  if (effort == "low") return b.low;
  if (effort == "medium") return b.medium;
  return b.high;  // high, max, unknown
}

bool forces_tool(const Json& out) {
  auto tc = out.find("tool_choice");
  if (tc == out.end() || !tc->is_object()) return false;
  std::string_view t = string_or(*tc, "type");
  return t == "any" || t == "tool";
}

void apply_thinking_rules(Json& out, const Json& body, const ThinkingBudgets& budgets, Changes& changes) {
  auto th = out.find("thinking");
  if (th == out.end()) return;
  if (!th->is_object()) throw invalid_request("thinking: must be an object");
  std::string_view type = string_or(*th, "type");
  int64_t max_tokens = out["max_tokens"].get<int64_t>();
  if (type == "adaptive") {
    int64_t budget = std::min(adaptive_budget(body, budgets), max_tokens - 1);
    if (budget < kMinThinkingBudget || forces_tool(out)) {
      out.erase("thinking");
      changes.note(budget < kMinThinkingBudget ? "adaptive thinking dropped (max_tokens leaves no room for a budget)"
                                               : "adaptive thinking dropped (tool_choice forces a tool)");
      return;
    }
    Json t = Json::object();
    t["type"] = "enabled";
    t["budget_tokens"] = budget;
    *th = std::move(t);
    changes.note("adaptive thinking -> enabled, budget_tokens " + std::to_string(budget));
  } else if (type == "enabled") {
    auto bt = th->find("budget_tokens");
    if (bt != th->end() && bt->is_number_integer() && bt->get<int64_t>() >= max_tokens) {
      out["max_tokens"] = bt->get<int64_t>() + 1;
      changes.note("max_tokens raised to " + std::to_string(bt->get<int64_t>() + 1) +
                   " (above thinking.budget_tokens)");
    }
  } else {
    return;  // "disabled" and unknown types: Bedrock's business
  }
  // Sampling parameters that Bedrock rejects together with thinking.
  if (auto t = out.find("temperature"); t != out.end() && !(t->is_number() && t->get<double>() == 1.0)) {
    out.erase(t);
    changes.drop("not allowed with thinking", "temperature");
  }
  if (out.contains("top_k")) {
    out.erase("top_k");
    changes.drop("not allowed with thinking", "top_k");
  }
  if (auto p = out.find("top_p"); p != out.end() && p->is_number() && p->get<double>() < 0.95) {
    out.erase(p);
    changes.drop("not allowed with thinking", "top_p");
  }
}

void clean_tools(Json& out, Changes& changes) {
  auto tools = out.find("tools");
  if (tools == out.end()) return;
  if (tools->is_null()) {
    out.erase(tools);
    return;
  }
  if (!tools->is_array()) throw invalid_request("tools: must be an array");
  Json kept = Json::array();
  int scopes = 0;
  for (size_t i = 0; i < tools->size(); ++i) {
    Json& tool = (*tools)[i];
    if (!tool.is_object()) throw invalid_request(at("tools", i) + ": must be an object");
    std::string_view type = string_or(tool, "type");
    std::string name(string_or(tool, "name", "?"));
    if (tool.contains("type") && type != "custom") {
      changes.warn("dropped Anthropic server tool '" + name + "' (" + std::string(type) +
                   "): Bedrock does not run Anthropic's server tools");
      continue;
    }
    Json t = Json::object();
    for (auto it = tool.begin(); it != tool.end(); ++it) {
      if (it.key() == "type") continue;  // "custom" is the default
      if (!contains(kToolKeys, it.key())) {
        changes.drop(kNotOnBedrock, "tools[]." + it.key());
        continue;
      }
      t[it.key()] = std::move(it.value());
    }
    strip_scope(t, scopes);
    kept.push_back(std::move(t));
  }
  if (scopes) changes.note("stripped cache_control.scope from " + std::to_string(scopes) + " tool(s)");
  auto has_tool = [&](std::string_view n) {
    return std::any_of(kept.begin(), kept.end(), [&](const Json& t) { return string_or(t, "name") == n; });
  };
  if (kept.empty()) {
    out.erase("tools");
    if (out.contains("tool_choice")) {
      out.erase("tool_choice");
      changes.drop("no tools left", "tool_choice");
    }
    return;
  }
  *tools = std::move(kept);
  if (auto tc = out.find("tool_choice");
      tc != out.end() && tc->is_object() && string_or(*tc, "type") == "tool" && !has_tool(string_or(*tc, "name"))) {
    out.erase(tc);
    changes.drop("names a dropped tool", "tool_choice");
  }
}

// output_config (and the beta-era top-level output_format): Bedrock's InvokeModel takes
// `output_config.format` (structured outputs: {"type":"json_schema","schema":…}) for Claude 4.5 and
// later (AWS "Get validated JSON results from models"); its other keys (effort, which adaptive
// thinking has already read) are not accepted. Converse would need outputConfig.textFormat, which
// this plugin does not map.
void keep_output_format(const Json& body, Json& out, const BedrockOptions& options, Changes& changes) {
  const Json* format = nullptr;
  if (auto oc = body.find("output_config"); oc != body.end()) {
    if (!oc->is_object()) {
      changes.drop(kNotOnBedrock, "output_config");
    } else {
      for (auto it = oc->begin(); it != oc->end(); ++it) {
        if (it.key() == "format")
          format = &it.value();
        else
          changes.drop(kNotOnBedrock, "output_config." + it.key());
      }
    }
  }
  if (auto of = body.find("output_format"); of != body.end()) {
    if (format)
      changes.drop("output_config.format wins", "output_format");
    else
      format = &*of;
  }
  if (!format || format->is_null()) return;
  if (options.converse) {
    changes.drop("not mapped to Converse", "output_config.format");
  } else if (options.model.major >= 0 && !options.model.at_least(4, 5)) {
    changes.drop("structured outputs need Claude 4.5 or later on Bedrock", "output_config.format");
  } else {
    Json oc = Json::object();
    oc["format"] = *format;
    out["output_config"] = std::move(oc);
  }
}

Json collect_betas(const Json& body, const std::vector<std::string>& client_betas, const BedrockOptions& options,
                   Changes& changes) {
  std::vector<std::string> wanted = client_betas;
  if (auto b = body.find("anthropic_beta"); b != body.end()) {
    if (b->is_string()) {
      for (auto& v : split_betas(b->get<std::string>())) wanted.push_back(v);
    } else if (b->is_array()) {
      for (const Json& v : *b)
        if (v.is_string()) wanted.push_back(v.get<std::string>());
    }
  }
  Json kept = Json::array();
  for (const std::string& beta : wanted) {
    if (std::find(kept.begin(), kept.end(), beta) != kept.end()) continue;
    bool extra = std::find(options.extra_betas.begin(), options.extra_betas.end(), beta) != options.extra_betas.end();
    if (extra || bedrock_accepts_beta(beta, options.model))
      kept.push_back(beta);
    else
      changes.drop("beta not accepted by Bedrock for this model", beta);
  }
  return kept;
}

}  // namespace

std::vector<std::string> split_betas(std::string_view v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(',', start);
    if (end == std::string_view::npos) end = v.size();
    std::string_view item = v.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

bool bedrock_accepts_beta(std::string_view beta, const ClaudeModel& model) {
  for (const BetaRule& r : kBetas) {
    if (r.name != beta) continue;
    if (model.major < 0) return true;  // a configured name without a version: trust the client
    if (!r.family.empty() && !model.family.empty() && model.family != r.family) return false;
    if (!model.at_least(r.min_major, r.min_minor)) return false;
    if (r.max_major != 99 && (model.major > r.max_major || (model.major == r.max_major && model.minor > r.max_minor)))
      return false;
    return true;
  }
  return false;
}

Json to_bedrock_invoke(const Json& body, const std::vector<std::string>& client_betas, const BedrockOptions& options,
                       Changes& changes) {
  if (!body.is_object()) throw invalid_request("body: must be a JSON object");
  auto msgs = body.find("messages");
  if (msgs == body.end() || msgs->is_null()) throw invalid_request("messages: Field required");
  if (!msgs->is_array()) throw invalid_request("messages: must be an array");
  integer_field(body, "max_tokens");

  Json out = Json::object();
  out["anthropic_version"] = kBedrockAnthropicVersion;
  Json betas = collect_betas(body, client_betas, options, changes);
  if (!betas.empty()) out["anthropic_beta"] = std::move(betas);

  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& k = it.key();
    if (k == "anthropic_version" || k == "anthropic_beta") continue;
    if (k == "output_config" || k == "output_format") {
      if (k == "output_config" || !body.contains("output_config")) keep_output_format(body, out, options, changes);
      continue;
    }
    if (contains(kKeptTopLevel, k)) {
      out[k] = it.value();
      continue;
    }
    auto reason = std::find_if(kDroppedTopLevel.begin(), kDroppedTopLevel.end(),
                               [&](const DropReason& d) { return d.field == k; });
    changes.drop(reason != kDroppedTopLevel.end() ? reason->reason : std::string_view("unknown to Bedrock"), k);
  }

  // system: fold role "system" messages, then clean the blocks.
  bool has_system = out.contains("system") && !out["system"].is_null();
  Json system = has_system ? out["system"] : Json();
  Json messages = fold_system_messages(out["messages"], system, has_system, changes);
  Counters n;
  if (has_system) {
    if (mapping::strip_billing_header(system))
      changes.drop("Claude Code billing metadata, not prompt text", "system x-anthropic-billing-header line");
    if (system.is_array()) clean_blocks(system, n);
    bool empty =
        (system.is_string() && system.get_ref<const std::string&>().empty()) || (system.is_array() && system.empty());
    if (empty) {
      out.erase("system");
    } else if (out.contains("system")) {
      out["system"] = std::move(system);
    } else {
      // Only folded system messages: place `system` before messages, as clients write it.
      Json reordered = Json::object();
      for (auto it = out.begin(); it != out.end(); ++it) {
        if (it.key() == "messages") reordered["system"] = system;
        reordered[it.key()] = std::move(it.value());
      }
      out = std::move(reordered);
    }
  } else if (out.contains("system")) {
    out.erase("system");  // "system": null
  }

  for (size_t i = 0; i < messages.size(); ++i) {
    Json& m = messages[i];
    auto c = m.find("content");
    if (c == m.end() || !c->is_array()) continue;
    Json original = *c;
    clean_blocks(*c, n);
    if (c->empty() && !original.empty()) {
      if (i + 1 == messages.size() && string_or(m, "role") == "assistant") {
        messages.erase(i);  // an empty final assistant prefill
        changes.note("dropped an empty final assistant message");
        break;
      }
      *c = std::move(original);  // nothing valid would remain: let Bedrock say what is wrong
    }
  }
  out["messages"] = std::move(messages);
  if (n.empty_text) changes.drop("Bedrock rejects empty text", std::to_string(n.empty_text) + " empty text block(s)");
  if (n.scopes) changes.note("stripped cache_control.scope from " + std::to_string(n.scopes) + " block(s)");
  if (n.tool_result_blocks)
    changes.drop("not allowed in tool_result content", std::to_string(n.tool_result_blocks) + " tool_result block(s)");
  if (n.anthropic_only) changes.drop("Anthropic server-tool history", std::to_string(n.anthropic_only) + " block(s)");

  clean_tools(out, changes);
  apply_thinking_rules(out, body, options.budgets, changes);
  return out;
}

}  // namespace aicore::claude
