// Anthropic Messages body -> a body Bedrock's /invoke accepts. Every per-field decision lives in
// the tables of bedrock_rules.cpp, in one place:
//
//  - kept as sent (byte for byte up to JSON re-serialisation): max_tokens, messages, system,
//    stop_sequences, temperature, top_p, top_k, tools, tool_choice, thinking, and inside them
//    everything not named below: thinking/redacted_thinking blocks and signatures, tool_use,
//    tool_result, images, documents, citations, cache_control (type, ttl);
//  - added: anthropic_version "bedrock-2023-05-31" (first key);
//  - moved: anthropic-beta request header values (and a body anthropic_beta) -> body anthropic_beta,
//    keeping only the betas Bedrock accepts for the model (kBetas) plus settings.extra_betas;
//  - mapped: thinking {"type":"adaptive"} -> {"type":"enabled","budget_tokens":B}, B from
//    output_config.effort (low/medium/high, absent = high) via settings.thinking_budgets, lowered to
//    max_tokens-1 (and dropped when that leaves less than Bedrock's minimum of 1024, or when
//    tool_choice forces a tool, which thinking does not allow);
//    thinking enabled with budget_tokens >= max_tokens -> max_tokens = budget_tokens + 1;
//    with thinking on, temperature (unless 1), top_k and top_p below 0.95 are dropped (Bedrock
//    rejects them together with thinking);
//  - folded: role "system" messages: leading ones are appended to `system`; later ones become user
//    text wrapped in <system-reminder> tags, merged into the neighbouring user turn so roles keep
//    alternating (upstreams reject the role; Claude Code sends it);
//  - stripped: Claude Code's `x-anthropic-billing-header: …` line from `system`
//    (aicore/mapping/billing_header.hpp: billing metadata whose per-request hash defeats prompt
//    caching), cache_control.scope (everywhere), tools' input_examples and other non-Bedrock tool
//    keys, empty text blocks, tool_result content blocks other than text/image/document/
//    search_result, Anthropic-only history blocks (server_tool_use, *_tool_result of server tools);
//  - kept for Claude 4.5 and later on /invoke: output_config.format (Bedrock structured outputs,
//    JSON schema; a beta-style top-level output_format becomes it); output_config's other keys
//    (effort) are dropped;
//  - dropped: every other top-level field (model, stream, metadata, context_management,
//    output_config on older models and on Converse, service_tier, container, inference_geo, mcp_servers, unknown ones:
//    Bedrock answers "Extra inputs are not permitted"), Anthropic server tools (web_search_*, web_fetch_*,
//    code_execution_*, computer_*, text_editor_*, bash_*, memory_*, tool_search_tool_*, mcp_toolset,
//    any typed tool but "custom"), with a warning.
#pragma once

#include "json_util.hpp"
#include "models.hpp"
#include "settings.hpp"

#include <aicore/mapping/changes.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace aicore::claude {

using mapping::Changes;

inline constexpr std::string_view kBedrockAnthropicVersion = "bedrock-2023-05-31";
inline constexpr int64_t kMinThinkingBudget = 1024;

struct BedrockOptions {
  ClaudeModel model;  // the configured model, for betas that only some versions accept
  ThinkingBudgets budgets;
  std::vector<std::string> extra_betas;
  bool converse = false;  // the body goes on to anthropic_to_converse_request
};

// Values of the client's anthropic-beta header(s): comma-separated, trimmed, in order.
std::vector<std::string> split_betas(std::string_view header_value);

// Whether Bedrock accepts `beta` for `model` (the built-in table; an unknown model version accepts
// every beta the table lists).
bool bedrock_accepts_beta(std::string_view beta, const ClaudeModel& model);

// Rewrites `body` (an Anthropic Messages request) into a Bedrock invoke body, recording what it
// changed in `changes`. Throws aicore::invalid_request for a body no rule can repair (no messages,
// no max_tokens, wrong types).
Json to_bedrock_invoke(const Json& body, const std::vector<std::string>& client_betas, const BedrockOptions& options,
                       Changes& changes);

}  // namespace aicore::claude
