#include "gemini_api_response.hpp"

#include "chat_response.hpp"

#include <aicore/mapping/upstream.hpp>

namespace aicore::gemini {

Usage gemini_api_usage(const Json& usage_metadata) { return mapping::usage_from_openai(openai_usage(usage_metadata)); }

void rewrite_model_version(Json& response, const ResponseContext& ctx) {
  if (!ctx.client_model.empty()) response["modelVersion"] = ctx.client_model;
}

std::string convert_gemini_api_response(std::string_view body, const ResponseContext& ctx, Usage* usage) {
  Json j = parse_upstream_json(body, "generateContent response");
  // A non-streaming call answered as a stream (a JSON array of chunks): one chunk is the answer.
  if (j.is_array()) {
    if (j.size() != 1)
      throw upstream_error("generateContent response: got a stream of " + std::to_string(j.size()) + " chunks");
    j = Json(j[0]);
  }
  if (!j.is_object()) throw upstream_error("generateContent response: not a JSON object");
  if (auto e = j.find("error"); e != j.end() && !e->is_null())
    throw upstream_error("Gemini error: " + openai_error_object(*e)["message"].get<std::string>());
  rewrite_model_version(j, ctx);
  if (usage)
    if (auto u = j.find("usageMetadata"); u != j.end()) *usage = gemini_api_usage(*u);
  return dump(j);
}

}  // namespace aicore::gemini
