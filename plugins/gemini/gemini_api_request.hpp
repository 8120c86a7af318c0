// gemini.generate_content request (the Gemini API's GenerateContentRequest, as Gemini CLI and the
// @google/genai SDK send it) -> Vertex generateContent / streamGenerateContent on SAP AI Core.
//
// Vertex speaks the same protocol, so this is a near pass-through: every field is checked for its
// type and passed on in camelCase (snake_case is accepted too), in the client's order. What the
// Gemini API accepts and Vertex (v1, google/cloud/aiplatform/v1/*.proto) does not is fixed here,
// because Vertex refuses the whole request for a single unknown field:
//
//   functionDeclarations[].parametersJsonSchema / responseJsonSchema (plain JSON Schema, what
//              Gemini CLI declares its tools with) -> parameters / response, cleaned to the
//              OpenAPI subset by the schema code the chat dialects use (schema.hpp): Vertex v1
//              knows both fields, but `parameters` is what SAP's deployments are proven to take.
//   generationConfig.responseJsonSchema -> responseSchema the same way (+ responseMimeType
//              application/json when missing).
//   generationConfig.thinkingConfig -> fitted to the deployment's model: dropped where the model
//              does not think, thinkingLevel turned into a budget for 2.5 models (and a budget into
//              range), one of level and budget kept for Gemini 3.
//   Gemini API-only fields -> dropped with a debug log note: functionCall.id,
//              functionResponse.{id, willContinue, scheduling}, Part.{partMetadata, toolCall,
//              toolResponse}, Blob/FileData.displayName, FunctionDeclaration.behavior,
//              GenerationConfig.enableEnhancedCivicAnswers, ToolConfig.includeServerSideTool-
//              Invocations, googleSearch.{timeRangeFilter, searchTypes}, serviceTier, model.
//   Empty parts (an empty text, e.g. one that only carried a thought signature) and contents left
//              without parts -> dropped (Vertex: "empty text parameter").
//   cachedContent, tools[].fileSearch -> 400: Gemini API resources SAP cannot reach.
//   anything unknown -> 400 naming the field.
// The deployment's configured safety_settings apply when the client sends none. thoughtSignature
// and thought parts pass unchanged.
#pragma once

#include "json_util.hpp"
#include "settings.hpp"

#include <aicore/plugin.hpp>  // UpstreamRequest, ModelNames

#include <string>
#include <string_view>

namespace aicore::gemini {

// The Gemini API body -> the Vertex body for `upstream_model`. Throws
// aicore::invalid_request("<field>: <problem>"). `notes` gets what was changed.
Json gemini_api_to_vertex(const Json& body, std::string_view upstream_model, const Settings& settings,
                          std::string& notes);

// The whole dialect: parse, convert, target (/models/<model>:generateContent, or
// :streamGenerateContent?alt=sse when `stream`) and the context the response side needs (the
// client's model name, reported as modelVersion).
UpstreamRequest convert_gemini_api_request(std::string_view body, const ModelNames& names, bool stream,
                                           const Settings& settings);

}  // namespace aicore::gemini
