// Claude Code's `x-anthropic-billing-header` system line: removed before any upstream, and nothing else.
#include "test_support.hpp"

#include <aicore/mapping/billing_header.hpp>

using namespace mapping_test;
using aicore::mapping::strip_billing_header;

namespace {
constexpr const char* kLine = "x-anthropic-billing-header: cc_version=2.1.112.a9f; cc_entrypoint=sdk-cli; cch=3f9a1;";
}

TEST(BillingHeader, ItsOwnBlockIsRemovedAndTheRestKeptByteForByte) {
  Json sys = Json::array();
  sys.push_back(Json{{"type", "text"}, {"text", kLine}});
  sys.push_back(Json::parse(R"({"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}})"));
  EXPECT_EQ(strip_billing_header(sys), 1);
  EXPECT_EQ(sys.dump(), R"([{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}}])");
}

TEST(BillingHeader, AsTheFirstLineOfABlockOrStringOnlyThatLineGoes) {
  Json block = Json::array();
  block.push_back(Json{{"type", "text"}, {"text", std::string(kLine) + "\n\nYou are Claude Code."}});
  EXPECT_EQ(strip_billing_header(block), 1);
  EXPECT_EQ(block[0]["text"], "You are Claude Code.");

  Json s = std::string(kLine) + "\nBe terse.";
  EXPECT_EQ(strip_billing_header(s), 1);
  EXPECT_EQ(s, "Be terse.");

  Json only = std::string(kLine);
  EXPECT_EQ(strip_billing_header(only), 1);
  EXPECT_EQ(only, "");
}

TEST(BillingHeader, AnythingElseIsLeftAlone) {
  for (const char* text : {R"("You are Claude Code.")",
                           R"("Quote: x-anthropic-billing-header: cc_version=1;")",  // not at the start
                           R"([{"type":"text","text":"Hi"},{"type":"text","text":" x-anthropic-billing-header: a;"}])",
                           R"([{"type":"image","source":{"type":"url","url":"x-anthropic-billing-header:"}}])", "null",
                           "42"}) {
    Json sys = Json::parse(text);
    const std::string before = sys.dump();
    EXPECT_EQ(strip_billing_header(sys), 0) << text;
    EXPECT_EQ(sys.dump(), before);
  }
}
