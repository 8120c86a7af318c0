// Azure OpenAI adds content-safety annotations to every completion and chunk. OpenAI clients do
// not know them (strict ones fail on unknown keys, others log them), so both the response and the
// stream converter remove them through these two functions.
#pragma once

#include "json_util.hpp"

namespace aicore::openai {

// Top level of a completion or chunk: prompt_filter_results (and the 2023 name prompt_annotations).
void strip_azure_top_level(Json& completion);

// One choice: content_filter_results and content_filter_offsets (the latter comes with Azure's
// asynchronous filter mode).
void strip_azure_choice(Json& choice);

}  // namespace aicore::openai
