// JSON text -> ordered_json in linear time. nlohmann's own DOM parser inserts each member through
// ordered_map::operator[], a linear search of the object so far: one object of n members costs
// n^2/2 string comparisons (measured: 10,000 members, a 100 KB body, 0.6 s; 160,000 members,
// 1.8 MB, 150 s of a worker's CPU per request). This builder appends members and finds a
// duplicate key through a hash index once an object has more than a few members; duplicates keep
// nlohmann's semantics (the first position, the last value).
#pragma once

#include <aicore/mapping/types.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace aicore::mapping::detail {

struct ParseFailure {
  bool failed = false;
  size_t byte = 0;      // where the lexer stopped (parse errors)
  bool syntax = false;  // a parse error (else e.g. a number beyond a double)
};

// The value of `text` (the whole text: nothing may follow it but whitespace), or a discarded
// value with `failure` filled in. Exactly what Json::parse accepts.
Json parse_linear(std::string_view text, ParseFailure& failure);

}  // namespace aicore::mapping::detail
