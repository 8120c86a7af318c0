// Anthropic Messages <-> Bedrock Converse (the optional path, settings "api":"converse").
//
// Request (from the Bedrock-clean body to_bedrock_invoke produced):
//   system string/blocks        -> system [{text}], cache_control -> a {cachePoint} after the block
//   messages[].content          -> content [{text} | {image} | {document} | {toolUse} | {toolResult}
//                                  | {reasoningContent}], cache_control -> {cachePoint}
//     image base64              -> {image:{format:png|jpeg|gif|webp, source:{bytes}}}
//     document base64 (pdf…)    -> {document:{format, name, source:{bytes}}}; text source -> txt
//     tool_result               -> {toolResult:{toolUseId, content:[{text}|{image}|{document}],
//                                  status:"error" when is_error}}
//     thinking / redacted       -> {reasoningContent:{reasoningText:{text,signature}}} /
//                                  {reasoningContent:{redactedContent}}
//   max_tokens, temperature, top_p, stop_sequences -> inferenceConfig
//   tools                       -> toolConfig.tools[{toolSpec:{name,description,inputSchema:{json}}}]
//                                  (+ {cachePoint} after a tool with cache_control)
//   tool_choice auto/any/tool   -> toolConfig.toolChoice; "none" -> no toolChoice (Converse has none)
//   thinking, top_k, anthropic_beta -> additionalModelRequestFields
// URL image sources and other blocks Converse cannot carry are a 400 naming the field.
//
// Response: output.message.content -> Anthropic content (text, tool_use, thinking,
// redacted_thinking), stopReason -> stop_reason, usage (cacheReadInputTokens ->
// cache_read_input_tokens, cacheWriteInputTokens -> cache_creation_input_tokens).
#pragma once

#include "json_util.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace aicore::claude {

Json anthropic_to_converse_request(const Json& bedrock_body);

// `model`: the name reported in the message; the id is derived from the response bytes.
Json converse_to_anthropic_response(const Json& converse, std::string_view model, uint64_t id_seed);

// The Anthropic message id of a Converse answer (whole or streamed), "msg_bdrk_" and 16 hex
// digits of `id_seed`: Converse gives no id of its own.
std::string converse_message_id(uint64_t id_seed);

}  // namespace aicore::claude
