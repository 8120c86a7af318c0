#include "chat_response.hpp"

#include "azure_extras.hpp"
#include "json_util.hpp"

#include <aicore/plugin.hpp>

namespace aicore::openai {

std::string convert_chat_response(std::string_view body) {
  Json j = parse_upstream_json(body, "chat completion");
  if (!j.is_object()) throw upstream_error("chat completion: not a JSON object");
  strip_azure_top_level(j);
  if (auto c = j.find("choices"); c != j.end() && c->is_array())
    for (Json& choice : *c) strip_azure_choice(choice);
  return dump(j);
}

}  // namespace aicore::openai
