#include <aicore/mapping/json_io.hpp>
#include <aicore/mapping/settings.hpp>

#include <aicore/plugin.hpp>

#include <string>

namespace aicore::mapping {

void config_error(std::string_view field, std::string_view problem) {
  throw PluginError(ACP_ERR_CONFIG, std::string(field) + ": " + std::string(problem));
}

Json parse_settings(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  Json j;
  try {
    j = parse_upstream_json(text, "settings");
  } catch (const PluginError&) { config_error("settings", "invalid JSON"); }
  if (!j.is_object()) config_error("settings", "must be a JSON object");
  return j;
}

}  // namespace aicore::mapping
