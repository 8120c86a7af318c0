#pragma once
// Strict validation of a Vertex GenerateContentRequest, as the real service does it, and the
// neutral Conversation the deterministic model answers.
#include "reply.hpp"

#include <cstdint>

namespace aicore::emulator {

struct Deployment;

struct VertexChat {
  Conversation conversation;
  int candidates = 1;            // generationConfig.candidateCount
  bool includeThoughts = false;  // thinkingConfig.includeThoughts
  bool thinks = false;           // the model thinks on this request (reports thoughtsTokenCount)
  bool blockPrompt = false;      // "[block:prompt]" in the last user text: promptFeedback.blockReason
  bool blockAnswer = false;      // "[block:answer]": the candidate finishes with SAFETY
  int64_t promptTokens = 0;
};

// Throws VertexError on any violation.
VertexChat parseGenerateRequest(const Json& body, const Deployment& deployment);

// Thinking models of the 2.5 and 3 families.
bool isVertexThinkingModel(const std::string& model);

}  // namespace aicore::emulator
