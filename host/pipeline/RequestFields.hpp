// The second stage: the only two fields of the body the host routes on, `model` and `stream`.
// A scan without a DOM decides for nearly every body; when it is unsure, nlohmann decides. The
// plugin validates everything else.
#pragma once

#include "pipeline/Exchange.hpp"

namespace aicore::host {

// Sets x.model and x.stream; false when the client has been answered (400).
bool read_fields(Exchange& x);

}  // namespace aicore::host
