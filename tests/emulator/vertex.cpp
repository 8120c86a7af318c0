// gcp-vertexai: routes, Google's error shape and the proto-field check every request passes first.
#include "vertex.hpp"

#include "exchange.hpp"

#include <string_view>
#include <vector>

namespace aicore::emulator {

void vertexFail(std::string message, int code, std::string status) {
  VertexError e;
  e.code = code;
  e.status = std::move(status);
  e.message = std::move(message);
  throw e;
}

void sendVertexError(Exchange& ex, const VertexError& e) {
  ex.sendJson(e.code, Json{{"error", {{"code", e.code}, {"message", e.message}, {"status", e.status}}}});
}

Json parseVertexBody(const std::string& text) {
  Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded()) vertexFail("Invalid JSON payload received. Unexpected token.");
  if (!body.is_object())
    vertexFail("Invalid JSON payload received. Expected an object key or }, got: " + dump(body).substr(0, 20));
  return body;
}

bool isVertexEmbeddingModel(const std::string& model) {
  return model.find("embedding") != std::string::npos;
}

// ---- proto field names -------------------------------------------------------------------------

namespace {

// What a field holds, as far as JSON parsing is concerned.
enum class Kind { Message, MessageList, SchemaMap, Scalar, Opaque };

struct Desc;
struct Field {
  std::string_view camel;
  std::string_view snake;
  Kind kind;
  const Desc* message = nullptr;
};
struct Desc {
  std::vector<Field> fields;
};

// clang-format off
extern const Desc kSchema, kContent, kPart, kBlob, kFileData, kFunctionCall, kFunctionResponse,
    kFunctionResponsePart, kFunctionResponseBlob, kFunctionResponseFileData, kTool, kFunctionDeclaration, kToolConfig, kFunctionCallingConfig, kSafetySetting, kGenerationConfig, kThinkingConfig,
    kGenerateContentRequest, kPredictRequest;

const Desc kSchema{{
    {"type", "type", Kind::Scalar}, {"format", "format", Kind::Scalar}, {"title", "title", Kind::Scalar},
    {"description", "description", Kind::Scalar}, {"nullable", "nullable", Kind::Scalar},
    {"default", "default", Kind::Opaque}, {"items", "items", Kind::Message, &kSchema},
    {"minItems", "min_items", Kind::Scalar}, {"maxItems", "max_items", Kind::Scalar},
    {"enum", "enum", Kind::Scalar}, {"properties", "properties", Kind::SchemaMap, &kSchema},
    {"propertyOrdering", "property_ordering", Kind::Scalar}, {"required", "required", Kind::Scalar},
    {"minProperties", "min_properties", Kind::Scalar}, {"maxProperties", "max_properties", Kind::Scalar},
    {"minLength", "min_length", Kind::Scalar}, {"maxLength", "max_length", Kind::Scalar},
    {"pattern", "pattern", Kind::Scalar}, {"example", "example", Kind::Opaque},
    {"anyOf", "any_of", Kind::MessageList, &kSchema}, {"minimum", "minimum", Kind::Scalar},
    {"maximum", "maximum", Kind::Scalar}}};
const Desc kBlob{{{"mimeType", "mime_type", Kind::Scalar}, {"data", "data", Kind::Scalar}}};
const Desc kFileData{{{"mimeType", "mime_type", Kind::Scalar}, {"fileUri", "file_uri", Kind::Scalar}}};
// Vertex v1 (google/cloud/aiplatform/v1/tool.proto) has no `id` on FunctionCall or FunctionResponse
// (v1beta1 and the Gemini API do): a client's call ids must not reach it.
const Desc kFunctionCall{{{"name", "name", Kind::Scalar}, {"args", "args", Kind::Opaque},
                          {"partialArgs", "partial_args", Kind::Opaque}, {"willContinue", "will_continue", Kind::Scalar}}};
const Desc kFunctionResponseBlob{{{"mimeType", "mime_type", Kind::Scalar}, {"data", "data", Kind::Scalar},
                                  {"displayName", "display_name", Kind::Scalar}}};
const Desc kFunctionResponseFileData{{{"mimeType", "mime_type", Kind::Scalar}, {"fileUri", "file_uri", Kind::Scalar},
                                      {"displayName", "display_name", Kind::Scalar}}};
const Desc kFunctionResponsePart{{{"inlineData", "inline_data", Kind::Message, &kFunctionResponseBlob},
                                  {"fileData", "file_data", Kind::Message, &kFunctionResponseFileData}}};
const Desc kFunctionResponse{{{"name", "name", Kind::Scalar}, {"response", "response", Kind::Opaque},
                              {"parts", "parts", Kind::MessageList, &kFunctionResponsePart}}};
const Desc kPart{{
    {"text", "text", Kind::Scalar}, {"inlineData", "inline_data", Kind::Message, &kBlob},
    {"fileData", "file_data", Kind::Message, &kFileData},
    {"functionCall", "function_call", Kind::Message, &kFunctionCall},
    {"functionResponse", "function_response", Kind::Message, &kFunctionResponse},
    {"thought", "thought", Kind::Scalar}, {"thoughtSignature", "thought_signature", Kind::Scalar},
    {"videoMetadata", "video_metadata", Kind::Opaque}, {"executableCode", "executable_code", Kind::Opaque},
    {"codeExecutionResult", "code_execution_result", Kind::Opaque},
    {"mediaResolution", "media_resolution", Kind::Opaque}}};
const Desc kContent{{{"role", "role", Kind::Scalar}, {"parts", "parts", Kind::MessageList, &kPart}}};
const Desc kFunctionDeclaration{{
    {"name", "name", Kind::Scalar}, {"description", "description", Kind::Scalar},
    {"parameters", "parameters", Kind::Message, &kSchema}, {"response", "response", Kind::Message, &kSchema},
    // Plain JSON Schema (google.protobuf.Value), each the alternative to the Schema field above it.
    {"parametersJsonSchema", "parameters_json_schema", Kind::Opaque},
    {"responseJsonSchema", "response_json_schema", Kind::Opaque}}};
const Desc kTool{{
    {"functionDeclarations", "function_declarations", Kind::MessageList, &kFunctionDeclaration},
    {"googleSearch", "google_search", Kind::Opaque}, {"googleSearchRetrieval", "google_search_retrieval", Kind::Opaque},
    {"codeExecution", "code_execution", Kind::Opaque}, {"retrieval", "retrieval", Kind::Opaque},
    {"urlContext", "url_context", Kind::Opaque}, {"googleMaps", "google_maps", Kind::Opaque},
    {"enterpriseWebSearch", "enterprise_web_search", Kind::Opaque},
    {"parallelAiSearch", "parallel_ai_search", Kind::Opaque}, {"exaAiSearch", "exa_ai_search", Kind::Opaque},
    {"computerUse", "computer_use", Kind::Opaque}}};
const Desc kFunctionCallingConfig{{{"mode", "mode", Kind::Scalar},
                                   {"allowedFunctionNames", "allowed_function_names", Kind::Scalar},
                                   {"streamFunctionCallArguments", "stream_function_call_arguments", Kind::Scalar}}};
const Desc kToolConfig{{{"functionCallingConfig", "function_calling_config", Kind::Message, &kFunctionCallingConfig},
                        {"retrievalConfig", "retrieval_config", Kind::Opaque}}};
const Desc kSafetySetting{{{"category", "category", Kind::Scalar}, {"threshold", "threshold", Kind::Scalar},
                           {"method", "method", Kind::Scalar}}};
const Desc kThinkingConfig{{{"thinkingBudget", "thinking_budget", Kind::Scalar},
                            {"includeThoughts", "include_thoughts", Kind::Scalar},
                            {"thinkingLevel", "thinking_level", Kind::Scalar}}};
const Desc kGenerationConfig{{
    {"temperature", "temperature", Kind::Scalar}, {"topP", "top_p", Kind::Scalar}, {"topK", "top_k", Kind::Scalar},
    {"candidateCount", "candidate_count", Kind::Scalar}, {"maxOutputTokens", "max_output_tokens", Kind::Scalar},
    {"stopSequences", "stop_sequences", Kind::Scalar}, {"presencePenalty", "presence_penalty", Kind::Scalar},
    {"frequencyPenalty", "frequency_penalty", Kind::Scalar}, {"seed", "seed", Kind::Scalar},
    {"responseMimeType", "response_mime_type", Kind::Scalar},
    {"responseSchema", "response_schema", Kind::Message, &kSchema},
    {"responseJsonSchema", "response_json_schema", Kind::Opaque}, {"imageConfig", "image_config", Kind::Opaque},
    {"responseLogprobs", "response_logprobs", Kind::Scalar}, {"logprobs", "logprobs", Kind::Scalar},
    {"responseModalities", "response_modalities", Kind::Scalar},
    {"thinkingConfig", "thinking_config", Kind::Message, &kThinkingConfig},
    {"mediaResolution", "media_resolution", Kind::Scalar}, {"audioTimestamp", "audio_timestamp", Kind::Scalar},
    {"speechConfig", "speech_config", Kind::Opaque}, {"routingConfig", "routing_config", Kind::Opaque}}};
const Desc kGenerateContentRequest{{
    {"contents", "contents", Kind::MessageList, &kContent},
    {"systemInstruction", "system_instruction", Kind::Message, &kContent},
    {"tools", "tools", Kind::MessageList, &kTool}, {"toolConfig", "tool_config", Kind::Message, &kToolConfig},
    {"safetySettings", "safety_settings", Kind::MessageList, &kSafetySetting},
    {"generationConfig", "generation_config", Kind::Message, &kGenerationConfig},
    {"labels", "labels", Kind::Opaque}, {"cachedContent", "cached_content", Kind::Scalar},
    {"modelArmorConfig", "model_armor_config", Kind::Opaque},
    {"model", "model", Kind::Scalar}}};
const Desc kPredictRequest{{{"instances", "instances", Kind::Opaque}, {"parameters", "parameters", Kind::Opaque}}};
// clang-format on

const Field* findField(const Desc& d, std::string_view key) {
  for (const Field& f : d.fields)
    if (f.camel == key || f.snake == key) return &f;
  return nullptr;
}

void walk(const Json& j, const Desc& d, const std::string& path, std::vector<std::string>& errors) {
  if (!j.is_object()) return;  // type errors are reported by the semantic checks
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Field* f = findField(d, it.key());
    if (!f) {
      errors.push_back("Invalid JSON payload received. Unknown name \"" + it.key() + "\"" +
                       (path.empty() ? "" : " at '" + path + "'") + ": Cannot find field.");
      continue;
    }
    const std::string sub = (path.empty() ? "" : path + ".") + std::string(f->snake);
    const Json& v = it.value();
    switch (f->kind) {
      case Kind::Message:
        walk(v, *f->message, sub, errors);
        break;
      case Kind::MessageList:
        if (v.is_array())
          for (size_t i = 0; i < v.size(); ++i) walk(v[i], *f->message, sub + "[" + std::to_string(i) + "]", errors);
        else
          walk(v, *f->message, sub, errors);  // a single message for a repeated field is accepted too
        break;
      case Kind::SchemaMap:
        // Google names map entries by position: properties[1].value
        if (v.is_object()) {
          size_t i = 0;
          for (auto p = v.begin(); p != v.end(); ++p, ++i)
            walk(p.value(), *f->message, sub + "[" + std::to_string(i) + "].value", errors);
        }
        break;
      case Kind::Scalar:
      case Kind::Opaque:
        break;
    }
  }
}

bool isGeneratePath(std::string_view s) {
  return s.starts_with("/models/") && (s.ends_with(":generateContent") || s.ends_with(":streamGenerateContent"));
}
bool isPredictPath(std::string_view s) { return s.starts_with("/models/") && s.ends_with(":predict"); }

}  // namespace

void checkVertexFieldNames(const Json& body, const char* root) {
  std::vector<std::string> errors;
  walk(body, std::string_view(root) == "PredictRequest" ? kPredictRequest : kGenerateContentRequest, "", errors);
  if (errors.empty()) return;
  std::string message;
  for (const auto& e : errors) message.append(message.empty() ? "" : "\n").append(e);
  vertexFail(message);
}

RouteList vertexRoutes() {
  return {
      {"gcp-vertexai", "POST", &isGeneratePath, &handleVertexGenerate},
      {"gcp-vertexai", "POST", &isPredictPath, &handleVertexPredict},
  };
}

}  // namespace aicore::emulator
