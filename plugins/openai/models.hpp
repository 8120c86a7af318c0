// Which model names belong to the OpenAI family on SAP AI Core, and what they may be configured as.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aicore::openai {

// Lower case, without a routing prefix ("openai/", "azure/"): the form every rule below matches.
std::string base_model_name(std::string_view model);

// gpt-*, chatgpt-*, o1*, o3*, o4*, text-embedding-*, optionally prefixed "openai/" or "azure/".
bool is_openai_model(std::string_view model);

// Models that take max_completion_tokens and reject sampling parameters: o1*, o3*, o4*, gpt-5*.
// "gpt-o3-mini"-style keys (the original proxy's config examples) count too.
bool is_reasoning_model(std::string_view model);

// Names under which `model` may be configured, best first, without duplicates: the name itself,
// without its routing prefix, without a date snapshot suffix (gpt-4o-2024-08-06 -> gpt-4o,
// gpt-4-0613 -> gpt-4), then the lower-case forms, then Azure's dot-less spelling (gpt-3.5-turbo
// -> gpt-35-turbo) and back.
std::vector<std::string> model_candidates(std::string_view model);

}  // namespace aicore::openai
