// Whether a client asked for a stream, and for the usage chunk, read alike by every provider plugin
// (a wrong type is the client's 400, with the field's name).
#pragma once

#include <aicore/mapping/types.hpp>

namespace aicore::mapping {

// The body's "stream", or `hint` (the host's reading) when absent or null.
bool wants_stream(const Json& body, bool hint);

// An OpenAI chat body's stream_options.include_usage; false when absent or null.
bool client_include_usage(const Json& body);

}  // namespace aicore::mapping
