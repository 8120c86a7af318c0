// The Gemini request's options -> chat: tool declarations (and their OpenAPI-subset schemas), the
// function calling config, the generation config (aicore/mapping/gemini_api.hpp).
#include "gemini_fields.hpp"
#include "json_util.hpp"

#include <aicore/mapping/gemini_api.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace aicore::mapping::gemini_fields {

using namespace detail;

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

namespace {

// ---- schema -----------------------------------------------------------------------------------

int64_t limit_value(const Json& v, const std::string& path) {
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) return v.get<int64_t>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::stoll(s);
  }
  bad(path, "must be a non-negative integer (or its decimal string)");
}

Json convert_schema(const Json& s, const std::string& path, int depth) {
  if (depth > kMaxJsonDepth) bad(path, "schema nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  expect_object(s, path);
  Json out = Json::object();
  bool nullable = false;
  for (const auto& [key, v] : s.items()) {
    if (v.is_null() && key != "default") continue;  // absent, as everywhere else
    const std::string p = dot(path, key);
    if (key == "type") {
      const std::string t = lower(expect_string(v, p));
      if (t != "type_unspecified") out["type"] = t;
    } else if (key == "nullable") {
      nullable = expect_bool(v, p);
    } else if (key == "properties") {
      Json props = Json::object();
      for (const auto& [name, sub] : expect_object(v, p).items())
        props[name] = convert_schema(sub, dot(p, name), depth + 1);
      out["properties"] = std::move(props);
    } else if (key == "items") {
      out["items"] = convert_schema(v, p, depth + 1);
    } else if (key == "anyOf" || key == "any_of") {
      Json branches = Json::array();
      for (size_t i = 0; i < expect_array(v, p).size(); ++i)
        branches.push_back(convert_schema(v[i], at(p, i), depth + 1));
      out["anyOf"] = std::move(branches);
    } else if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength" ||
               key == "minProperties" || key == "maxProperties") {
      out[key] = limit_value(v, p);
    } else if (key == "min_items" || key == "max_items" || key == "min_length" || key == "max_length" ||
               key == "min_properties" || key == "max_properties") {
      // snake_case -> the JSON Schema keyword: min_items -> minItems
      std::string camel = key.substr(0, 3) + static_cast<char>(std::toupper(key[4])) + key.substr(5);
      out[camel] = limit_value(v, p);
    } else if (key == "format" && v == "enum") {
      // OpenAPI's marker for a string enum; JSON Schema says that with `enum` alone.
    } else if (key == "propertyOrdering" || key == "property_ordering") {
      // Gemini's output-order hint; no JSON Schema counterpart.
    } else if (key == "example") {
      out["examples"] = Json::array({v});
    } else {
      out[key] = v;  // description, enum, required, format, pattern, minimum, default, title, …
    }
  }
  if (nullable && out.contains("type") && out["type"].is_string()) out["type"] = Json::array({out["type"], "null"});
  return out;
}

// ---- tools ------------------------------------------------------------------------------------

Json function_tool(const Json& d, const std::string& path, Changes& changes) {
  expect_object(d, path);
  const std::string& name = expect_string(require(d, "name", path), path + ".name");
  if (name.empty()) bad(path + ".name", "must not be empty");
  Json fn{{"name", name}};
  if (const Json* desc = find(d, "description")) fn["description"] = expect_string(*desc, path + ".description");
  std::string pp, jp;
  const Json* params = member(d, "parameters", "parameters", path, pp);
  const Json* json_params = member(d, "parametersJsonSchema", "parameters_json_schema", path, jp);
  if (params && json_params) bad(jp, "give either parameters or parametersJsonSchema, not both");
  if (json_params)
    fn["parameters"] = expect_object(*json_params, jp);
  else if (params)
    fn["parameters"] = gemini_fields::json_schema(*params, pp);
  for (auto [camel, snake] :
       {std::pair{"response", "response"}, std::pair{"responseJsonSchema", "response_json_schema"},
        std::pair{"behavior", "behavior"}}) {
    std::string p;
    if (member(d, camel, snake, path, p)) changes.drop("not in Chat Completions", p);
  }
  return {{"type", "function"}, {"function", std::move(fn)}};
}

// ---- generation config ------------------------------------------------------------------------

// thinkingConfig -> reasoning_effort. A level maps to the effort of its name; a budget by size
// (0 none, 1-4095 low, 4096-16383 medium, from 16384 high: the plugins' own budgets for those
// efforts are 1024/4096/16384); -1 (dynamic) and includeThoughts alone -> medium.
Json reasoning_effort(const Json& tc, const std::string& path, bool& include_thoughts) {
  expect_object(tc, path);
  std::string ip, lp, bp;
  if (const Json* i = member(tc, "includeThoughts", "include_thoughts", path, ip))
    include_thoughts = expect_bool(*i, ip);
  if (const Json* level = member(tc, "thinkingLevel", "thinking_level", path, lp)) {
    const std::string l = lower(expect_string(*level, lp));
    if (l == "minimal" || l == "low" || l == "medium" || l == "high") return l;
    if (l != "thinking_level_unspecified") bad(lp, "must be MINIMAL, LOW, MEDIUM or HIGH");
  }
  if (const Json* budget = member(tc, "thinkingBudget", "thinking_budget", path, bp)) {
    if (!budget->is_number_integer()) bad(bp, "must be an integer");
    const int64_t b = budget->get<int64_t>();
    if (b < -1) bad(bp, "must be -1 (dynamic), 0 (off) or a number of tokens");
    if (b == 0) return "none";
    if (b == -1) return "medium";
    return b < 4096 ? "low" : b < 16384 ? "medium" : "high";
  }
  if (include_thoughts) return "medium";
  return nullptr;
}

Json response_format(const Json& g, const std::string& path) {
  std::string mp, sp, jp;
  const Json* mime = member(g, "responseMimeType", "response_mime_type", path, mp);
  const Json* schema = member(g, "responseSchema", "response_schema", path, sp);
  const Json* plain = member(g, "responseJsonSchema", "response_json_schema", path, jp);
  const std::string type = mime ? lower(expect_string(*mime, mp)) : "";
  if (schema && plain) bad(jp, "give either responseSchema or responseJsonSchema, not both");
  if (!type.empty() && type != "application/json" && type != "text/plain")
    bad(mp, "'" + type + "' is not supported (application/json or text/plain)");
  if (schema || plain) {
    if (type == "text/plain") bad(mp, "a response schema needs application/json");
    Json s = plain ? expect_object(*plain, jp) : json_schema(*schema, sp);
    return {{"type", "json_schema"}, {"json_schema", {{"name", "response"}, {"schema", std::move(s)}}}};
  }
  if (type == "application/json") return {{"type", "json_object"}};
  return nullptr;
}

}  // namespace

Json json_schema(const Json& schema, const std::string& path) { return convert_schema(schema, path, 0); }

Json convert_tools(const Json& tools, const std::string& path, Changes& changes) {
  Json out = Json::array();
  expect_array(tools, path);
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string tp = at(path, i);
    for (const auto& [key, v] : expect_object(tools[i], tp).items()) {
      if (v.is_null()) continue;
      const std::string p = dot(tp, key);
      if (key == "functionDeclarations" || key == "function_declarations") {
        for (size_t j = 0; j < expect_array(v, p).size(); ++j) out.push_back(function_tool(v[j], at(p, j), changes));
      } else {
        bad(p, "built-in tools are not supported (no upstream behind SAP AI Core runs them); use functionDeclarations");
      }
    }
  }
  return out;
}

Json convert_tool_config(const Json& tc, const std::string& path, const Json& tools, Changes& changes) {
  expect_object(tc, path);
  std::string fp;
  const Json* fcc = member(tc, "functionCallingConfig", "function_calling_config", path, fp);
  if (!fcc) return nullptr;
  expect_object(*fcc, fp);
  std::string mp, ap;
  const Json* mode_v = find(*fcc, "mode");
  mp = fp + ".mode";
  const std::string mode = mode_v ? lower(expect_string(*mode_v, mp)) : "mode_unspecified";
  std::vector<std::string> allowed;
  if (const Json* a = member(*fcc, "allowedFunctionNames", "allowed_function_names", fp, ap)) {
    for (size_t i = 0; i < expect_array(*a, ap).size(); ++i) allowed.push_back(expect_string((*a)[i], at(ap, i)));
    for (const std::string& n : allowed)
      if (std::none_of(tools.begin(), tools.end(), [&](const Json& t) { return t["function"]["name"] == n; }))
        bad(ap, "'" + n + "' is not among the functionDeclarations");
  }
  if (mode == "any") {
    if (allowed.size() == 1) return {{"type", "function"}, {"function", {{"name", allowed[0]}}}};
    if (allowed.size() > 1) changes.note("allowedFunctionNames: chat forces any tool, not one of a list");
    return "required";
  }
  if (!allowed.empty()) changes.drop("only with mode ANY", ap);
  if (mode == "none") return "none";
  if (mode == "auto" || mode == "validated") return "auto";
  if (mode == "mode_unspecified") return nullptr;
  bad(mp, "must be AUTO, ANY, NONE or VALIDATED");
}

void convert_generation(const Json& g, const std::string& path, Json& chat, bool& include_thoughts, Changes& changes) {
  expect_object(g, path);
  for (auto it = g.begin(); it != g.end(); ++it) {
    const std::string& key = it.key();  // not a structured binding: clang 14 cannot capture one
    const Json& v = it.value();
    if (v.is_null()) continue;
    const std::string p = dot(path, key);
    auto is = [&](std::string_view camel, std::string_view snake) { return key == camel || key == snake; };
    if (is("maxOutputTokens", "max_output_tokens")) {
      chat["max_completion_tokens"] = expect_positive_int(v, p);
    } else if (is("temperature", "temperature") || is("topP", "top_p") || is("presencePenalty", "presence_penalty") ||
               is("frequencyPenalty", "frequency_penalty")) {
      expect_number(v, p);
      const std::string k = key == "topP"               ? "top_p"
                            : key == "presencePenalty"  ? "presence_penalty"
                            : key == "frequencyPenalty" ? "frequency_penalty"
                                                        : key;
      chat[k] = v;
    } else if (is("topK", "top_k")) {
      // Not OpenAI's, but the canonical form's (LiteLLM's): the claude and gemini plugins send it on.
      const double k = expect_number(v, p);
      if (!(k >= 1 && k <= 1e9)) bad(p, "must be a positive number");
      chat["top_k"] = static_cast<int64_t>(k);
    } else if (is("seed", "seed")) {
      if (!v.is_number_integer()) bad(p, "must be an integer");
      chat["seed"] = v;
    } else if (is("stopSequences", "stop_sequences")) {
      for (size_t i = 0; i < expect_array(v, p).size(); ++i) expect_string(v[i], at(p, i));
      if (!v.empty()) chat["stop"] = v;
    } else if (is("candidateCount", "candidate_count")) {
      if (expect_positive_int(v, p) > 1) bad(p, "only one candidate is supported");
    } else if (is("thinkingConfig", "thinking_config")) {
      if (Json effort = reasoning_effort(v, p, include_thoughts); !effort.is_null()) chat["reasoning_effort"] = effort;
    } else if (is("responseModalities", "response_modalities")) {
      for (size_t i = 0; i < expect_array(v, p).size(); ++i)
        if (lower(expect_string(v[i], at(p, i))) != "text") bad(at(p, i), "only TEXT responses are supported");
    } else if (is("responseMimeType", "response_mime_type") || is("responseSchema", "response_schema") ||
               is("responseJsonSchema", "response_json_schema")) {
      // read together below
    } else {
      changes.drop("not in Chat Completions", p);  // logprobs, speechConfig, mediaResolution, routingConfig, …
    }
  }
  if (Json rf = response_format(g, path); !rf.is_null()) chat["response_format"] = std::move(rf);
}

}  // namespace aicore::mapping::gemini_fields
