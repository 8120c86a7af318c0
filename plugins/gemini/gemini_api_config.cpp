#include "gemini_api_config.hpp"

#include "models.hpp"
#include "schema.hpp"

#include <aicore/mapping/model_names.hpp>
#include <aicore/plugin.hpp>

#include <algorithm>
#include <optional>

namespace aicore::gemini {
namespace {

// A thinkingLevel for a model that takes budgets (a client that names a Gemini 3 model the proxy
// maps to a 2.5 deployment): the budget the settings give that effort.
int64_t budget_for_level(const std::string& level, const std::string& where, const ThinkingSupport& sup,
                         const Settings& settings) {
  const std::string l = mapping::lower(level);
  if (l == "minimal") return sup.can_disable ? 0 : sup.min;
  if (l == "low") return settings.budgets.low;
  if (l == "medium") return settings.budgets.medium;
  if (l == "high") return settings.budgets.high;
  throw invalid_request(where + ": must be MINIMAL, LOW, MEDIUM or HIGH");
}

// A budget the model accepts: -1 (dynamic) as it is, 0 only where thinking can be switched off,
// anything else within the model's range (Vertex refuses the request otherwise).
int64_t fit_budget(int64_t budget, const ThinkingSupport& sup, Notes& notes) {
  if (budget == -1 || (budget == 0 && sup.can_disable)) return budget;
  const int64_t fitted = std::clamp(budget, sup.min, sup.max);
  if (fitted != budget) notes.add("thinkingBudget " + std::to_string(budget) + " clamped to " + std::to_string(fitted));
  return fitted;
}

// thinkingConfig as `model` accepts it; null when the model takes none.
Json thinking_config(const Json& tc, const std::string& where, std::string_view model, const Settings& settings,
                     Notes& notes) {
  Json out = Json::object();
  std::optional<int64_t> budget;
  std::string level;
  std::string level_at;
  for_each_field(tc, where, "ThinkingConfig", {}, notes,
                 [&](const std::string& name, const Json& v, const std::string& at) {
                   if (name == "includeThoughts") {
                     out[name] = need_bool(v, at);
                   } else if (name == "thinkingBudget") {
                     budget = need_int(v, at);
                     if (*budget < -1)
                       throw invalid_request(at + ": must be -1 (dynamic), 0 (off) or a number of tokens");
                     out[name] = *budget;
                   } else if (name == "thinkingLevel") {
                     level = need_string(v, at);
                     level_at = at;
                     out[name] = v;
                   } else {
                     return false;
                   }
                   return true;
                 });

  using K = ThinkingSupport::Kind;
  const ThinkingSupport sup = thinking_support(model);
  if (sup.kind == K::None) {
    notes.add("thinkingConfig dropped (" + std::string(model) + " does not think)");
    return nullptr;
  }
  if (sup.kind == K::Level) {
    if (budget && !level.empty()) {  // Vertex: "only one of thinking budget and thinking level"
      out.erase("thinkingBudget");
      notes.add("thinkingBudget dropped (thinkingLevel given)");
    }
    return out;
  }
  if (sup.kind != K::Budget) return out;  // a model this plugin does not know: as sent
  if (!level.empty()) {
    out.erase("thinkingLevel");
    if (budget) {
      notes.add("thinkingLevel dropped (thinkingBudget given)");
    } else if (mapping::lower(level) != "thinking_level_unspecified") {
      budget = budget_for_level(level, level_at, sup, settings);
      notes.add("thinkingLevel " + level + " sent as thinkingBudget " + std::to_string(*budget));
    }
  }
  if (budget) out["thinkingBudget"] = fit_budget(*budget, sup, notes);
  return out;
}

}  // namespace

Json vertex_generation_config(const Json& config, const std::string& where, std::string_view model,
                              const Settings& settings, Notes& notes) {
  Json out = Json::object();
  bool native_schema = false, json_schema = false;
  for_each_field(
      config, where, "GenerationConfig", {"enableEnhancedCivicAnswers"}, notes,
      [&](const std::string& name, const Json& v, const std::string& at) {
        if (name == "temperature" || name == "topP" || name == "topK" || name == "presencePenalty" ||
            name == "frequencyPenalty") {
          need_number(v, at);
          out[name] = v;
        } else if (name == "candidateCount" || name == "maxOutputTokens" || name == "seed" || name == "logprobs") {
          out[name] = need_int(v, at);
        } else if (name == "responseLogprobs" || name == "audioTimestamp") {
          out[name] = need_bool(v, at);
        } else if (name == "responseMimeType" || name == "mediaResolution") {
          out[name] = need_string(v, at);
        } else if (name == "stopSequences" || name == "responseModalities") {
          out[name] = need_strings(v, at);
        } else if (name == "responseSchema") {
          out[name] = need_object(v, at);  // Vertex's own Schema: as sent
          native_schema = true;
        } else if (name == "responseJsonSchema") {
          // Plain JSON Schema: rewritten into the Schema subset every Vertex version takes (the
          // cleaner the chat dialects use), like functionDeclarations[].parametersJsonSchema.
          out["responseSchema"] = clean_response_schema(v, at);
          json_schema = true;
        } else if (name == "routingConfig" || name == "speechConfig" || name == "imageConfig") {
          out[name] = need_object(v, at);
        } else if (name == "thinkingConfig") {
          Json tc = thinking_config(v, at, model, settings, notes);
          if (!tc.is_null()) out[name] = std::move(tc);
        } else {
          return false;
        }
        return true;
      });
  if (native_schema && json_schema)
    throw invalid_request(member_path(where, "responseJsonSchema") +
                          ": give either responseSchema or responseJsonSchema");
  if (json_schema && !out.contains("responseMimeType")) {
    out["responseMimeType"] = "application/json";  // Vertex refuses a schema on text/plain
    notes.add("responseMimeType application/json added for responseJsonSchema");
  }
  return out;
}

Json vertex_tool_config(const Json& config, const std::string& where, Notes& notes) {
  Json out = Json::object();
  for_each_field(config, where, "ToolConfig", {"includeServerSideToolInvocations"}, notes,
                 [&](const std::string& name, const Json& v, const std::string& at) {
                   if (name == "functionCallingConfig") {
                     Json fcc = Json::object();
                     for_each_field(v, at, "FunctionCallingConfig", {}, notes,
                                    [&](const std::string& n, const Json& fv, const std::string& fat) {
                                      if (n == "mode")
                                        fcc[n] = need_string(fv, fat);
                                      else if (n == "allowedFunctionNames")
                                        fcc[n] = need_strings(fv, fat);
                                      else if (n == "streamFunctionCallArguments")
                                        fcc[n] = need_bool(fv, fat);
                                      else
                                        return false;
                                      return true;
                                    });
                     out[name] = std::move(fcc);
                   } else if (name == "retrievalConfig") {
                     out[name] = need_object(v, at);
                   } else {
                     return false;
                   }
                   return true;
                 });
  return out;
}

Json vertex_safety_settings(const Json& settings, const std::string& where, Notes& notes) {
  Json out = Json::array();
  for_each_item(settings, where, [&](const Json& item, const std::string& item_at) {
    Json s = Json::object();
    for_each_field(item, item_at, "SafetySetting", {}, notes,
                   [&](const std::string& name, const Json& v, const std::string& at) {
                     if (name != "category" && name != "threshold" && name != "method") return false;
                     s[name] = need_string(v, at);
                     return true;
                   });
    out.push_back(std::move(s));
  });
  return out;
}

}  // namespace aicore::gemini
