// The conversation a model request belongs to, as a hash, from what clients already send: no
// state the client must carry. Turns of one agent session give the same key; independent
// conversations give different ones (so they still spread round-robin).
//
//   session   a session header (x-session-id, session_id, x-aicore-session, x-claude-code-session-id),
//             else prompt_cache_key (OpenAI) or metadata.user_id (Anthropic; Claude Code puts its
//             session id in it) — folded in with the prefix below, never instead of it.
//   prefix    Anthropic Messages: tools and system, and — only when neither holds a cache_control
//             breakpoint — the first message. That is the cached prefix every later turn starts
//             with. OpenAI chat: tools, `user`, and the messages up to the first user message.
//             cache_control markers are ignored (clients move the last breakpoint every turn), as
//             is Claude Code's per-request billing header block in system.
//
// 0 when there is nothing to key on (another dialect, no messages, or a body the fast scanner is
// unsure about): such a request is routed round-robin.
#pragma once

#include <cstdint>
#include <string_view>

namespace aicore::host {

struct SessionHints {
  std::string_view header;  // the first session header present, or empty
};

uint64_t conversation_key(std::string_view dialect, std::string_view model_key, std::string_view body,
                          const SessionHints& hints);

}  // namespace aicore::host
