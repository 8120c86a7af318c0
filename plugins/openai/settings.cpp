#include "settings.hpp"

#include "json_util.hpp"
#include "models.hpp"

#include <aicore/mapping/settings.hpp>
#include <aicore/plugin.hpp>

#include <algorithm>

namespace aicore::openai {
namespace {

using mapping::config_error;

// The version goes into the query string unescaped, so only allow what Azure versions look like
// ("2024-12-01-preview", "preview", "v1").
std::string version_value(const Json& v, std::string_view field) {
  if (!v.is_string()) config_error(field, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty()) config_error(field, "must not be empty");
  bool ok = std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
  if (!ok) config_error(field, "may contain only letters, digits, '-', '.' and '_'");
  return s;
}

}  // namespace

Settings Settings::parse(std::string_view text) {
  Settings s;
  const std::string_view known = "api_version, embeddings_api_version, api_versions";
  mapping::for_each_setting(text, known, [&](const std::string& key, const Json& v) {
    if (key == "api_version") {
      s.chat_api_version = version_value(v, key);
    } else if (key == "embeddings_api_version") {
      s.embeddings_api_version = version_value(v, key);
    } else if (key == "api_versions") {
      mapping::for_each_model_setting(v, key, "version",
                                      [&](const std::string& model, const Json& value, const std::string& field) {
                                        s.api_versions.emplace_back(model, version_value(value, field));
                                      });
    } else {
      return false;
    }
    return true;
  });
  return s;
}

const std::string* Settings::override_for(std::string_view model) const {
  if (api_versions.empty() || model.empty()) return nullptr;
  return mapping::longest_prefix_match(api_versions, model_candidates(model));
}

std::string_view Settings::chat_version(std::string_view model) const {
  const std::string* v = override_for(model);
  return v ? *v : chat_api_version;
}

std::string_view Settings::embeddings_version(std::string_view model) const {
  const std::string* v = override_for(model);
  return v ? *v : embeddings_api_version;
}

}  // namespace aicore::openai
