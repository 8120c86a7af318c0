#include "gemini_api_request.hpp"

#include "chat_request.hpp"
#include "context.hpp"
#include "gemini_api_config.hpp"
#include "gemini_api_fields.hpp"
#include "schema.hpp"

#include <aicore/mapping/gemini_api.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

namespace aicore::gemini {
namespace {

// Part.data is a oneof: a part holds exactly one of these.
constexpr std::array<std::string_view, 7> kPartData = {
    "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"};

// The server-side tools Vertex v1 knows besides function declarations: passed as sent.
constexpr std::array<std::string_view, 9> kVertexTools = {
    "retrieval",   "googleSearchRetrieval", "googleMaps", "enterpriseWebSearch", "parallelAiSearch",
    "exaAiSearch", "codeExecution",         "urlContext", "computerUse"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A message whose fields are all strings (Blob, FileData and their function-response forms).
Json string_message(const Json& v, const std::string& where, std::string_view type,
                    std::initializer_list<std::string_view> fields, std::initializer_list<std::string_view> gemini_only,
                    Notes& notes) {
  Json out = Json::object();
  for_each_field(v, where, type, gemini_only, notes,
                 [&](const std::string& name, const Json& f, const std::string& at) {
                   if (std::find(fields.begin(), fields.end(), name) == fields.end()) return false;
                   out[name] = need_string(f, at);
                   return true;
                 });
  return out;
}

Json function_call(const Json& v, const std::string& where, Notes& notes) {
  Json out = Json::object();
  // id: Vertex v1's FunctionCall has none; calls are matched to responses by name and order.
  for_each_field(v, where, "FunctionCall", {"id"}, notes,
                 [&](const std::string& name, const Json& f, const std::string& at) {
                   if (name == "name")
                     out[name] = need_string(f, at);
                   else if (name == "args")
                     out[name] = need_object(f, at);
                   else if (name == "partialArgs")
                     out[name] = need_array(f, at);
                   else if (name == "willContinue")
                     out[name] = need_bool(f, at);
                   else
                     return false;
                   return true;
                 });
  return out;
}

Json function_response(const Json& v, const std::string& where, Notes& notes) {
  Json out = Json::object();
  for_each_field(v, where, "FunctionResponse", {"id", "willContinue", "scheduling"}, notes,
                 [&](const std::string& name, const Json& f, const std::string& at) {
                   if (name == "name") {
                     out[name] = need_string(f, at);
                   } else if (name == "response") {
                     out[name] = need_object(f, at);
                   } else if (name == "parts") {  // media a tool returned
                     Json parts = Json::array();
                     for_each_item(f, at, [&](const Json& p, const std::string& pat) {
                       Json part = Json::object();
                       for_each_field(p, pat, "FunctionResponsePart", {}, notes,
                                      [&](const std::string& n, const Json& d, const std::string& dat) {
                                        if (n == "inlineData")
                                          part[n] = string_message(d, dat, "FunctionResponseBlob",
                                                                   {"mimeType", "data", "displayName"}, {}, notes);
                                        else if (n == "fileData")
                                          part[n] = string_message(d, dat, "FunctionResponseFileData",
                                                                   {"mimeType", "fileUri", "displayName"}, {}, notes);
                                        else
                                          return false;
                                        return true;
                                      });
                       parts.push_back(std::move(part));
                     });
                     out[name] = std::move(parts);
                   } else {
                     return false;
                   }
                   return true;
                 });
  return out;
}

// nullopt: the part carries nothing Vertex would take (an empty text, perhaps only a signature).
std::optional<Json> vertex_part(const Json& p, const std::string& where, Notes& notes) {
  Json out = Json::object();
  std::vector<std::string> data;
  bool empty_text = false;
  for_each_field(p, where, "Part", {"partMetadata", "toolCall", "toolResponse"}, notes,
                 [&](const std::string& name, const Json& v, const std::string& at) {
                   if (name == "text") {
                     empty_text = need_string(v, at).empty();
                     out[name] = v;
                   } else if (name == "inlineData") {
                     out[name] = string_message(v, at, "Blob", {"mimeType", "data"}, {"displayName"}, notes);
                   } else if (name == "fileData") {
                     out[name] = string_message(v, at, "FileData", {"mimeType", "fileUri"}, {"displayName"}, notes);
                   } else if (name == "functionCall") {
                     out[name] = function_call(v, at, notes);
                   } else if (name == "functionResponse") {
                     out[name] = function_response(v, at, notes);
                   } else if (name == "executableCode" || name == "codeExecutionResult" || name == "videoMetadata") {
                     out[name] = need_object(v, at);
                   } else if (name == "thought") {
                     out[name] = need_bool(v, at);
                   } else if (name == "thoughtSignature") {
                     // Kept as it is (Gemini 3 checks it on function calls), unless this gateway wrote
                     // it for Claude's signed thinking (a session that switched models): Vertex would
                     // refuse a signature it did not make.
                     if (mapping::decode_thought_signature(need_string(v, at)).empty())
                       out[name] = v;
                     else
                       notes.add("a thoughtSignature written for another model family dropped");
                   } else if (name == "mediaResolution") {
                     if (!v.is_object() && !v.is_string())
                       throw invalid_request(at + ": must be an object or a string");
                     out[name] = v;
                   } else {
                     return false;
                   }
                   if (one_of(kPartData, name)) data.push_back(name);
                   return true;
                 });
  if (data.size() > 1)
    throw invalid_request(where + ": sets both " + data[0] + " and " + data[1] +
                          " (a part holds one of text, inlineData, fileData, functionCall, functionResponse, "
                          "executableCode, codeExecutionResult)");
  if (data.empty() || (data[0] == "text" && empty_text)) {
    notes.add(data.empty() ? "a part without data dropped" : "an empty text part dropped");
    return std::nullopt;
  }
  return out;
}

// nullopt: no part is left to send.
std::optional<Json> vertex_content(const Json& c, const std::string& where, bool system, Notes& notes) {
  Json out = Json::object();
  Json parts = Json::array();
  for_each_field(c, where, "Content", {}, notes, [&](const std::string& name, const Json& v, const std::string& at) {
    if (name == "role") {
      const std::string& role = need_string(v, at);
      if (!system && role != "user" && role != "model") throw invalid_request(at + ": must be user or model");
      out[name] = v;
    } else if (name == "parts") {
      for_each_item(v, at, [&](const Json& p, const std::string& pat) {
        if (std::optional<Json> part = vertex_part(p, pat, notes)) parts.push_back(std::move(*part));
      });
      out[name] = nullptr;  // holds the place; filled below
    } else {
      return false;
    }
    return true;
  });
  if (parts.empty()) {
    notes.add(system ? "systemInstruction without parts dropped" : "a content without parts dropped");
    return std::nullopt;
  }
  out["parts"] = std::move(parts);
  return out;
}

Json function_declaration(const Json& d, const std::string& where, Notes& notes) {
  Json out = Json::object();
  bool params = false, params_json = false, response = false, response_json = false;
  for_each_field(d, where, "FunctionDeclaration", {"behavior"}, notes,
                 [&](const std::string& name, const Json& v, const std::string& at) {
                   if (name == "name") {
                     if (need_string(v, at).empty()) throw invalid_request(at + ": must not be empty");
                     out[name] = v;
                   } else if (name == "description") {
                     out[name] = need_string(v, at);
                   } else if (name == "parameters") {
                     out[name] = need_object(v, at);  // Vertex's own Schema: as sent
                     params = true;
                   } else if (name == "parametersJsonSchema") {
                     // nullopt: no properties, so the function is declared without parameters.
                     if (std::optional<Json> p = clean_parameters_schema(v, at)) out["parameters"] = std::move(*p);
                     params_json = true;
                   } else if (name == "response") {
                     out[name] = need_object(v, at);
                     response = true;
                   } else if (name == "responseJsonSchema") {
                     out["response"] = clean_response_schema(v, at);
                     response_json = true;
                   } else {
                     return false;
                   }
                   return true;
                 });
  if (params && params_json)
    throw invalid_request(member_path(where, "parametersJsonSchema") +
                          ": give either parameters or parametersJsonSchema");
  if (response && response_json)
    throw invalid_request(member_path(where, "responseJsonSchema") + ": give either response or responseJsonSchema");
  if (!out.contains("name")) throw invalid_request(member_path(where, "name") + ": required");
  return out;
}

Json google_search(const Json& v, const std::string& where, Notes& notes) {
  Json out = Json::object();
  for_each_field(v, where, "GoogleSearch", {"timeRangeFilter", "searchTypes"}, notes,
                 [&](const std::string& name, const Json& f, const std::string& at) {
                   if (name == "excludeDomains")
                     out[name] = need_strings(f, at);
                   else if (name == "blockingConfidence")
                     out[name] = need_string(f, at);
                   else
                     return false;
                   return true;
                 });
  return out;
}

// nullopt: nothing left in the tool.
std::optional<Json> vertex_tool(const Json& t, const std::string& where, Notes& notes) {
  Json out = Json::object();
  for_each_field(t, where, "Tool", {}, notes, [&](const std::string& name, const Json& v, const std::string& at) {
    if (name == "functionDeclarations") {
      Json decls = Json::array();
      for_each_item(
          v, at, [&](const Json& d, const std::string& dat) { decls.push_back(function_declaration(d, dat, notes)); });
      if (!decls.empty()) out[name] = std::move(decls);
    } else if (name == "googleSearch") {
      out[name] = google_search(v, at, notes);
    } else if (name == "fileSearch") {
      throw invalid_request(at + ": the Gemini API's file search stores cannot be reached through SAP AI Core");
    } else if (one_of(kVertexTools, name)) {
      out[name] = need_object(v, at);
    } else {
      return false;
    }
    return true;
  });
  if (out.empty()) {
    notes.add("an empty tool dropped");
    return std::nullopt;
  }
  return out;
}

Json labels(const Json& v, const std::string& where) {
  need_object(v, where);
  for (auto it = v.begin(); it != v.end(); ++it) need_string(it.value(), member_path(where, it.key()));
  return v;
}

bool declares_functions(const Json& body) {
  auto tools = body.find("tools");
  if (tools == body.end()) return false;
  return std::any_of(tools->begin(), tools->end(), [](const Json& t) { return t.contains("functionDeclarations"); });
}

}  // namespace

Json gemini_api_to_vertex(const Json& body, std::string_view upstream_model, const Settings& settings,
                          std::string& notes_out) {
  Notes notes;
  Json out = Json::object();
  for_each_field(
      body, "", "GenerateContentRequest", {"serviceTier"}, notes,
      [&](const std::string& name, const Json& v, const std::string& at) {
        if (name == "contents") {
          Json contents = Json::array();
          for_each_item(v, at, [&](const Json& c, const std::string& cat) {
            if (std::optional<Json> content = vertex_content(c, cat, false, notes))
              contents.push_back(std::move(*content));
          });
          out[name] = std::move(contents);
        } else if (name == "systemInstruction") {
          if (std::optional<Json> si = vertex_content(v, at, true, notes)) out[name] = std::move(*si);
        } else if (name == "tools") {
          Json tools = Json::array();
          for_each_item(v, at, [&](const Json& t, const std::string& tat) {
            if (std::optional<Json> tool = vertex_tool(t, tat, notes)) tools.push_back(std::move(*tool));
          });
          if (!tools.empty()) out[name] = std::move(tools);
        } else if (name == "toolConfig") {
          out[name] = vertex_tool_config(v, at, notes);
        } else if (name == "safetySettings") {
          out[name] = vertex_safety_settings(v, at, notes);
        } else if (name == "generationConfig") {
          out[name] = vertex_generation_config(v, at, upstream_model, settings, notes);
        } else if (name == "labels") {
          out[name] = labels(v, at);
        } else if (name == "modelArmorConfig") {
          out[name] = need_object(v, at);
        } else if (name == "cachedContent") {
          throw invalid_request(at +
                                ": the Gemini API's cached contents cannot be used through SAP AI Core; send "
                                "the contents themselves");
        } else if (name == "model") {
          notes.add("model dropped (the path names it)");
        } else {
          return false;
        }
        return true;
      });
  auto contents = out.find("contents");
  if (contents == out.end()) throw invalid_request("contents: required");
  if (contents->empty()) throw invalid_request("contents: no content has a part to send");
  // Vertex: "Function calling config is set without function_declarations".
  if (auto tc = out.find("toolConfig");
      tc != out.end() && tc->contains("functionCallingConfig") && !declares_functions(out)) {
    tc->erase("functionCallingConfig");
    notes.add("toolConfig.functionCallingConfig dropped (no function declared)");
    if (tc->empty()) out.erase("toolConfig");
  }
  if (!out.contains("safetySettings") && !settings.safety_settings.is_null())
    out["safetySettings"] = settings.safety_settings;
  notes_out = notes.joined();
  return out;
}

UpstreamRequest convert_gemini_api_request(std::string_view body, const ModelNames& names, bool stream,
                                           const Settings& settings) {
  const Json in = parse_client_json(body);
  const std::string upstream_model = settings.upstream_model(names.key);
  std::string notes;
  const Json out = gemini_api_to_vertex(in, upstream_model, settings, notes);
  if (!notes.empty()) log_debug("gemini.generate_content -> gemini '" + upstream_model + "': " + notes);
  ResponseContext ctx;
  ctx.client_model = std::string(names.client);
  return UpstreamRequest{chat_target(upstream_model, stream), dump(out), ctx.encode()};
}

}  // namespace aicore::gemini
