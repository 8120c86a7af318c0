#pragma once
// Top-level endpoint groups; router.cpp picks one per request by path.
namespace aicore::emulator {

class Exchange;

void handleHealth(Exchange& ex);              // GET /health
void handleControl(Exchange& ex);             // /_emulator/*  (test control, no auth)
void handleControlDeployments(Exchange& ex);  // /_emulator/deployments[/{id}]: add, remove, stop
void handleOauth(Exchange& ex);               // POST /oauth/token
void handleInference(Exchange& ex);           // /v2/*  (auth, resource group, deployment, family routes)
void handleDeploymentList(Exchange& ex);      // GET /v2/lm/deployments (auth, resource group, paging, filters)

// The AI API's first checks, shared by inference and the deployment list: a bearer token issued
// here (401), the AI-Resource-Group header (400), a configured resource group (404). On failure
// the answer is sent and false returned.
bool checkAiApiAccess(Exchange& ex);

}  // namespace aicore::emulator
