// aicore::mapping — the one OpenAI Chat Completions <-> Anthropic Messages translation every provider
// plugin shares (GPT serves Anthropic clients through it, Claude serves OpenAI clients through it, and
// other families map from the OpenAI chat form).
//
// Pure functions and per-stream state machines: no I/O, no globals, no clocks (callers pass
// `created`). Request mappers throw aicore::invalid_request("<field path>: <problem>") for a client
// mistake; stream converters throw aicore::upstream_error for an unusable upstream.
//
// Include <aicore/mapping/mapping.hpp> for everything, or the narrower headers it includes.
#pragma once

#include <aicore/mapping/anthropic_to_openai.hpp>
#include <aicore/mapping/base64.hpp>
#include <aicore/mapping/billing_header.hpp>
#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/count_tokens.hpp>
#include <aicore/mapping/json_io.hpp>
#include <aicore/mapping/model_names.hpp>
#include <aicore/mapping/openai_to_anthropic.hpp>
#include <aicore/mapping/reasons.hpp>
#include <aicore/mapping/settings.hpp>
#include <aicore/mapping/stream_options.hpp>
#include <aicore/mapping/types.hpp>
#include <aicore/mapping/upstream.hpp>
