#include "settings.hpp"

#include "json_util.hpp"
#include "models.hpp"

#include <aicore/mapping/settings.hpp>
#include <aicore/plugin.hpp>

namespace aicore::claude {
namespace {

using mapping::config_error;

Api api_value(const Json& v, std::string_view field) {
  if (v == "invoke") return Api::Invoke;
  if (v == "converse") return Api::Converse;
  config_error(field, "must be \"invoke\" or \"converse\"");
}

int64_t positive(const Json& v, std::string_view field, int64_t min) {
  if (!v.is_number_integer() || v.get<int64_t>() < min)
    config_error(field, "must be an integer >= " + std::to_string(min));
  return v.get<int64_t>();
}

}  // namespace

std::string_view api_name(Api api) { return api == Api::Converse ? "converse" : "invoke"; }

Settings Settings::parse(std::string_view text) {
  Settings s;
  const Json j = mapping::parse_settings(text);
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (key == "api") {
      s.api = api_value(v, key);
    } else if (key == "apis") {
      mapping::for_each_model_setting(v, key, "\"invoke\" | \"converse\"",
                                      [&](const std::string& model, const Json& value, const std::string& field) {
                                        s.apis.emplace_back(model, api_value(value, field));
                                      });
    } else if (key == "default_max_tokens") {
      s.default_max_tokens = positive(v, key, 1);
    } else if (key == "thinking_budgets") {
      if (!v.is_object()) config_error(key, "must be an object with low, medium and/or high");
      for (auto b = v.begin(); b != v.end(); ++b) {
        const std::string field = "thinking_budgets." + b.key();
        if (b.key() == "low")
          s.budgets.low = positive(b.value(), field, 1024);
        else if (b.key() == "medium")
          s.budgets.medium = positive(b.value(), field, 1024);
        else if (b.key() == "high")
          s.budgets.high = positive(b.value(), field, 1024);
        else
          config_error(field, "unknown level (known: low, medium, high)");
      }
    } else if (key == "extra_betas") {
      if (!v.is_array()) config_error(key, "must be an array of strings");
      for (const Json& b : v) {
        if (!b.is_string() || b.get_ref<const std::string&>().empty())
          config_error(key, "must be an array of non-empty strings");
        s.extra_betas.push_back(b.get<std::string>());
      }
    } else {
      config_error(key, "unknown setting (known: api, apis, default_max_tokens, thinking_budgets, extra_betas)");
    }
  }
  return s;
}

Api Settings::api_for(std::string_view model) const {
  if (apis.empty() || model.empty()) return api;
  for (const std::string& name : model_candidates(model)) {
    const Api* best = nullptr;
    size_t best_len = 0;
    for (const auto& [key, value] : apis)
      if (name.starts_with(key) && key.size() > best_len) {
        best = &value;
        best_len = key.size();
      }
    if (best) return *best;
  }
  return api;
}

}  // namespace aicore::claude
