#include "azure_extras.hpp"

namespace aicore::openai {

bool is_azure_top_level_key(std::string_view key) {
  return key == "prompt_filter_results" || key == "prompt_annotations";
}

bool is_azure_choice_key(std::string_view key) {
  return key == "content_filter_results" || key == "content_filter_offsets";
}

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
