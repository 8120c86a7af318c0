#include "azure_extras.hpp"

namespace aicore::openai {

void strip_azure_top_level(Json& completion) {
  if (!completion.is_object()) return;
  completion.erase("prompt_filter_results");
  completion.erase("prompt_annotations");
}

void strip_azure_choice(Json& choice) {
  if (!choice.is_object()) return;
  choice.erase("content_filter_results");
  choice.erase("content_filter_offsets");
}

}  // namespace aicore::openai
