// What convert_request remembers for the response side. The host carries it as opaque bytes
// (acp_request_out.set_context) from the request to convert_response / stream_open.
#pragma once

#include <string>
#include <string_view>

namespace aicore::openai {

struct ResponseContext {
  // The upstream is always asked for usage (so the host's access log gets it); this records
  // whether the CLIENT asked, i.e. whether the usage chunk and the "usage" keys reach it.
  bool client_include_usage = false;

  // Private format, versioned so a host that keeps contexts across a plugin reload is harmless:
  // "openai.v1;usage=1".
  std::string encode() const;
  // Unknown or empty contexts decode to the defaults (OpenAI's own defaults: no usage).
  static ResponseContext decode(std::string_view context);
};

}  // namespace aicore::openai
