#pragma once
// Validation of chat/completions "messages": shapes per role, content parts, and the tool-call
// protocol (each assistant tool_call answered by a tool message right after it, each tool message
// answering one of those calls), with OpenAI's error wording.
#include "json.hpp"
#include "reply.hpp"

namespace aicore::emulator {

// Throws AzureError on any violation. Fills the conversation's last-message facts, adds the
// counted characters to `chars`, and sets mentionsJson when any text contains "json" (required
// by response_format json_object).
void parseChatMessages(const Json& body, Conversation& conv, size_t& chars, bool& mentionsJson);

}  // namespace aicore::emulator
