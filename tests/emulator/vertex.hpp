#pragma once
// The gcp-vertexai family (reference §3.3, §3.4): Gemini chat (:generateContent,
// :streamGenerateContent with and without alt=sse) and embeddings (:predict), as strict as Vertex.
//
// Errors use Google's shape, {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}.
// Parsing comes first and reports every unknown field at once, in Google's wording
// (`Invalid JSON payload received. Unknown name "messages": Cannot find field.`, with
// ` at 'generation_config'` for nested ones, snake_case paths); semantic checks (roles, empty parts,
// the function-call protocol, schema rules, generation limits) follow, one message each.
#include "family.hpp"
#include "json.hpp"

#include <exception>
#include <string>

namespace aicore::emulator {

struct Deployment;

struct VertexError : std::exception {
  int code = 400;
  std::string status = "INVALID_ARGUMENT";
  std::string message;
  const char* what() const noexcept override { return message.c_str(); }
};

[[noreturn]] void vertexFail(std::string message, int code = 400, std::string status = "INVALID_ARGUMENT");
void sendVertexError(Exchange& ex, const VertexError& e);

// Throws VertexError listing every field the proto does not know, with Google's wording.
// `root` names the request message: "GenerateContentRequest" or "PredictRequest".
void checkVertexFieldNames(const Json& body, const char* root);

// Reads the JSON body; non-JSON or a non-object is a 400 in Google's words.
Json parseVertexBody(const std::string& text);

bool isVertexEmbeddingModel(const std::string& model);

void handleVertexGenerate(InferenceCall& call);    // vertex_generate.cpp
void handleVertexPredict(InferenceCall& call);     // vertex_embeddings.cpp

}  // namespace aicore::emulator
