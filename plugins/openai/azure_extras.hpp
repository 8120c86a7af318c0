// Azure OpenAI adds content-safety annotations to every completion and chunk. OpenAI clients do
// not know them (strict ones fail on unknown keys, others log them), so both the response and the
// stream converter remove them through these two functions.
#pragma once

#include "json_util.hpp"

namespace aicore::openai {

// The keys the two functions below remove (for converters that copy bytes instead of a DOM).
bool is_azure_top_level_key(std::string_view key);
bool is_azure_choice_key(std::string_view key);

// Top level of a completion or chunk: prompt_filter_results (and the 2023 name prompt_annotations).
void strip_azure_top_level(Json& completion);

// One choice: content_filter_results and content_filter_offsets (the latter comes with Azure's
// asynchronous filter mode).
void strip_azure_choice(Json& choice);

}  // namespace aicore::openai
