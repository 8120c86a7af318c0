// A JSON-or-Python-literal reader for SAP's /converse-stream events, which arrive as Python dict
// reprs ({'contentBlockDelta': {'delta': {'text': " I'm"}, 'contentBlockIndex': 0}}) rather than
// JSON (reference §3.1).
//
// Accepts everything JSON accepts plus what Python's repr() prints for the types boto3 returns:
//  - strings in '…' or "…" (also triple-quoted, with r/u/b prefixes), with Python escapes
//    \\ \' \" \a \b \f \n \r \t \v \ooo \xhh \uXXXX \UXXXXXXXX and line continuations; a UTF-16
//    surrogate pair written as two \u escapes is combined (JSON style), a lone surrogate becomes
//    U+FFFD; unknown escapes stay as written (as Python does); adjacent literals concatenate;
//  - bytes b'…' become a base64 string (what Converse's JSON form uses for blobs);
//  - True/False/None (and true/false/null), ints of any size (beyond 64 bits: a double),
//    0x/0o/0b ints, underscores in numbers, floats, a leading + or -;
//  - dicts (keys: strings, or numbers and booleans written as their JSON text), lists, tuples (as
//    arrays), trailing commas.
// Nesting deeper than kMaxJsonDepth (64) levels is refused. Linear time; never throws.
#pragma once

#include "json_util.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace aicore::claude {

// The value, or nullopt with a reason ("offset 12: expected ':'") in *error.
std::optional<Json> parse_python_literal(std::string_view text, std::string* error = nullptr);

// JSON first (the exact reading when the upstream sends JSON), then a Python literal.
std::optional<Json> parse_json_or_python(std::string_view text, std::string* error = nullptr);

}  // namespace aicore::claude
