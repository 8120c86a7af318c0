// Reading a Gemini API GenerateContentRequest the way Google's proto-JSON parser does, for the
// near pass-through to Vertex (gemini_api_request.hpp): every field under either spelling
// (camelCase or snake_case), null meaning unset, and a field the message does not have being an
// error. Vertex answers 400 to the whole request for one unknown name, so the pass-through checks
// names itself and says which field is wrong, rather than sending the request to fail upstream.
#pragma once

#include "json_util.hpp"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::gemini {

// What a conversion changed on its way to Vertex, for one debug log line: each distinct note once,
// with how often it applied ("Part.partMetadata dropped (Gemini API only) x3").
class Notes {
 public:
  void add(const std::string& note);
  bool empty() const { return notes_.empty(); }
  std::string joined() const;  // "a; b x2"

 private:
  std::vector<std::pair<std::string, int>> notes_;
};

// "inline_data" -> "inlineData"; camelCase names stay as they are.
std::string camel_case(std::string_view key);

// Calls on(name, value, where) for each member of the object `obj`, in the client's order, with
// `name` in camelCase and `where` the member's path for messages ("<path>.<key as sent>"). Null
// members are skipped (proto JSON: unset). `on` returns false for a name the message does not
// have: if it is in `gemini_api_only` (fields the Gemini API knows and Vertex does not) the member
// is dropped and noted as "<type>.<name>", otherwise the request is refused. Throws
// aicore::invalid_request for a non-object, an unknown field, or one field under both spellings.
using FieldVisitor = std::function<bool(const std::string& name, const Json& value, const std::string& where)>;
void for_each_field(const Json& obj, const std::string& path, std::string_view type,
                    std::initializer_list<std::string_view> gemini_api_only, Notes& notes, const FieldVisitor& on);

// "<path>.<key>", or "<key>" at the root.
std::string member_path(const std::string& path, std::string_view key);

// Type checks that throw aicore::invalid_request("<where>: must be ...").
const Json& need_object(const Json& v, const std::string& where);
const std::string& need_string(const Json& v, const std::string& where);
bool need_bool(const Json& v, const std::string& where);
void need_number(const Json& v, const std::string& where);
// An integer (proto JSON also writes one as 5.0).
int64_t need_int(const Json& v, const std::string& where);
const Json& need_array(const Json& v, const std::string& where);
// An array of strings.
const Json& need_strings(const Json& v, const std::string& where);
// A repeated message field: on(item, "<where>[i]") for each element of an array, or once for a
// single object (proto JSON accepts one message for a list of one, and SAP's examples send that).
using ItemVisitor = std::function<void(const Json& item, const std::string& where)>;
void for_each_item(const Json& v, const std::string& where, const ItemVisitor& on);

}  // namespace aicore::gemini
