#include "settings.hpp"

#include "models.hpp"

#include <aicore/mapping/settings.hpp>
#include <aicore/plugin.hpp>

#include <algorithm>

namespace aicore::gemini {
namespace {

using mapping::config_error;

// Model names go into the URL path unescaped.
bool path_safe(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '@';
  });
}

}  // namespace

Settings Settings::parse(std::string_view text) {
  Settings s;
  mapping::for_each_setting(
      text, "model_names, safety_settings, thinking_budgets", [&](const std::string& key, const Json& v) {
        if (key == "model_names") {
          mapping::for_each_model_setting(
              v, key, "Gemini model name", [&](const std::string& model, const Json& value, const std::string& field) {
                if (!value.is_string() || !path_safe(value.get_ref<const std::string&>()))
                  config_error(field, "must be a model name of letters, digits, '-', '.', '_' or '@'");
                s.model_names.emplace_back(model, value.get<std::string>());
              });
        } else if (key == "safety_settings") {
          if (!v.is_array()) config_error(key, "must be an array of {category, threshold} objects");
          for (size_t i = 0; i < v.size(); ++i)
            if (!v[i].is_object() || !v[i].contains("category") || !v[i].contains("threshold"))
              config_error(at(key, i), "must be an object with category and threshold");
          s.safety_settings = v;
        } else if (key == "thinking_budgets") {
          mapping::read_effort_levels(v, key, -1, s.budgets);  // -1: Gemini's dynamic thinking
        } else {
          return false;
        }
        return true;
      });
  return s;
}

std::string Settings::upstream_model(std::string_view model_key) const {
  for (const auto& [key, name] : model_names)
    if (key == model_key) return name;
  std::string name = base_model_name(model_key);
  if (!path_safe(name))
    throw invalid_request("model: '" + std::string(model_key) +
                          "' cannot be used as a Gemini model name; map it in plugins.settings.gemini.model_names");
  return name;
}

}  // namespace aicore::gemini
