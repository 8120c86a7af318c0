#pragma once
// A model family (azure-openai, later aws-bedrock and gcp-vertexai) is a list of routes under
// /v2/inference/deployments/{id}. The gate (inference_gate.cpp) has already checked the token,
// the resource group, the deployment and injected faults when a route's handler runs.
#include <string_view>
#include <vector>

namespace aicore::emulator {

class Exchange;
struct Deployment;

struct InferenceCall {
  Exchange& ex;
  const Deployment& deployment;
  std::string_view suffix;  // path after /v2/inference/deployments/{id}, e.g. "/chat/completions"
};

struct FamilyRoute {
  const char* executable;  // deployments with this executableId are served by this route
  const char* method;      // "POST"
  bool (*matches)(std::string_view suffix);
  void (*handle)(InferenceCall& call);
};

using RouteList = std::vector<FamilyRoute>;

// All routes of all families (families.cpp).
const RouteList& familyRoutes();

}  // namespace aicore::emulator
