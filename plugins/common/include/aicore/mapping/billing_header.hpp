// Claude Code's attribution line, `x-anthropic-billing-header: cc_version=…; cc_entrypoint=…; cch=…;`,
// which it writes as the first `system` text block of every request to an Anthropic-compatible base
// URL. Anthropic's API reads it as billing metadata; any other upstream (Bedrock, Azure OpenAI,
// Vertex) would take it as prompt text. Worse, Claude Code's native builds put a per-request hash
// (`cch=`) in it, so it makes each request's prompt prefix unique and the upstream prompt cache
// never hits (anthropics/claude-code#68900). Every provider removes it before calling upstream.
#pragma once

#include <aicore/mapping/types.hpp>

#include <string_view>

namespace aicore::mapping {

inline constexpr std::string_view kBillingHeaderPrefix = "x-anthropic-billing-header:";

// Removes the line from an Anthropic `system` value in place: a string or text block that starts
// with it loses that line (and the blank lines after it); a text block left empty is removed.
// Returns how many were removed (0: `system` is unchanged).
int strip_billing_header(Json& system);

}  // namespace aicore::mapping
