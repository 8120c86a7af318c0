#include "pipeline/RequestFields.hpp"

#include <nlohmann/json.hpp>

#include "server/BodyScan.hpp"
#include "server/GeminiPath.hpp"

namespace aicore::host {
namespace {

// The slow path, for bodies the scanner is unsure about (escapes in the model name, odd layouts).
bool read_fields_with_dom(Exchange& x) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(x.body);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for numbers beyond a double (1e999)
    return x.fail(400, std::string("request body is not valid JSON: ") + e.what());
  }
  if (!parsed.is_object()) return x.fail(400, "request body must be a JSON object");
  auto m = parsed.find("model");
  if (m == parsed.end() || !m->is_string() || m->get_ref<const std::string&>().empty())
    return x.fail(400, "model: required, must be a non-empty string", {}, "");
  x.model = m->get<std::string>();
  x.rec.model = x.model;
  if (auto s = parsed.find("stream"); s != parsed.end() && !s->is_null()) {
    if (!s->is_boolean()) return x.fail(400, "stream: must be a boolean");
    x.stream = s->get<bool>();
  }
  return true;
}

// The Gemini API names the model and the method in the path; its body has neither.
bool read_gemini_fields(Exchange& x) {
  auto p = parse_gemini_path(x.rec.path);
  if (!p || p->model.empty()) return x.fail(400, "the path names no model: use /v1beta/models/{model}:{method}");
  x.model = std::move(p->model);
  x.rec.model = x.model;
  x.stream = p->method == "streamGenerateContent";
  x.json_array = x.stream && !query_wants_sse(x.req.getURI());
  x.rec.stream = x.stream;
  return true;
}

}  // namespace

bool read_fields(Exchange& x) {
  if (x.family() == Family::Gemini) return read_gemini_fields(x);
  RoutingFields rf;
  if (!scan_routing_fields(x.body, rf)) {
    if (!read_fields_with_dom(x)) return false;
  } else {
    if (rf.model != RoutingFields::Kind::String || rf.model_text.empty())
      return x.fail(400, "model: required, must be a non-empty string", {}, "");
    x.model.assign(rf.model_text);
    x.rec.model = x.model;
    if (rf.stream != RoutingFields::Kind::Absent && rf.stream != RoutingFields::Kind::Null) {
      if (rf.stream != RoutingFields::Kind::Bool) return x.fail(400, "stream: must be a boolean");
      x.stream = rf.stream_value;
    }
  }
  if (x.stream && !x.dialect.can_stream) return x.fail(400, "stream: not supported on " + x.rec.path);
  x.rec.stream = x.stream;
  return true;
}

}  // namespace aicore::host
