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

void read_effort_levels(const Json& v, const std::string& field, int64_t min, EffortLevels& levels) {
  if (!v.is_object()) config_error(field, "must be an object with low, medium and/or high");
  for (auto b = v.begin(); b != v.end(); ++b) {
    const std::string f = field + "." + b.key();
    int64_t* level = b.key() == "low"      ? &levels.low
                     : b.key() == "medium" ? &levels.medium
                     : b.key() == "high"   ? &levels.high
                                           : nullptr;
    if (!level) config_error(f, "unknown effort (known: low, medium, high)");
    if (!b.value().is_number_integer() || b.value().get<int64_t>() < min)
      config_error(f, "must be an integer >= " + std::to_string(min));
    *level = b.value().get<int64_t>();
  }
}

}  // namespace aicore::mapping
