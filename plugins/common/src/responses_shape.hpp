// The Response object and its output items, built alike for whole responses and streams.
#pragma once

#include <aicore/mapping/types.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::mapping::responses_shape {

// The id every id of one response derives from: "chatcmpl-abc" -> "abc" (resp_abc, msg_abc, …).
std::string base_id(const Json& chat);

// A Response with the request's parameters echoed from `echo` (ResponsesAsChat::echo).
Json response(const Json& echo, std::string_view id, int64_t created, std::string_view status, Json output, Json usage);
// finish_reason length -> incomplete (max_output_tokens), content_filter -> incomplete.
void settle(Json& response, std::string_view finish_reason);

Json reasoning_item(std::string_view id, const std::string& text, const Json& thinking_blocks, bool encrypted);
Json text_part(const std::string& text);
Json message_item(std::string_view id, std::string_view status, Json content);
// `n`: the item's output index, which keeps the ids of several calls apart.
Json call_item(std::string_view id, size_t n, std::string_view status, const std::string& call_id,
               const std::string& name, const std::string& arguments);

}  // namespace aicore::mapping::responses_shape
