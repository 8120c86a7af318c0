// The host's routing scan of every client body (host/server/BodyScan.cpp): a hand-written JSON
// validator on the request path, before any plugin. It may say "unsure" (false) for anything, and
// the host then parses with nlohmann; but when it says "sure" it must agree with nlohmann exactly.
//
// Properties: no crash (recursion bounded on the worker-sized stack), and a "sure" verdict means
// nlohmann accepts the body, it is an object, and model and stream (the last occurrence, as in
// the DOM) have the kinds, text and value the scan reported.
#include "fuzz_support.hpp"

#include "server/BodyScan.hpp"

namespace {

using aicore::host::RoutingFields;
using Kind = RoutingFields::Kind;

Kind kind_of(const nlohmann::json& v) {
  if (v.is_null()) return Kind::Null;
  if (v.is_boolean()) return Kind::Bool;
  if (v.is_string()) return Kind::String;
  return Kind::Other;
}

}  // namespace

int fuzz_one_input(std::string_view in) {
  RoutingFields rf;
  if (!aicore::host::scan_routing_fields(in, rf)) return 0;
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!j.is_discarded(), "the scan accepted what nlohmann refuses: " + std::string(in));
  FUZZ_CHECK(j.is_object(), std::string(in));
  auto m = j.find("model");
  FUZZ_CHECK((m == j.end()) == (rf.model == Kind::Absent), std::string(in));
  if (m != j.end()) {
    FUZZ_CHECK(kind_of(*m) == rf.model, std::string(in));
    if (m->is_string()) FUZZ_CHECK(m->get<std::string>() == rf.model_text, std::string(in));
  }
  auto s = j.find("stream");
  FUZZ_CHECK((s == j.end()) == (rf.stream == Kind::Absent), std::string(in));
  if (s != j.end()) {
    FUZZ_CHECK(kind_of(*s) == rf.stream, std::string(in));
    if (s->is_boolean()) FUZZ_CHECK(s->get<bool>() == rf.stream_value, std::string(in));
  }
  return 0;
}
