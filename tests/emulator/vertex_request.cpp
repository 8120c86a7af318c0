#include "vertex_request.hpp"

#include "base64.hpp"
#include "config.hpp"
#include "text.hpp"
#include "vertex.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace aicore::emulator {

namespace {

constexpr std::string_view kLearnMore =
    " Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini";

// Field access that accepts Vertex's two spellings of every name.
const Json* field(const Json& obj, std::string_view camel, std::string_view snake) {
  if (!obj.is_object()) return nullptr;
  for (std::string_view k : {camel, snake}) {
    auto it = obj.find(std::string(k));
    if (it != obj.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

[[noreturn]] void invalidValue(const std::string& path, const char* type, const Json& v) {
  vertexFail("Invalid JSON payload received. Invalid value at '" + path + "' (" + type + "), " + dump(v));
}
[[noreturn]] void schemaFail(const std::string& path, const std::string& problem) {
  vertexFail("* GenerateContentRequest." + path + ": " + problem + "\n");
}

const std::string& needString(const Json& v, const std::string& path) {
  if (!v.is_string()) invalidValue(path, "TYPE_STRING", v);
  return v.get_ref<const std::string&>();
}
double needNumber(const Json& v, const std::string& path) {
  if (!v.is_number()) invalidValue(path, "TYPE_FLOAT", v);
  return v.get<double>();
}
int64_t needInt(const Json& v, const std::string& path) {
  // proto3 JSON accepts int64 as a number or a decimal string
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string() && !v.get_ref<const std::string&>().empty() &&
      std::all_of(v.get_ref<const std::string&>().begin(), v.get_ref<const std::string&>().end(),
                  [](unsigned char c) { return std::isdigit(c) || c == '-'; }))
    return std::stoll(v.get<std::string>());
  invalidValue(path, "TYPE_INT32", v);
}
bool needBool(const Json& v, const std::string& path) {
  if (!v.is_boolean()) invalidValue(path, "TYPE_BOOL", v);
  return v.get<bool>();
}
const Json& needArray(const Json& v, const std::string& path) {
  if (!v.is_array()) vertexFail("Invalid JSON payload received. Invalid value at '" + path + "', expected a list: " + dump(v).substr(0, 40));
  return v;
}
// A repeated message field. Proto JSON also takes a single message there, which SAP's own Vertex
// examples rely on ("contents": {...}, "parts": {...}).
Json listOf(const Json& v, const std::string& path) {
  if (v.is_object()) return Json::array({v});
  return needArray(v, path);
}
const Json& needObject(const Json& v, const std::string& path, const char* type) {
  if (!v.is_object()) invalidValue(path, type, v);
  return v;
}

std::string idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// ---- schemas (function parameters and responseSchema) -------------------------------------------

constexpr std::string_view kSchemaTypes[] = {"TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"};

std::string checkSchema(const Json& s, const std::string& path) {
  needObject(s, path, "type.googleapis.com/google.cloud.aiplatform.v1.Schema");
  std::string type;
  if (const Json* t = field(s, "type", "type")) {
    type = upper(needString(*t, path + ".type"));
    if (std::find(std::begin(kSchemaTypes), std::end(kSchemaTypes), type) == std::end(kSchemaTypes))
      invalidValue(path + ".type", "type.googleapis.com/google.cloud.aiplatform.v1.Type", *t);
  }
  if (const Json* f = field(s, "format", "format")) {
    const std::string& fmt = needString(*f, path + ".format");
    if (type == "STRING" && fmt != "enum" && fmt != "date-time")
      schemaFail(path + ".format", "only 'enum' and 'date-time' are supported for STRING type");
    if (type == "NUMBER" && fmt != "float" && fmt != "double")
      schemaFail(path + ".format", "only 'float' and 'double' are supported for NUMBER type");
    if (type == "INTEGER" && fmt != "int32" && fmt != "int64")
      schemaFail(path + ".format", "only 'int32' and 'int64' are supported for INTEGER type");
  }
  if (const Json* e = field(s, "enum", "enum")) {
    needArray(*e, path + ".enum");
    for (size_t i = 0; i < e->size(); ++i) needString((*e)[i], idx(path + ".enum", i));
    if (type != "STRING" && !type.empty()) schemaFail(path + ".enum", "only allowed for STRING type");
  }
  for (auto [camel, snake] : {std::pair{"minItems", "min_items"}, std::pair{"maxItems", "max_items"},
                              std::pair{"minLength", "min_length"}, std::pair{"maxLength", "max_length"},
                              std::pair{"minProperties", "min_properties"}, std::pair{"maxProperties", "max_properties"}})
    if (const Json* v = field(s, camel, snake)) needInt(*v, path + "." + snake);
  for (const char* k : {"minimum", "maximum"})
    if (const Json* v = field(s, k, k)) needNumber(*v, path + "." + k);
  for (const char* k : {"title", "description", "pattern"})
    if (const Json* v = field(s, k, k)) needString(*v, path + "." + k);
  if (const Json* v = field(s, "nullable", "nullable")) needBool(*v, path + ".nullable");

  if (const Json* items = field(s, "items", "items")) checkSchema(*items, path + ".items");
  else if (type == "ARRAY") schemaFail(path + ".items", "missing field.");

  std::vector<std::string> names;
  if (const Json* props = field(s, "properties", "properties")) {
    needObject(*props, path + ".properties", "type.googleapis.com/google.cloud.aiplatform.v1.Schema.PropertiesEntry");
    size_t i = 0;
    for (auto p = props->begin(); p != props->end(); ++p, ++i) {
      names.push_back(p.key());
      checkSchema(p.value(), path + ".properties[" + p.key() + "]");
    }
    if (props->empty() && type == "OBJECT") schemaFail(path + ".properties", "should be non-empty for OBJECT type");
  }
  if (const Json* req = field(s, "required", "required")) {
    needArray(*req, path + ".required");
    for (size_t i = 0; i < req->size(); ++i) {
      const std::string& n = needString((*req)[i], idx(path + ".required", i));
      if (std::find(names.begin(), names.end(), n) == names.end())
        schemaFail(idx(path + ".required", i), "property is not defined");
    }
  }
  if (const Json* any = field(s, "anyOf", "any_of")) {
    needArray(*any, path + ".any_of");
    for (size_t i = 0; i < any->size(); ++i) checkSchema((*any)[i], idx(path + ".any_of", i));
  }
  return type;
}

// Schema with JSON-Schema lower-case types, for valueFromSchema.
Json lowerTypes(const Json& s) {
  if (s.is_array()) {
    Json out = Json::array();
    for (const Json& e : s) out.push_back(lowerTypes(e));
    return out;
  }
  if (!s.is_object()) return s;
  Json out = Json::object();
  for (auto it = s.begin(); it != s.end(); ++it) {
    if (it.key() == "type" && it.value().is_string()) out["type"] = toLower(it.value().get<std::string>());
    else if (it.key() == "properties" && it.value().is_object()) {
      Json props = Json::object();
      for (auto p = it.value().begin(); p != it.value().end(); ++p) props[p.key()] = lowerTypes(p.value());
      out["properties"] = std::move(props);
    } else if (it.key() == "items" || it.key() == "anyOf" || it.key() == "any_of") {
      out[it.key()] = lowerTypes(it.value());
    } else {
      out[it.key()] = it.value();
    }
  }
  return out;
}

// ---- contents -------------------------------------------------------------------------------

constexpr const char* kDataFields[][2] = {{"text", "text"},
                                          {"inlineData", "inline_data"},
                                          {"fileData", "file_data"},
                                          {"functionCall", "function_call"},
                                          {"functionResponse", "function_response"},
                                          {"executableCode", "executable_code"},
                                          {"codeExecutionResult", "code_execution_result"}};

struct TurnInfo {
  std::string role;
  std::vector<std::string> calls;      // function names called (model turns)
  std::vector<std::string> responses;  // function names answered (user turns)
  std::vector<std::string> texts;
  std::vector<std::string> responseTexts;
  bool image = false;
};

void checkBase64(const Json& v, const std::string& path) {
  const std::string& s = needString(v, path);
  if (!base64Decode(s)) vertexFail("Invalid value at '" + path + "' (TYPE_BYTES), Base64 decoding failed for \"" + s.substr(0, 32) + "\"");
}

TurnInfo checkContent(const Json& c, const std::string& path, bool system, size_t& chars) {
  needObject(c, path, "type.googleapis.com/google.cloud.aiplatform.v1.Content");
  TurnInfo info;
  info.role = "user";
  if (const Json* r = field(c, "role", "role")) {
    info.role = needString(*r, path + ".role");
    if (!system && info.role != "user" && info.role != "model")
      vertexFail("Please use a valid role: user, model.");
  }
  const Json* parts = field(c, "parts", "parts");
  if (!parts || (parts->is_array() && parts->empty()))
    vertexFail("Unable to submit request because it must include at least one parts field, which describes the prompt "
               "input." + std::string(kLearnMore));
  const Json partList = listOf(*parts, path + ".parts");
  for (size_t j = 0; j < partList.size(); ++j) {
    const std::string pp = idx(path + ".parts", j);
    const Json& p = needObject(partList[j], pp, "type.googleapis.com/google.cloud.aiplatform.v1.Part");
    std::vector<std::string> set;
    for (const auto& f : kDataFields)
      if (field(p, f[0], f[1])) set.push_back(f[0]);
    if (set.size() > 1)
      vertexFail("Invalid JSON payload received. Invalid value at '" + pp + "' (oneof), oneof field 'data' is already set. "
                 "Cannot set '" + set[1] + "'");
    if (set.empty())
      vertexFail("Unable to submit request because it has an empty part at '" + pp +
                 "'. Each part must set one of text, inline_data, file_data, function_call or function_response.");
    if (system && set[0] != "text") vertexFail("System instruction must contain text parts only.");
    if (const Json* t = field(p, "text", "text")) {
      const std::string& text = needString(*t, pp + ".text");
      if (text.empty())
        vertexFail("Unable to submit request because it has an empty text parameter. Add a value to the parameter and "
                   "try again." + std::string(kLearnMore));
      chars += text.size();
      if (!field(p, "thought", "thought")) info.texts.push_back(text);
    }
    if (const Json* b = field(p, "inlineData", "inline_data")) {
      const std::string bp = pp + ".inline_data";
      needObject(*b, bp, "type.googleapis.com/google.cloud.aiplatform.v1.Blob");
      const Json* mime = field(*b, "mimeType", "mime_type");
      const Json* data = field(*b, "data", "data");
      if (!mime || needString(*mime, bp + ".mime_type").empty()) vertexFail("Unable to submit request because the inline_data at '" + bp + "' has no mime_type.");
      if (!data) vertexFail("Unable to submit request because the inline_data at '" + bp + "' has no data.");
      checkBase64(*data, bp + ".data");
      if (mime->get<std::string>().starts_with("image/")) info.image = true;
      chars += 340;
    }
    if (const Json* f = field(p, "fileData", "file_data")) {
      const std::string fp = pp + ".file_data";
      needObject(*f, fp, "type.googleapis.com/google.cloud.aiplatform.v1.FileData");
      const Json* mime = field(*f, "mimeType", "mime_type");
      const Json* uri = field(*f, "fileUri", "file_uri");
      if (!mime || needString(*mime, fp + ".mime_type").empty()) vertexFail("Unable to submit request because the file_data at '" + fp + "' has no mime_type.");
      if (!uri || needString(*uri, fp + ".file_uri").empty()) vertexFail("Unable to submit request because the file_data at '" + fp + "' has no file_uri.");
      if (mime->get<std::string>().starts_with("image/")) info.image = true;
      chars += 340;
    }
    if (const Json* fc = field(p, "functionCall", "function_call")) {
      const std::string fp = pp + ".function_call";
      needObject(*fc, fp, "type.googleapis.com/google.cloud.aiplatform.v1.FunctionCall");
      if (info.role != "model") vertexFail("Please ensure that function calls are only in model turns (" + fp + ").");
      const Json* name = field(*fc, "name", "name");
      if (!name || needString(*name, fp + ".name").empty()) schemaFail(fp + ".name", "missing field.");
      if (const Json* a = field(*fc, "args", "args")) needObject(*a, fp + ".args", "type.googleapis.com/google.protobuf.Struct");
      info.calls.push_back(name->get<std::string>());
      chars += name->get<std::string>().size() + (field(*fc, "args", "args") ? dump(*field(*fc, "args", "args")).size() : 0);
    }
    if (const Json* fr = field(p, "functionResponse", "function_response")) {
      const std::string fp = pp + ".function_response";
      needObject(*fr, fp, "type.googleapis.com/google.cloud.aiplatform.v1.FunctionResponse");
      if (info.role != "user") vertexFail("Please ensure that function responses are only in user turns (" + fp + ").");
      const Json* name = field(*fr, "name", "name");
      if (!name || needString(*name, fp + ".name").empty()) schemaFail(fp + ".name", "missing field.");
      const Json* resp = field(*fr, "response", "response");
      if (!resp) schemaFail(fp + ".response", "missing field.");
      needObject(*resp, fp + ".response", "type.googleapis.com/google.protobuf.Struct");
      if (const Json* media = field(*fr, "parts", "parts")) {
        const Json list = listOf(*media, fp + ".parts");
        for (size_t k = 0; k < list.size(); ++k) {
          const std::string mp = idx(fp + ".parts", k);
          needObject(list[k], mp, "type.googleapis.com/google.cloud.aiplatform.v1.FunctionResponsePart");
          if (const Json* b = field(list[k], "inlineData", "inline_data")) {
            const Json* data = field(needObject(*b, mp + ".inline_data", "FunctionResponseBlob"), "data", "data");
            if (!data) vertexFail("Unable to submit request because the inline_data at '" + mp + "' has no data.");
            checkBase64(*data, mp + ".inline_data.data");
          }
        }
      }
      info.responses.push_back(name->get<std::string>());
      auto result = resp->find("result");
      info.responseTexts.push_back(result != resp->end() && result->is_string() ? result->get<std::string>() : dump(*resp));
      chars += dump(*resp).size();
    }
    if (const Json* s = field(p, "thoughtSignature", "thought_signature")) checkBase64(*s, pp + ".thought_signature");
    if (const Json* t = field(p, "thought", "thought")) needBool(*t, pp + ".thought");
  }
  return info;
}

// Gemini's function-calling protocol between turns.
void checkTurnOrder(const std::vector<TurnInfo>& turns) {
  for (size_t i = 0; i < turns.size(); ++i) {
    const TurnInfo& t = turns[i];
    if (!t.calls.empty() && (i == 0 || turns[i - 1].role != "user"))
      vertexFail("Please ensure that function call turn comes immediately after a user turn or after a function response turn.");
    if (t.responses.empty()) continue;
    if (i == 0 || turns[i - 1].calls.empty())
      vertexFail("Please ensure that function response turn comes immediately after a function call turn.");
    const TurnInfo& prev = turns[i - 1];
    if (prev.calls.size() != t.responses.size())
      vertexFail("Please ensure that the number of function response parts is equal to the number of function call "
                 "parts of the function call turn.");
    for (const std::string& name : t.responses)
      if (std::find(prev.calls.begin(), prev.calls.end(), name) == prev.calls.end())
        vertexFail("Please ensure that function response turn answers the function call turn: no function call named '" +
                   name + "' in the previous turn.");
  }
}

// ---- tools, config --------------------------------------------------------------------------

bool validFunctionName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  if (!std::isalpha(static_cast<unsigned char>(n[0])) && n[0] != '_') return false;
  return std::all_of(n.begin(), n.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == ':' || c == '-';
  });
}

void parseTools(const Json& toolsField, Conversation& conv, size_t& chars) {
  const Json tools = listOf(toolsField, "tools");
  for (size_t i = 0; i < tools.size(); ++i) {
    const std::string tp = idx("tools", i);
    const Json& t = needObject(tools[i], tp, "type.googleapis.com/google.cloud.aiplatform.v1.Tool");
    const Json* declField = field(t, "functionDeclarations", "function_declarations");
    if (!declField) continue;
    const Json declList = listOf(*declField, tp + ".function_declarations");
    const Json* decls = &declList;
    for (size_t j = 0; j < decls->size(); ++j) {
      const std::string dp = idx(tp + ".function_declarations", j);
      const Json& d = needObject((*decls)[j], dp, "type.googleapis.com/google.cloud.aiplatform.v1.FunctionDeclaration");
      const Json* name = field(d, "name", "name");
      if (!name || !validFunctionName(needString(*name, dp + ".name")))
        schemaFail(dp + ".name",
                   "Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, "
                   "0-9), underscores (_), dots (.), colons (:) or dashes (-), with a maximum length of 64.");
      if (const Json* desc = field(d, "description", "description")) needString(*desc, dp + ".description");
      Json params;
      const Json* schema = field(d, "parameters", "parameters");
      const Json* jsonSchema = field(d, "parametersJsonSchema", "parameters_json_schema");
      if (schema && jsonSchema)
        vertexFail("Unable to submit request because `" + name->get<std::string>() +
                   "` functionDeclaration sets both `parameters` and `parameters_json_schema`; they are mutually "
                   "exclusive." +
                   std::string(kLearnMore));
      if (schema) {
        std::string type = checkSchema(*schema, dp + ".parameters");
        if (type != "OBJECT")
          vertexFail("Unable to submit request because `" + name->get<std::string>() +
                     "` functionDeclaration `parameters` schema should be of type `OBJECT`." + std::string(kLearnMore));
        params = lowerTypes(*schema);
      }
      if (jsonSchema) {
        // Plain JSON Schema (a google.protobuf.Value) that must describe an object.
        if (!jsonSchema->is_object() || (jsonSchema->contains("type") && (*jsonSchema)["type"] != "object"))
          vertexFail("Unable to submit request because `" + name->get<std::string>() +
                     "` functionDeclaration `parameters_json_schema` must describe an object." +
                     std::string(kLearnMore));
        params = *jsonSchema;
      }
      if (field(d, "response", "response") && field(d, "responseJsonSchema", "response_json_schema"))
        vertexFail("Unable to submit request because `" + name->get<std::string>() +
                   "` functionDeclaration sets both `response` and `response_json_schema`; they are mutually "
                   "exclusive." +
                   std::string(kLearnMore));
      if (const Json* r = field(d, "response", "response")) checkSchema(*r, dp + ".response");
      conv.tools.push_back({name->get<std::string>(), params});
      chars += dump(d).size();
    }
  }
}

void parseToolConfig(const Json& tc, Conversation& conv) {
  needObject(tc, "tool_config", "type.googleapis.com/google.cloud.aiplatform.v1.ToolConfig");
  const Json* fcc = field(tc, "functionCallingConfig", "function_calling_config");
  if (!fcc) return;
  const std::string p = "tool_config.function_calling_config";
  needObject(*fcc, p, "type.googleapis.com/google.cloud.aiplatform.v1.FunctionCallingConfig");
  if (conv.tools.empty()) vertexFail("Function calling config is set without function_declarations.");
  std::string mode = "AUTO";
  if (const Json* m = field(*fcc, "mode", "mode")) {
    mode = needString(*m, p + ".mode");
    bool known = false;
    for (const char* ok : {"MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"}) known = known || mode == ok;
    if (!known) invalidValue(p + ".mode", "type.googleapis.com/google.cloud.aiplatform.v1.FunctionCallingConfig.Mode", *m);
  }
  conv.toolsDisabled = mode == "NONE";
  if (const Json* names = field(*fcc, "allowedFunctionNames", "allowed_function_names")) {
    needArray(*names, p + ".allowed_function_names");
    if (!names->empty() && mode != "ANY")
      vertexFail("Function calling mode must be ANY when allowed_function_names is set.");
    for (size_t i = 0; i < names->size(); ++i) {
      const std::string& n = needString((*names)[i], idx(p + ".allowed_function_names", i));
      if (std::none_of(conv.tools.begin(), conv.tools.end(), [&](const ToolSpec& t) { return t.name == n; }))
        vertexFail("Function '" + n + "' in allowed_function_names is not declared in tools.");
      if (i == 0) conv.forcedTool = n;
    }
  }
}

constexpr std::string_view kCategories[] = {"HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT",
                                            "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
                                            "HARM_CATEGORY_CIVIC_INTEGRITY", "HARM_CATEGORY_UNSPECIFIED"};
constexpr std::string_view kThresholds[] = {"BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE", "BLOCK_ONLY_HIGH",
                                            "BLOCK_NONE", "OFF", "HARM_BLOCK_THRESHOLD_UNSPECIFIED"};

void parseSafety(const Json& field_) {
  // PJQ and SAP's examples send one object rather than a list.
  const Json ss = listOf(field_, "safety_settings");
  for (size_t i = 0; i < ss.size(); ++i) {
    const std::string p = idx("safety_settings", i);
    const Json& s = needObject(ss[i], p, "type.googleapis.com/google.cloud.aiplatform.v1.SafetySetting");
    const Json* c = field(s, "category", "category");
    if (!c || std::find(std::begin(kCategories), std::end(kCategories), needString(*c, p + ".category")) == std::end(kCategories))
      invalidValue(p + ".category", "type.googleapis.com/google.cloud.aiplatform.v1.HarmCategory", c ? *c : Json());
    const Json* t = field(s, "threshold", "threshold");
    if (!t || std::find(std::begin(kThresholds), std::end(kThresholds), needString(*t, p + ".threshold")) == std::end(kThresholds))
      invalidValue(p + ".threshold", "type.googleapis.com/google.cloud.aiplatform.v1.SafetySetting.HarmBlockThreshold",
                   t ? *t : Json());
  }
}

void parseThinking(const Json& tc, const std::string& model, VertexChat& out) {
  const std::string p = "generation_config.thinking_config";
  needObject(tc, p, "type.googleapis.com/google.cloud.aiplatform.v1.GenerationConfig.ThinkingConfig");
  if (!isVertexThinkingModel(model)) vertexFail("Thinking is not supported by this model.");
  if (const Json* i = field(tc, "includeThoughts", "include_thoughts")) out.includeThoughts = needBool(*i, p + ".include_thoughts");
  const Json* budget = field(tc, "thinkingBudget", "thinking_budget");
  const Json* level = field(tc, "thinkingLevel", "thinking_level");
  if (level) {
    const std::string& l = needString(*level, p + ".thinking_level");
    if (!model.starts_with("gemini-3")) vertexFail("Thinking level is not supported for this model.");
    const std::string L = upper(l);
    if (L != "LOW" && L != "MEDIUM" && L != "HIGH" && L != "MINIMAL" && L != "THINKING_LEVEL_UNSPECIFIED")
      invalidValue(p + ".thinking_level", "ThinkingLevel", *level);
    if (budget) vertexFail("You can only set only one of thinking budget and thinking level.");
  }
  if (!budget) return;
  const int64_t b = needInt(*budget, p + ".thinking_budget");
  if (b == -1) return;
  int64_t lo = 0, hi = 24576;
  bool canDisable = true;
  if (model.starts_with("gemini-2.5-pro")) lo = 128, hi = 32768, canDisable = false;
  else if (model.starts_with("gemini-2.5-flash-lite")) lo = 512;
  else if (model.starts_with("gemini-2.5-flash")) lo = 1;
  else return;  // gemini-3: budgets accepted as given
  if (b == 0) {
    if (!canDisable) vertexFail("Budget 0 is invalid. This model only works in thinking mode.");
    out.thinks = false;
    return;
  }
  if (b < lo || b > hi)
    vertexFail("The thinking budget " + std::to_string(b) + " is invalid. Please choose a value between " +
               std::to_string(lo) + " and " + std::to_string(hi) + ".");
}

void parseGenerationConfig(const Json& g, const std::string& model, VertexChat& out, bool& schemaSet, bool& json) {
  const std::string p = "generation_config";
  needObject(g, p, "type.googleapis.com/google.cloud.aiplatform.v1.GenerationConfig");
  Conversation& conv = out.conversation;
  if (const Json* v = field(g, "temperature", "temperature")) {
    double t = needNumber(*v, p + ".temperature");
    if (t < 0 || t > 2) vertexFail("Unable to submit request because it has a temperature value of " + dump(*v) +
                                   " but the supported range is from 0 (inclusive) to 2.0001 (exclusive). Update the value and try again.");
  }
  if (const Json* v = field(g, "topP", "top_p")) {
    double t = needNumber(*v, p + ".top_p");
    if (t <= 0 || t > 1) vertexFail("Unable to submit request because it has a topP value of " + dump(*v) +
                                    " but the supported range is from 0 (exclusive) to 1.0 (inclusive). Update the value and try again.");
  }
  if (const Json* v = field(g, "topK", "top_k"))
    if (needNumber(*v, p + ".top_k") < 1) vertexFail("Unable to submit request because it has a topK value of " + dump(*v) + " but the supported range is from 1 (inclusive) to 41 (exclusive).");
  if (const Json* v = field(g, "candidateCount", "candidate_count")) {
    int64_t n = needInt(*v, p + ".candidate_count");
    if (n < 1 || n > 8) vertexFail("Unable to submit request because candidateCount must be between 1 and 8.");
    out.candidates = static_cast<int>(n);
  }
  if (const Json* v = field(g, "maxOutputTokens", "max_output_tokens")) {
    int64_t n = needInt(*v, p + ".max_output_tokens");
    if (n < 1 || n > 65536)
      vertexFail("Unable to submit request because it has a maxOutputTokens value of " + std::to_string(n) +
                 " but the supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.");
    conv.maxTokens = n;
  }
  if (const Json* v = field(g, "stopSequences", "stop_sequences")) {
    needArray(*v, p + ".stop_sequences");
    if (v->size() > 5) vertexFail("Unable to submit request because it has more than 5 stop sequences.");
    for (size_t i = 0; i < v->size(); ++i) conv.stop.push_back(needString((*v)[i], idx(p + ".stop_sequences", i)));
  }
  for (auto [camel, snake] : {std::pair{"presencePenalty", "presence_penalty"}, std::pair{"frequencyPenalty", "frequency_penalty"}})
    if (const Json* v = field(g, camel, snake)) {
      double x = needNumber(*v, p + "." + snake);
      if (x < -2 || x >= 2) vertexFail(std::string("Unable to submit request because it has a ") + camel +
                                       " value out of the supported range -2.0 (inclusive) to 2.0 (exclusive).");
    }
  if (const Json* v = field(g, "seed", "seed")) needInt(*v, p + ".seed");
  std::string mime = "text/plain";
  if (const Json* v = field(g, "responseMimeType", "response_mime_type")) {
    mime = needString(*v, p + ".response_mime_type");
    if (mime != "text/plain" && mime != "application/json" && mime != "text/x.enum")
      vertexFail("Unable to submit request because response_mime_type " + mime +
                 " is not supported. Supported types: text/plain, application/json, text/x.enum.");
  }
  json = mime == "application/json";
  if (const Json* v = field(g, "responseSchema", "response_schema")) {
    if (mime == "text/plain")
      vertexFail("Unable to submit request because response_schema is set but response_mime_type is not "
                 "application/json or text/x.enum.");
    checkSchema(*v, p + ".response_schema");
    conv.jsonSchema = lowerTypes(*v);
    schemaSet = true;
  }
  if (const Json* v = field(g, "responseJsonSchema", "response_json_schema")) {
    // JSON Schema as it is; "If set, response_schema must be omitted, but response_mime_type is required."
    if (schemaSet)
      vertexFail(
          "Unable to submit request because response_schema and response_json_schema are both set; set only one.");
    if (mime == "text/plain")
      vertexFail(
          "Unable to submit request because response_json_schema is set but response_mime_type is not "
          "application/json.");
    if (!v->is_object() && !v->is_boolean()) invalidValue(p + ".response_json_schema", "google.protobuf.Value", *v);
    if (v->is_object()) conv.jsonSchema = *v;
    schemaSet = true;
  }
  if (const Json* v = field(g, "responseLogprobs", "response_logprobs")) needBool(*v, p + ".response_logprobs");
  if (const Json* v = field(g, "thinkingConfig", "thinking_config")) parseThinking(*v, model, out);
}

}  // namespace

bool isVertexThinkingModel(const std::string& model) {
  return model.starts_with("gemini-2.5") || model.starts_with("gemini-3");
}

VertexChat parseGenerateRequest(const Json& body, const Deployment& dep) {
  checkVertexFieldNames(body, "GenerateContentRequest");
  VertexChat out;
  out.thinks = isVertexThinkingModel(dep.model);
  Conversation& conv = out.conversation;
  size_t chars = 0;

  const Json* contents = field(body, "contents", "contents");
  if (!contents || (contents->is_array() && contents->empty()))
    vertexFail("Unable to submit request because it must include at least one contents field." + std::string(kLearnMore));
  const Json contentList = listOf(*contents, "contents");
  std::vector<TurnInfo> turns;
  for (size_t i = 0; i < contentList.size(); ++i) turns.push_back(checkContent(contentList[i], idx("contents", i), false, chars));
  checkTurnOrder(turns);
  if (const Json* si = field(body, "systemInstruction", "system_instruction")) checkContent(*si, "system_instruction", true, chars);

  if (const Json* t = field(body, "tools", "tools")) parseTools(*t, conv, chars);
  if (const Json* tc = field(body, "toolConfig", "tool_config")) parseToolConfig(*tc, conv);
  if (const Json* ss = field(body, "safetySettings", "safety_settings")) parseSafety(*ss);
  bool schemaSet = false, json = false;
  if (const Json* g = field(body, "generationConfig", "generation_config")) parseGenerationConfig(*g, dep.model, out, schemaSet, json);
  conv.jsonObject = json && !schemaSet;

  // What the deterministic model answers: the last turn decides.
  const TurnInfo& last = turns.back();
  for (auto it = turns.rbegin(); it != turns.rend(); ++it)
    if (it->role == "user" && (!it->texts.empty() || it->image)) {
      conv.lastUserTexts = it->texts;
      conv.lastUserHasImage = it->image;
      break;
    }
  if (last.role == "user" && !last.responses.empty()) {
    conv.last = Conversation::Last::ToolResult;
    for (const std::string& t : last.responseTexts) conv.toolResultText += (conv.toolResultText.empty() ? "" : " ") + t;
  } else {
    conv.last = last.role == "user" ? Conversation::Last::User : Conversation::Last::Other;
  }
  if (last.role == "user")
    for (const std::string& t : last.texts) {
      if (t.find("[block:prompt]") != std::string::npos) out.blockPrompt = true;
      if (t.find("[block:answer]") != std::string::npos) out.blockAnswer = true;
    }
  conv.fingerprint = dump(contentList);
  out.promptTokens = tokensForChars(chars) + 3 * static_cast<int64_t>(contentList.size());
  return out;
}

}  // namespace aicore::emulator
