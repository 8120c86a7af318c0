// What converting a JSON body costs in memory, estimated with one linear scan before the plugin
// parses it, so that the memory budget can refuse a request before the memory is spent.
//
// Measured (bench/memory-cost.mjs: the proxy's peak RSS growth for one 24 MiB request, on this
// tree's plugins): the openai plugin holds ~3x the body (the body, the converted body, the
// answer; it converts without a DOM); the claude and gemini plugins build DOMs of the request
// and of its conversion: ~7x for a body that is mostly one string, 25-35x for one of many small
// messages (~1,200 bytes a message), 25-42x for a long array of numbers. The estimate covers
// all of them: 7 bytes a body byte, plus 400 for each object and object member, plus 80 for each
// array and array element (counted outside strings: '{', ':', '[', ',').
#pragma once

#include <cstdint>
#include <string_view>

namespace aicore::host {

struct ConversionCostModel {
  static constexpr int64_t kPerByte = 7;
  static constexpr int64_t kPerObjectOrMember = 400;
  static constexpr int64_t kPerArrayOrElement = 80;
};

// Bytes of memory converting `body` may hold at its peak (the body itself included).
int64_t conversion_cost(std::string_view body);

}  // namespace aicore::host
