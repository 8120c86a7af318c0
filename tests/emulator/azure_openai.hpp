#pragma once
// The azure-openai family (reference §3.2, §3.4): helpers shared by its route handlers.
#include "family.hpp"

#include <string>
#include <string_view>

namespace aicore::emulator {

void handleAzureChat(InferenceCall& call);        // azure_chat.cpp
void handleAzureEmbeddings(InferenceCall& call);  // azure_embeddings.cpp

// Throws AzureError unless ?api-version= is present and one Azure supports.
void checkApiVersion(const Exchange& ex);

// o1/o3/o4/gpt-5 families: reject max_tokens and temperature != 1, accept reasoning_effort.
bool isReasoningModel(std::string_view model);
bool isEmbeddingModel(std::string_view model);
// The dated name the service answers in "model", e.g. gpt-4o → gpt-4o-2024-08-06.
std::string datedModelName(const Deployment& d);

}  // namespace aicore::emulator
