#include "test_support.hpp"

#include "gemini/schema.hpp"
#include "worker_stack.hpp"

#include <chrono>

using namespace gemini_test;
using aicore::gemini::clean_parameters_schema;
using aicore::gemini::clean_response_schema;

namespace {

// Parameters schema in, cleaned schema out ("-" when the function gets no parameters).
std::string params(const std::string& schema) {
  auto out = clean_parameters_schema(Json::parse(schema), "tools[0].function.parameters");
  return out ? dump(*out) : "-";
}

// One property's cleaned schema.
std::string prop(const std::string& schema) {
  auto out = clean_parameters_schema(Json::parse(R"({"type":"object","properties":{"p":)" + schema + "}}"), "p");
  if (!out) return "-";
  return (*out)["properties"].contains("p") ? dump((*out)["properties"]["p"]) : "(dropped)";
}

}  // namespace

TEST(Schema, UnknownKeywordsAreDropped) {
  EXPECT_EQ(params(R"({"$schema":"http://json-schema.org/draft-07/schema#","$id":"x","$comment":"c",
      "type":"object","additionalProperties":false,"properties":{"a":{"type":"string","readOnly":true,
      "deprecated":true,"contentEncoding":"base64","examples":["e1","e2"]}},"patternProperties":{"^x":{}},
      "unevaluatedProperties":false,"propertyNames":{"pattern":"^a"},"dependencies":{},"if":{},"then":{},"else":{},
      "not":{"required":["b"]}})"),
            R"({"type":"object","properties":{"a":{"type":"string","example":"e1"}}})");
}

TEST(Schema, KeptKeywords) {
  EXPECT_EQ(prop(R"({"type":"string","title":"T","description":"D","minLength":1,"maxLength":9,"pattern":"^a+$","default":"aa","example":"aaa"})"),
            R"({"type":"string","title":"T","description":"D","minLength":1,"maxLength":9,"pattern":"^a+$","default":"aa","example":"aaa"})");
  EXPECT_EQ(prop(R"({"type":"array","items":{"type":"integer","minimum":0,"maximum":5},"minItems":1,"maxItems":3,"uniqueItems":true})"),
            R"({"type":"array","items":{"type":"integer","minimum":0,"maximum":5},"minItems":1,"maxItems":3})");
  EXPECT_EQ(prop(R"({"type":"object","properties":{"x":{"type":"boolean"}},"minProperties":1,"maxProperties":2})"),
            R"({"type":"object","properties":{"x":{"type":"boolean"}},"minProperties":1,"maxProperties":2})");
  EXPECT_EQ(prop(R"({"type":"string","default":null})"), R"({"type":"string"})");
}

TEST(Schema, ExclusiveBoundsBecomeInclusive) {
  EXPECT_EQ(prop(R"({"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10})"), R"({"type":"integer","minimum":0,"maximum":10})");
  EXPECT_EQ(prop(R"({"type":"number","minimum":1,"exclusiveMinimum":true})"), R"({"type":"number","minimum":1})");
  EXPECT_EQ(prop(R"({"type":"number","multipleOf":0.5})"), R"({"type":"number"})");
}

TEST(Schema, FormatsOnlyWhereVertexAllowsThem) {
  EXPECT_EQ(prop(R"({"type":"string","format":"date-time"})"), R"({"type":"string","format":"date-time"})");
  EXPECT_EQ(prop(R"({"type":"string","format":"uri"})"), R"({"type":"string"})");
  EXPECT_EQ(prop(R"({"type":"string","format":"email"})"), R"({"type":"string"})");
  EXPECT_EQ(prop(R"({"type":"string","format":"date"})"), R"({"type":"string"})");
  EXPECT_EQ(prop(R"({"type":"number","format":"double"})"), R"({"type":"number","format":"double"})");
  EXPECT_EQ(prop(R"({"type":"integer","format":"int64"})"), R"({"type":"integer","format":"int64"})");
  EXPECT_EQ(prop(R"({"type":"integer","format":"uint8"})"), R"({"type":"integer"})");
  EXPECT_EQ(prop(R"({"format":"date-time"})"), R"({"type":"string","format":"date-time"})");
}

TEST(Schema, TypeNamesAreNormalised) {
  EXPECT_EQ(prop(R"({"type":"STRING"})"), R"({"type":"string"})");
  EXPECT_EQ(prop(R"({"type":"Integer"})"), R"({"type":"integer"})");
  EXPECT_EQ(prop(R"({"type":"decimal","description":"d"})"), R"({"description":"d"})");
}

TEST(Schema, NullableUnionsAndTypeArrays) {
  EXPECT_EQ(prop(R"({"type":["string","null"],"description":"d"})"), R"({"type":"string","description":"d","nullable":true})");
  EXPECT_EQ(prop(R"({"anyOf":[{"type":"integer"},{"type":"null"}],"default":null,"title":"Limit"})"),
            R"({"type":"integer","title":"Limit","nullable":true})");
  EXPECT_EQ(prop(R"({"oneOf":[{"type":"null"},{"$ref":"#/properties/q"}]})"), R"({"nullable":true})");
  EXPECT_EQ(prop(R"({"type":["string","integer"],"description":"id"})"),
            R"({"description":"id","anyOf":[{"type":"string"},{"type":"integer"}]})");
  EXPECT_EQ(prop(R"({"type":["string","integer","null"]})"), R"({"nullable":true,"anyOf":[{"type":"string"},{"type":"integer"}]})");
  EXPECT_EQ(prop(R"({"type":"null"})"), R"({"nullable":true})");
  // Each branch keeps only the keywords of its type (Vertex: "properties: only allowed for OBJECT type").
  EXPECT_EQ(prop(R"({"type":["object","string","null"],"properties":{"a":{"type":"string"}},"required":["a"],"minLength":2})"),
            R"({"nullable":true,"anyOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},)"
            R"({"type":"string","minLength":2}]})");
  EXPECT_EQ(prop(R"({"type":"string","items":{"type":"string"},"properties":{"x":{}},"minimum":1,"maxLength":3})"),
            R"({"type":"string","maxLength":3})");
  EXPECT_EQ(prop(R"({"type":["null"]})"), R"({"nullable":true})");
}

TEST(Schema, UnionsKeepRealAlternativesAndDropVacuousOnes) {
  EXPECT_EQ(prop(R"({"anyOf":[{"type":"integer"},{"type":"string"}],"title":"Key"})"),
            R"({"title":"Key","anyOf":[{"type":"integer"},{"type":"string"}]})");
  // A branch that accepts anything makes the union accept anything.
  EXPECT_EQ(prop(R"({"anyOf":[{"type":"integer"},{}],"description":"x"})"), R"({"description":"x"})");
  // Constraint-only branches ("one of these is required") say nothing Vertex can hold.
  EXPECT_EQ(prop(R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},
                     "anyOf":[{"required":["a"]},{"required":["b"]}]})"),
            R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}})");
  // Parent structure applies to every branch.
  EXPECT_EQ(prop(R"({"type":"object","properties":{"kind":{"type":"string"}},"required":["kind"],
                     "oneOf":[{"properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"boolean"}}}]})"),
            R"({"anyOf":[{"type":"object","properties":{"a":{"type":"integer"},"kind":{"type":"string"}},"required":["a","kind"]},)"
            R"({"type":"object","properties":{"b":{"type":"boolean"},"kind":{"type":"string"}},"required":["kind"]}]})");
}

TEST(Schema, ConstAndEnumRules) {
  EXPECT_EQ(prop(R"({"const":"fixed"})"), R"({"type":"string","enum":["fixed"]})");
  EXPECT_EQ(prop(R"({"anyOf":[{"const":"stars"},{"const":"forks"}],"description":"Sort"})"),
            R"({"type":"string","description":"Sort","enum":["stars","forks"]})");
  EXPECT_EQ(prop(R"({"type":"string","enum":["a","b",null]})"), R"({"type":"string","enum":["a","b"],"nullable":true})");
  // Vertex allows enum on strings only: typed non-string enums move into the description.
  EXPECT_EQ(prop(R"({"type":"integer","enum":[60,1440],"description":"Minutes."})"),
            R"j({"type":"integer","description":"Minutes. (one of: 60, 1440)"})j");
  EXPECT_EQ(prop(R"({"type":"boolean","const":true})"), R"j({"type":"boolean","description":"(one of: true)"})j");
  // Untyped enums of mixed values are stringified.
  EXPECT_EQ(prop(R"({"enum":["auto",1,2.5]})"), R"({"type":"string","enum":["auto","1","2.5"]})");
  EXPECT_EQ(prop(R"({"enum":[]})"), R"({})");
  EXPECT_EQ(prop(R"({"enum":[null]})"), R"({"nullable":true})");
}

TEST(Schema, RefsAreInlined) {
  EXPECT_EQ(params(R"({"type":"object","properties":{"a":{"$ref":"#/$defs/A","description":"own"},"b":{"$ref":"#/definitions/B"}},
                        "$defs":{"A":{"type":"string","description":"theirs","title":"A"}},
                        "definitions":{"B":{"type":"array","items":{"$ref":"#/$defs/A"}}}})"),
            R"({"type":"object","properties":{"a":{"type":"string","description":"own","title":"A"},)"
            R"("b":{"type":"array","items":{"type":"string","description":"theirs","title":"A"}}}})");
  // JSON pointers with escapes, and into properties.
  EXPECT_EQ(params(R"({"type":"object","properties":{"a/b":{"type":"integer"},"c":{"$ref":"#/properties/a~1b"}}})"),
            R"({"type":"object","properties":{"a/b":{"type":"integer"},"c":{"type":"integer"}}})");
  // Remote and dangling refs fall back to their siblings.
  EXPECT_EQ(prop(R"({"$ref":"https://example.com/s.json","description":"remote"})"), R"({"description":"remote"})");
  EXPECT_EQ(prop(R"({"$ref":"#/$defs/Missing","type":"string"})"), R"({"type":"string"})");
}

TEST(Schema, RecursiveRefsStopAtAnOpenObject) {
  EXPECT_EQ(params(R"({"type":"object","properties":{"tree":{"$ref":"#/$defs/Node"}},
      "$defs":{"Node":{"type":"object","description":"A node","properties":{"name":{"type":"string"},
      "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["name"]}}})"),
            R"({"type":"object","properties":{"tree":{"type":"object","description":"A node","properties":{"name":{"type":"string"},)"
            R"("children":{"type":"array","items":{"type":"object","description":"A node"}}},"required":["name"]}}})");
  // A root that refers to itself.
  EXPECT_EQ(params(R"({"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"integer"}}})"),
            R"({"type":"object","properties":{"next":{"type":"object","properties":{"next":{"type":"object"},"v":{"type":"integer"}}},"v":{"type":"integer"}}})");
}

TEST(Schema, AllOfIsMerged) {
  EXPECT_EQ(prop(R"({"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},
                              {"properties":{"b":{"type":"integer"}},"required":["b"]}],"description":"both"})"),
            R"({"type":"object","description":"both","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a","b"]})");
}

TEST(Schema, ObjectsAndArraysGetWhatVertexRequires) {
  // Empty properties go; required keeps only defined names.
  EXPECT_EQ(prop(R"({"type":"object","properties":{},"required":["x"],"additionalProperties":{"type":"string"}})"), R"({"type":"object"})");
  EXPECT_EQ(prop(R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a","ghost","a"]})"),
            R"({"type":"object","properties":{"a":{"type":"string"}},"required":["a"]})");
  // Arrays always get typed items.
  EXPECT_EQ(prop(R"({"type":"array"})"), R"({"type":"array","items":{"type":"string"}})");
  EXPECT_EQ(prop(R"({"type":"array","items":{}})"), R"({"type":"array","items":{"type":"string"}})");
  EXPECT_EQ(prop(R"({"type":"array","items":{"description":"any"}})"), R"({"type":"array","items":{"type":"string","description":"any"}})");
  EXPECT_EQ(prop(R"({"type":"array","items":{"type":"array"}})"), R"({"type":"array","items":{"type":"array","items":{"type":"string"}}})");
  EXPECT_EQ(prop(R"({"type":"array","items":[{"type":"integer"}]})"), R"({"type":"array","items":{"type":"integer"}})");
  EXPECT_EQ(prop(R"({"type":"array","prefixItems":[{"type":"integer"},{"type":"string"}]})"),
            R"({"type":"array","items":{"anyOf":[{"type":"integer"},{"type":"string"}]}})");
  EXPECT_EQ(prop(R"({"type":"array","items":false})"), R"({"type":"array","items":{"type":"string"}})");
  // Types inferred from shape.
  EXPECT_EQ(prop(R"({"properties":{"a":{"type":"string"}}})"), R"({"type":"object","properties":{"a":{"type":"string"}}})");
  EXPECT_EQ(prop(R"({"items":{"type":"integer"}})"), R"({"type":"array","items":{"type":"integer"}})");
  // Boolean schemas: true accepts anything, false drops the property.
  EXPECT_EQ(prop("true"), "{}");
  EXPECT_EQ(params(R"({"type":"object","properties":{"a":false,"b":{"type":"string"}},"required":["a","b"]})"),
            R"({"type":"object","properties":{"b":{"type":"string"}},"required":["b"]})");
}

TEST(Schema, FunctionParametersRoot) {
  // No properties: the declaration goes without parameters.
  EXPECT_EQ(params(R"({"type":"object","properties":{}})"), "-");
  EXPECT_EQ(params(R"({"type":"object","additionalProperties":true})"), "-");
  EXPECT_EQ(params("{}"), "-");
  EXPECT_EQ(params("null"), "-");
  // A root without a type, or a nullable root, is still an object.
  EXPECT_EQ(params(R"({"properties":{"a":{"type":"string"}},"nullable":true})"), R"({"type":"object","properties":{"a":{"type":"string"}}})");
  // A root union of objects is merged: properties united, required intersected.
  EXPECT_EQ(params(R"({"description":"act","anyOf":[
      {"type":"object","properties":{"op":{"const":"add"},"n":{"type":"integer"}},"required":["op","n"]},
      {"type":"object","properties":{"op":{"const":"reset"}},"required":["op"]}]})"),
            R"({"type":"object","description":"act","properties":{"op":{"type":"string","enum":["add"]},"n":{"type":"integer"}},"required":["op"]})");
  auto e = expect_plugin_error([] { clean_parameters_schema(Json::parse("[1]"), "tools[2].function.parameters"); });
  EXPECT_EQ(e.message, "tools[2].function.parameters: must be a JSON Schema object");
}

TEST(Schema, ResponseSchemaRootMayBeAnything) {
  EXPECT_EQ(dump(clean_response_schema(Json::parse(R"({"type":"array","items":{"type":"string","format":"email"}})"), "r")),
            R"({"type":"array","items":{"type":"string"}})");
  EXPECT_EQ(dump(clean_response_schema(Json::parse(R"({"$schema":"x"})"), "r")), R"({"type":"object"})");
  EXPECT_EQ(dump(clean_response_schema(Json::parse(R"({"anyOf":[{"type":"string"},{"type":"integer"}]})"), "r")),
            R"({"anyOf":[{"type":"string"},{"type":"integer"}]})");
}

TEST(Schema, RefExplosionIsRefused) {
  // Each level refers to the next twice: 2^14 paths, ~100,000 nodes if inlined naively (and
  // shallow enough for the depth limit: two levels per definition).
  Json defs = Json::object();
  for (int i = 0; i < 14; ++i) {
    std::string next = "#/$defs/D" + std::to_string(i + 1);
    defs["D" + std::to_string(i)] = Json{{"type", "object"}, {"properties", {{"l", {{"$ref", next}}}, {"r", {{"$ref", next}}}}}};
  }
  defs["D14"] = Json{{"type", "string"}};
  Json schema = {{"type", "object"}, {"properties", {{"root", {{"$ref", "#/$defs/D0"}}}}}, {"$defs", defs}};
  auto e = expect_plugin_error([&] { clean_parameters_schema(schema, "tools[0].function.parameters"); });
  EXPECT_EQ(e.message, "tools[0].function.parameters: schema too large after inlining $ref (more than 20000 nodes)");
}

namespace {

// {"type":"object","properties":{"x":{"$ref":"#/$defs/d0"}},"$defs":{d0 -> d1 -> ... -> d<n-1>: string}}
Json ref_chain(int n) {
  Json defs = Json::object();
  for (int i = 0; i + 1 < n; ++i) defs["d" + std::to_string(i)] = Json{{"$ref", "#/$defs/d" + std::to_string(i + 1)}};
  defs["d" + std::to_string(n - 1)] = Json{{"type", "string"}};
  return Json{{"type", "object"}, {"properties", {{"x", {{"$ref", "#/$defs/d0"}}}}}, {"$defs", defs}};
}

// Objects nested n deep through a property "c" each, the innermost a string.
Json nested_properties(int n) {
  Json s = {{"type", "string"}};
  for (int i = 0; i < n; ++i) s = Json{{"type", "object"}, {"properties", {{"c", s}}}};
  return s;
}

}  // namespace

// Issue 10: a 1,000-$ref chain through $defs was followed by recursion on the worker's 256 KiB
// stack and killed the proxy (SIGSEGV). It must be a 400 naming the tool, on that stack.
TEST(Schema, RefChainBeyondTheDepthLimitIsA400NotACrash) {
  const Json schema = ref_chain(1000);
  test_support::run_on_worker_stack([&] {
    auto e = expect_plugin_error([&] { clean_parameters_schema(schema, "tools[0].function.parameters"); });
    EXPECT_EQ(e.status, ACP_ERR_INVALID_REQUEST);
    EXPECT_EQ(e.message,
              "tools[0].function.parameters: schema nested deeper than 32 levels (each $ref followed counts as a level)");
    auto r = expect_plugin_error([&] { clean_response_schema(schema, "response_format.json_schema.schema"); });
    EXPECT_EQ(r.status, ACP_ERR_INVALID_REQUEST);
  });
}

TEST(Schema, NestingBeyondTheDepthLimitIsA400) {
  test_support::run_on_worker_stack([] {
    auto e = expect_plugin_error([] { clean_parameters_schema(nested_properties(40), "p"); });
    EXPECT_EQ(e.message, "p: schema nested deeper than 32 levels (each $ref followed counts as a level)");
  });
}

TEST(Schema, NestingUpToTheDepthLimitIsCleaned) {
  test_support::run_on_worker_stack([] {
    // 31 nested objects and their string leaf: 32 levels.
    auto out = clean_parameters_schema(nested_properties(31), "p");
    ASSERT_TRUE(out);
    const Json* cur = &*out;
    int depth = 0;
    while (cur->contains("properties")) {
      cur = &(*cur)["properties"]["c"];
      ++depth;
    }
    EXPECT_EQ(depth, 31);
    EXPECT_EQ(dump(*cur), R"({"type":"string"})");
    // A chain of refs as long as the limit allows: the root, x, and 30 hops.
    EXPECT_EQ(params(dump(ref_chain(30))), R"({"type":"object","properties":{"x":{"type":"string"}}})");
    EXPECT_THROW(params(dump(ref_chain(31))), aicore::PluginError);
  });
}

// Deduplicating enum values and required names searched the values kept so far: a tool schema with
// 200,000 of each (a ~4 MB request) cost minutes of a worker's CPU. Linear now.
TEST(Schema, HugeEnumsAndRequiredListsAreCleanedInLinearTime) {
  Json values = Json::array(), names = Json::array(), props = Json::object();
  for (int i = 0; i < 200000; ++i) {
    values.push_back("v" + std::to_string(i % 150000));  // with duplicates
    names.push_back("p" + std::to_string(i));
  }
  for (int i = 0; i < 1000; ++i) props["p" + std::to_string(i)] = Json{{"type", "string"}};
  props["e"] = Json{{"enum", values}};
  const Json schema = {{"type", "object"}, {"properties", props}, {"required", names}};
  const auto t0 = std::chrono::steady_clock::now();
  auto out = clean_parameters_schema(schema, "p");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["properties"]["e"]["enum"].size(), 150000u);
  EXPECT_EQ((*out)["required"].size(), 1000u);  // only names of defined properties
  EXPECT_LT(s, 15.0);
}
