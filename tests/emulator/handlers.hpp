#pragma once
// Top-level endpoint groups; router.cpp picks one per request by path.
namespace aicore::emulator {

class Exchange;

void handleHealth(Exchange& ex);     // GET /health
void handleControl(Exchange& ex);    // /_emulator/*  (test control, no auth)
void handleOauth(Exchange& ex);      // POST /oauth/token
void handleInference(Exchange& ex);  // /v2/*  (auth, resource group, deployment, family routes)

}  // namespace aicore::emulator
