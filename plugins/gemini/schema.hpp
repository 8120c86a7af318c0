// JSON Schema (as OpenAI tools, Anthropic input_schema and response_format carry it) -> the
// OpenAPI-3.0 subset Vertex accepts in functionDeclarations[].parameters and
// generationConfig.responseSchema. Vertex answers 400 to the whole request for a single key it does
// not know, so real tool schemas (Claude Code's zod output with $schema and additionalProperties,
// LangChain/pydantic's $defs, anyOf-with-null and titles, MCP servers' formats) must be rewritten.
//
// Rules, applied at every level (docs/gemini.md has the table with examples):
//  - Only Vertex's Schema fields survive: type, format, title, description, nullable, enum,
//    properties, required, items, anyOf, minItems, maxItems, minLength, maxLength, minProperties,
//    maxProperties, minimum, maximum, pattern, default (non-null), example. Everything else
//    ($schema, $id, $comment, additionalProperties, patternProperties, unevaluatedProperties,
//    propertyNames, dependencies, if/then/else, not, contains, uniqueItems, multipleOf,
//    readOnly, writeOnly, deprecated, contentEncoding, ...) is dropped.
//  - $ref (#/$defs/X, #/definitions/X, any local JSON pointer, "#") is inlined, sibling keys
//    winning; a ref back into itself (a recursive type) becomes {"type":"object"} at the point of
//    recursion; $defs/definitions disappear. Non-local refs become an untyped schema.
//  - allOf is merged (properties and required united, other keys first-wins).
//  - oneOf is anyOf. {"type":"null"} branches become nullable:true; one remaining branch is hoisted
//    into its parent; branches that are only constraints (e.g. {"required":["a"]}) or accept
//    anything make the anyOf vanish; string-enum/const branches merge into one enum.
//  - type arrays: ["x","null"] -> type x + nullable; several types -> anyOf of one branch per type.
//  - const "x" -> enum ["x"] (type string). enum: null members -> nullable; string enums stay (type
//    string); an untyped enum of mixed values is stringified; an enum on a number/integer/boolean
//    is dropped and its values appended to the description (Vertex allows enum on STRING only).
//  - format survives only where Vertex allows it: string date-time/enum, number float/double,
//    integer int32/int64 (uri, email, uuid, date ... are dropped).
//  - exclusiveMinimum/exclusiveMaximum (numbers) become minimum/maximum; examples -> example.
//  - Missing types are inferred: properties -> object, items -> array, enum/format -> string.
//  - required keeps only names that exist in properties; an object with no properties loses
//    properties and required (Vertex: "should be non-empty for OBJECT type").
//  - An array always gets items; items without a type get type string (Vertex: "items: missing
//    field").
//  - Function parameters: the root must be an object; a root union of objects is merged into one
//    object (properties united, required intersected); a root without properties means the
//    declaration is sent without parameters.
#pragma once

#include "json_util.hpp"

#include <optional>
#include <string_view>

namespace aicore::gemini {

// Cleans tools[].function.parameters. nullopt: declare the function without parameters.
// Throws aicore::invalid_request("<where>: ...") for a schema that is not an object or explodes
// past the inlining limit. `where` prefixes messages, e.g. "tools[3].function.parameters".
std::optional<Json> clean_parameters_schema(const Json& schema, std::string_view where);

// Cleans response_format.json_schema.schema for generationConfig.responseSchema.
Json clean_response_schema(const Json& schema, std::string_view where);

}  // namespace aicore::gemini
