// Token usage in both vocabularies, and the one mapping between them.
//   OpenAI prompt_tokens = Anthropic input + cache_read + cache_creation (OpenAI counts cached
//   tokens inside the prompt; Anthropic reports them beside it); cached_tokens = cache_read.
#pragma once

#include "json_util.hpp"

namespace aicore::mapping::detail {

struct AnthropicUsage {
  int64_t input = -1, output = -1, cache_read = 0, cache_creation = 0;

  // Fields present in `u` replace what is known (message_delta usage is cumulative).
  void update(const Json& u) {
    input = int_or(u, "input_tokens", input);
    output = int_or(u, "output_tokens", output);
    cache_read = int_or(u, "cache_read_input_tokens", cache_read);
    cache_creation = int_or(u, "cache_creation_input_tokens", cache_creation);
  }
  int64_t prompt() const { return input < 0 ? -1 : input + cache_read + cache_creation; }
  // In the ABI's convention (aicore::Usage); the cache parts only once the input is known.
  Usage counts() const {
    Usage u;
    u.input_tokens = prompt();
    u.output_tokens = output;
    if (input >= 0) u.cache_read_tokens = cache_read, u.cache_write_tokens = cache_creation;
    return u;
  }

  Json openai() const {
    const int64_t p = std::max<int64_t>(prompt(), 0), c = std::max<int64_t>(output, 0);
    Json u = Json::object();
    u["prompt_tokens"] = p;
    u["completion_tokens"] = c;
    u["total_tokens"] = p + c;
    Json details = Json::object();
    details["cached_tokens"] = cache_read;
    u["prompt_tokens_details"] = std::move(details);
    return u;
  }
};

struct OpenAIUsage {
  int64_t prompt = -1, completion = -1, cached = 0, reasoning = -1;

  void update(const Json& u) {
    prompt = int_or(u, "prompt_tokens", prompt);
    completion = int_or(u, "completion_tokens", completion);
    if (const Json* d = find(u, "prompt_tokens_details")) cached = int_or(*d, "cached_tokens", cached);
    if (const Json* d = find(u, "completion_tokens_details")) reasoning = int_or(*d, "reasoning_tokens", reasoning);
  }

  // In the ABI's convention (aicore::Usage); OpenAI has no cache writes to count.
  Usage counts() const {
    Usage u;
    u.input_tokens = prompt;
    u.output_tokens = completion;
    if (prompt >= 0) u.cache_read_tokens = cached, u.cache_write_tokens = 0;
    u.reasoning_tokens = reasoning;
    return u;
  }

  // input_tokens excludes what was read from the cache, as Anthropic counts it.
  Json anthropic(int64_t input_fallback) const {
    Json u = Json::object();
    const int64_t p = prompt >= 0 ? prompt : input_fallback;
    const int64_t cr = std::min<int64_t>(cached, std::max<int64_t>(p, 0));
    u["input_tokens"] = std::max<int64_t>(p - cr, 0);
    u["cache_creation_input_tokens"] = 0;
    u["cache_read_input_tokens"] = cr;
    u["output_tokens"] = std::max<int64_t>(completion, 0);
    return u;
  }
};

}  // namespace aicore::mapping::detail
