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
  const std::string_view known = "api, apis, default_max_tokens, thinking_budgets, extra_betas";
  mapping::for_each_setting(text, known, [&](const std::string& key, const Json& v) {
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
      mapping::read_effort_levels(v, key, 1024, s.budgets);
    } else if (key == "extra_betas") {
      if (!v.is_array()) config_error(key, "must be an array of strings");
      for (const Json& b : v) {
        if (!b.is_string() || b.get_ref<const std::string&>().empty())
          config_error(key, "must be an array of non-empty strings");
        s.extra_betas.push_back(b.get<std::string>());
      }
    } else {
      return false;
    }
    return true;
  });
  return s;
}

Api Settings::api_for(std::string_view model) const {
  if (apis.empty() || model.empty()) return api;
  const Api* match = mapping::longest_prefix_match(apis, model_candidates(model));
  return match ? *match : api;
}

}  // namespace aicore::claude
