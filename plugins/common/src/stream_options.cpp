#include <aicore/mapping/stream_options.hpp>

#include <aicore/plugin.hpp>

namespace aicore::mapping {

bool wants_stream(const Json& body, bool hint) {
  auto s = body.find("stream");
  if (s == body.end() || s->is_null()) return hint;
  if (!s->is_boolean()) throw invalid_request("stream: must be a boolean");
  return s->get<bool>();
}

bool client_include_usage(const Json& body) {
  auto so = body.find("stream_options");
  if (so == body.end() || so->is_null()) return false;
  if (!so->is_object()) throw invalid_request("stream_options: must be an object");
  auto iu = so->find("include_usage");
  if (iu == so->end() || iu->is_null()) return false;
  if (!iu->is_boolean()) throw invalid_request("stream_options.include_usage: must be a boolean");
  return iu->get<bool>();
}

}  // namespace aicore::mapping
