// The result of converting one client request: what the glue hands to acp_request_out.
#pragma once

#include <string>

namespace aicore::gemini {

struct UpstreamRequest {
  std::string target;   // path and query appended to the deployment URL
  std::string body;     // JSON
  std::string context;  // ResponseContext::encode(), handed back on the response side
};

}  // namespace aicore::gemini
