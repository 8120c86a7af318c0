// The conversion-cost estimate the memory budget admits requests by: linear in the body, counting
// structure outside strings only, and at least the peak measured for each shape of body.
#include <gtest/gtest.h>

#include <string>

#include "server/RequestCost.hpp"

using aicore::host::conversion_cost;
using M = aicore::host::ConversionCostModel;

TEST(RequestCost, CountsStructureOutsideStringsOnly) {
  const std::string text = R"({"model":"m","messages":[{"role":"user","content":"a, b: {c} [d] \"e, f\" \\"}]})";
  // Outside strings: { : : [ { : , : } ] } -> objects '{' x2 + ':' x4 = 6, arrays '[' x1 + ',' x2 = 3.
  EXPECT_EQ(conversion_cost(text), int64_t(text.size()) * M::kPerByte + 6 * M::kPerObjectOrMember + 3 * M::kPerArrayOrElement);
  EXPECT_EQ(conversion_cost(""), 0);
  EXPECT_EQ(conversion_cost("\"unterminated {,:["), 18 * M::kPerByte);
}

TEST(RequestCost, CoversTheMeasuredPeaks) {
  // bench/memory-cost.mjs on this tree: peak RSS growth per body byte for 24 MiB bodies.
  auto per_byte = [](const std::string& body) { return double(conversion_cost(body)) / double(body.size()); };
  std::string text = R"({"model":"claude","messages":[{"role":"user","content":")" + std::string(1 << 20, 'x') + "\"}]}";
  EXPECT_GE(per_byte(text), 7.0);  // one long string: claude 7.0x, gemini 6.7x, openai 3.0x
  std::string many = R"({"model":"gemini","messages":[)";
  for (int i = 0; i < 20000; ++i) many += std::string(i ? "," : "") + R"({"role":"user","content":"hello there )" + std::to_string(i) + "\"}";
  many += "]}";
  EXPECT_GE(per_byte(many), 34.8);  // many small messages: gemini 34.8x, claude 25.6x
  std::string numbers = R"({"enum":[)";
  for (int i = 0; i < 100000; ++i) numbers += i ? ",1" : "1";
  numbers += "]}";
  EXPECT_GE(per_byte(numbers), 42.0);  // a long array of numbers: claude 42x, gemini 25x
}

// The short-string shortcut (eight bytes at once) agrees with a byte-by-byte count wherever the
// closing quote, an escaped quote or a run of backslashes falls.
TEST(RequestCost, AgreesWithAByteByByteCountForEveryStringShape) {
  auto reference = [](std::string_view body) {
    int64_t objects = 0, arrays = 0;
    bool in_string = false;
    for (size_t i = 0; i < body.size(); ++i) {
      const char c = body[i];
      if (in_string) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          in_string = false;
        continue;
      }
      if (c == '{' || c == ':') ++objects;
      if (c == '[' || c == ',') ++arrays;
      if (c == '"') in_string = true;
    }
    if (in_string) return conversion_cost("");  // unterminated: only the bytes count, checked below
    return int64_t(body.size()) * M::kPerByte + objects * M::kPerObjectOrMember + arrays * M::kPerArrayOrElement;
  };
  const std::string pieces[] = {"a", "\\\"", "\\\\", ",", ":", "{", "[", "é", "\\n"};
  for (int len = 0; len < 12; ++len)
    for (const auto& piece : pieces)
      for (int at = 0; at <= len; ++at) {
        std::string inner(static_cast<size_t>(len), 'x');
        inner.insert(static_cast<size_t>(at), piece);
        const std::string body = R"({"k":")" + inner + R"(","n":[1,2]})";
        EXPECT_EQ(conversion_cost(body), reference(body)) << body;
        const std::string cut = R"({"k":")" + inner;  // unterminated
        EXPECT_EQ(conversion_cost(cut), int64_t(cut.size()) * M::kPerByte + 2 * M::kPerObjectOrMember) << cut;
      }
}
