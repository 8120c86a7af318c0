// Gemini's function calls carry no id, but OpenAI tool_calls and Anthropic tool_use blocks need one,
// and the next request answers each call by that id. Ids are derived, never random, so the same
// request gives the same ids streamed or not, on every deployment:
//
//   call_<24 hex>[__ts_<thought signature, base64url>]
//
// The hex part hashes the request fingerprint, the candidate, the call's position, its name and
// arguments. Gemini 2.5+ attaches a thoughtSignature to function-call parts when it thinks, and
// Gemini 3 rejects a follow-up turn whose function calls lack it; the id is the one field every
// client hands back verbatim, so the signature rides in it (base64url keeps the id within
// [A-Za-z0-9_-], which Anthropic clients require) and is restored on the way back in.
#pragma once

#include <string>
#include <string_view>

namespace aicore::gemini {

// 16 lowercase hex chars of FNV-1a 64 over `bytes`.
std::string fingerprint(std::string_view bytes);

std::string make_call_id(std::string_view seed, int candidate, int ordinal, std::string_view name,
                         std::string_view args_json, std::string_view thought_signature);

// The thought signature carried by an id made above (standard base64), or empty.
std::string signature_from_call_id(std::string_view id);

}  // namespace aicore::gemini
