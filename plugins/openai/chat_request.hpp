// openai.chat request -> Azure OpenAI chat/completions request.
#pragma once

#include "settings.hpp"

#include <aicore/plugin.hpp>  // UpstreamRequest

#include <string_view>

namespace aicore::openai {

// `model` is the configured model key (it decides the reasoning-model rewrites and the
// api-version); `stream_hint` is the host's reading of the body's "stream" and is used only when
// the body has none. Throws aicore::invalid_request("<field>: <problem>") for a bad client body.
UpstreamRequest convert_chat_request(std::string_view body, std::string_view model, bool stream_hint,
                                     const Settings& settings);

}  // namespace aicore::openai
