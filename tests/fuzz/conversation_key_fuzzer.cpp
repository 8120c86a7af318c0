// The conversation key of affinity routing (host/routing/ConversationKey.cpp): it reads every
// Claude (and, with routing.affinity on, OpenAI chat) client body on the request path, before any
// plugin, with the fast scanner and nlohmann on the parts it hashes.
//
// Properties: no crash or overflow of the worker-sized stack on any body, for both dialects, with
// and without a session header; the same body gives the same key (it is a routing decision, so it
// must not depend on anything but the request); and a key is 0 only when there is nothing to key on,
// so a body the scanner refuses gets 0 whatever the dialect.
#include "fuzz_support.hpp"

#include "routing/ConversationKey.hpp"

int fuzz_one_input(std::string_view in) {
  using aicore::host::conversation_key;
  using aicore::host::SessionHints;
  for (std::string_view dialect : {ACP_DIALECT_ANTHROPIC_MESSAGES, ACP_DIALECT_OPENAI_CHAT}) {
    const uint64_t plain = conversation_key(dialect, "m", in, SessionHints{});
    FUZZ_CHECK(plain == conversation_key(dialect, "m", in, SessionHints{}), std::string(in));
    const uint64_t with_session = conversation_key(dialect, "m", in, SessionHints{"session-1"});
    FUZZ_CHECK(with_session == conversation_key(dialect, "m", in, SessionHints{"session-1"}), std::string(in));
    // A session header is folded in with the prefix, never instead of it.
    FUZZ_CHECK((plain == 0) == (with_session == 0), std::string(in));
  }
  // Another dialect is never keyed.
  FUZZ_CHECK(conversation_key("gemini.generate", "m", in, SessionHints{"s"}) == 0, std::string(in));
  return 0;
}
