#include "context.hpp"

#include "json_util.hpp"

namespace aicore::gemini {

namespace {
constexpr std::string_view kTag = "gemini.v1";
}

std::string ResponseContext::encode() const {
  Json j = Json::object();
  j["v"] = kTag;
  j["m"] = client_model;
  if (include_usage) j["u"] = true;
  if (!seed.empty()) j["s"] = seed;
  if (input_tokens_hint > 0) j["h"] = input_tokens_hint;
  if (base64) j["b64"] = true;
  if (batch) j["bat"] = true;
  if (inputs > 0) j["n"] = inputs;
  return dump(j);
}

ResponseContext ResponseContext::decode(std::string_view context) {
  ResponseContext c;
  Json j = Json::parse(context, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || string_or(j, "v") != kTag) return c;
  if (auto m = j.find("m"); m != j.end() && m->is_string()) c.client_model = m->get<std::string>();
  if (auto u = j.find("u"); u != j.end() && u->is_boolean()) c.include_usage = u->get<bool>();
  if (auto s = j.find("s"); s != j.end() && s->is_string()) c.seed = s->get<std::string>();
  if (auto h = j.find("h"); h != j.end() && h->is_number_integer()) c.input_tokens_hint = h->get<int64_t>();
  if (auto b = j.find("b64"); b != j.end() && b->is_boolean()) c.base64 = b->get<bool>();
  if (auto b = j.find("bat"); b != j.end() && b->is_boolean()) c.batch = b->get<bool>();
  if (auto n = j.find("n"); n != j.end() && n->is_number_integer()) c.inputs = n->get<int64_t>();
  return c;
}

}  // namespace aicore::gemini
