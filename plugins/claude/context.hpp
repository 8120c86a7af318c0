// What convert_request remembers for the response side, carried by the host as opaque bytes.
#pragma once

#include "settings.hpp"

#include <string>
#include <string_view>

namespace aicore::claude {

struct ResponseContext {
  Api api = Api::Invoke;       // which Bedrock API answered: decides how its bytes are read
  bool include_usage = false;  // openai.chat: the client's stream_options.include_usage
  bool json_tool = false;      // openai.chat: response_format went through the mapping's json tool
  std::string client_model;    // the name the client asked for, reported back to it

  // "claude.v1;api=invoke;usage=0;json=0;model=<client model>" (model last: it may contain ';').
  std::string encode() const;
  // Unknown or empty contexts decode to the defaults.
  static ResponseContext decode(std::string_view context);
};

}  // namespace aicore::claude
