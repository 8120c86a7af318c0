// What the Gemini API sources share: fields under either spelling, the OpenAPI-subset schema, the
// request options (gemini_options.cpp), function call parts.
#pragma once

#include "json_util.hpp"

#include <aicore/mapping/changes.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace aicore::mapping::gemini_fields {

// A member under its camelCase or snake_case name (the Gemini API accepts both), or nullptr when
// absent or null. `path` becomes the member's path as the client spelled it.
inline const Json* member(const Json& obj, std::string_view camel, std::string_view snake, const std::string& base,
                          std::string& path) {
  const Json* v = detail::find(obj, camel);
  std::string_view used = camel;
  if (!v && !snake.empty() && snake != camel) {
    v = detail::find(obj, snake);
    used = snake;
  }
  path = detail::dot(base, used);
  return v;
}

std::string lower(std::string_view s);

// Gemini's Schema (an OpenAPI 3.0 subset: uppercase types, nullable, int64 limits as strings) ->
// the JSON Schema chat tools and response_format carry. Unknown keys pass unchanged.
Json json_schema(const Json& schema, const std::string& path);

// A chat tool call as a functionCall part ({"functionCall":{"name","args","id"}}); nullopt when its
// arguments are not a JSON object (an upstream cut short, or gone astray): Gemini's args are one.
std::optional<Json> function_call_part(const std::string& id, const std::string& name, const std::string& arguments);

// The request's options, each at `path` as the client spelled it, into `chat`'s terms:
// tools[].functionDeclarations -> chat function tools;
Json convert_tools(const Json& tools, const std::string& path, Changes& changes);
// toolConfig (given the converted tools) -> tool_choice, null for the default;
Json convert_tool_config(const Json& tool_config, const std::string& path, const Json& tools, Changes& changes);
// generationConfig -> sampling, limits, response_format and reasoning_effort set on `chat`.
void convert_generation(const Json& generation_config, const std::string& path, Json& chat, bool& include_thoughts,
                        Changes& changes);

}  // namespace aicore::mapping::gemini_fields
