// The first stage: is this client allowed in (its key), is the method right, and does its body
// arrive whole and within the limits? Everything after it may assume an authorised POST with the
// complete body in memory.
#pragma once

#include "pipeline/Exchange.hpp"

namespace aicore::host {

// Checks the client's key (when keys are configured); answers 401 itself and returns false.
// When the key has a name, rec.key gets it and `client` (when given) its config entry.
// Also used by the non-model routes (/v1/models).
bool authorize(const Runtime& rt, Family family, Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
               AccessRecord& rec, const ClientKey** client = nullptr);

// Whether the caller's key may use `model` (by that name, or the model key it resolves to).
bool key_allows(const Exchange& x, const std::string& model);

// Whether the caller's key may use the model the request resolved to; answers 403 itself and
// returns false.
bool allowed_model(Exchange& x);

// Key, method and body; false when the client has been answered (401, 405, 408, 413).
bool admit(Exchange& x);

}  // namespace aicore::host
