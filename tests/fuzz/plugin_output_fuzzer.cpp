// The host's checks of what a plugin hands it for the client (host/server/PluginOutput.cpp): a
// response body must be one JSON document, a stream write complete SSE events. Plugins are
// third-party code, so these read arbitrary bytes.
//
// Properties: no crash; json_body_problem agrees with nlohmann's acceptor; sse_events_problem
// accepts only text that ends with a blank line and whose every line is an SSE field or comment,
// and accepts the events the SDK writes (aicore::sse_data / sse_event) for any payload line.
#include "fuzz_support.hpp"

#include "server/PluginOutput.hpp"

#include <aicore/sse.hpp>

int fuzz_one_input(std::string_view in) {
  const bool json_ok = !aicore::host::json_body_problem(in).has_value();
  FUZZ_CHECK(json_ok == nlohmann::json::accept(in), std::string(in));

  const auto sse = aicore::host::sse_events_problem(in);
  if (!sse) FUZZ_CHECK(in.size() >= 2 && in.substr(in.size() - 2) == "\n\n", std::string(in));

  // Any single line wrapped as the SDK wraps event data is accepted.
  const std::string_view line = in.substr(0, in.find_first_of("\r\n"));
  FUZZ_CHECK(!aicore::host::sse_events_problem(aicore::sse_data(line)).has_value(), aicore::sse_data(line));
  FUZZ_CHECK(!aicore::host::sse_events_problem(aicore::sse_event("error", line)).has_value(),
             aicore::sse_event("error", line));
  return 0;
}
