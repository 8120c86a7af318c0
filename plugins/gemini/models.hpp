// Which model names belong to the Gemini family, what they may be configured as, and what each
// model accepts for thinking.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aicore::gemini {

// Lower case, without a routing prefix ("google/", "models/", "vertex_ai/", "gemini/",
// "publishers/google/models/"): the form every rule below matches.
std::string base_model_name(std::string_view model);

// gemini-* (chat and embedding), optionally prefixed as above.
bool is_gemini_model(std::string_view model);

// Names under which `model` may be configured, best first, without duplicates: the name, without
// its routing prefix, lower case, then without a version suffix (-001, -latest,
// -preview-05-20, -exp-0827).
std::vector<std::string> model_candidates(std::string_view model);

// What a model accepts in generationConfig.thinkingConfig.
struct ThinkingSupport {
  enum class Kind {
    None,    // gemini-1.x / 2.0: no thinkingConfig at all
    Budget,  // gemini-2.5-*: thinkingBudget in [min, max], 0 only when can_disable, -1 = dynamic
    Level,   // gemini-3*: thinkingLevel "low" / "high" (a budget is still accepted)
    Unknown  // a model this plugin does not know: passed through unclamped
  };
  Kind kind = Kind::Unknown;
  int64_t min = 0;
  int64_t max = 0;
  bool can_disable = false;
};
ThinkingSupport thinking_support(std::string_view upstream_model);

}  // namespace aicore::gemini
