// What every provider plugin reads the same way from its upstream besides the payload it converts:
// the message of an error body, the class of an error the upstream streamed, the token usage.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

// The most useful message of an upstream error body: error.message ({"error":{…}} of Azure,
// Google, Anthropic and SAP; also inside a one-element array, as Vertex's non-SSE streams send
// it), an error string (+ ": " error_description, OAuth's form), message, or Bedrock's Message.
// Empty when none, or when the body is not JSON.
std::string upstream_error_message(std::string_view body);

// The class of an upstream error answer (status >= 400) as every provider plugin reads it: 429 and
// 5xx retry, 401 and 403 re-authenticate (SAP answers 403 to some token problems), anything else
// is fatal, and then the upstream's own message (upstream_error_message) is written to `message`
// for the client: it tells the user what to change.
// `too_long`: phrases of the vendor's "prompt longer than the context window" error; a 400/413
// whose body holds one is prompt_too_long() (a context-window fallback may serve the request).
acp_error_class classify_error_answer(const ResponseIn& in, const Sink& message,
                                      std::initializer_list<std::string_view> too_long = {});

// An error object the upstream streamed ({type, code, message} in OpenAI's form, Anthropic's inner
// error, or a bare string), classified (aicore/stream_errors.hpp) and reported on `events`. The
// caller then writes its client error event.
void report_stream_error(const Sink& events, const Json& error);

// Token counts in the ABI's convention from a usage object of either vocabulary: OpenAI's
// prompt_tokens (+ prompt_tokens_details.cached_tokens), completion_tokens (+
// completion_tokens_details.reasoning_tokens); Anthropic's input_tokens + cache_read_input_tokens +
// cache_creation_input_tokens, output_tokens. Counts the object lacks are -1.
Usage usage_from_openai(const Json& usage);
Usage usage_from_anthropic(const Json& usage);

}  // namespace aicore::mapping
