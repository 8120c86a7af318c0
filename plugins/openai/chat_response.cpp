#include "chat_response.hpp"

#include "azure_extras.hpp"
#include "fast_json.hpp"
#include "json_util.hpp"

#include <aicore/mapping/upstream.hpp>
#include <aicore/plugin.hpp>

namespace aicore::openai {
namespace {

// The same result as the DOM path below, by copying the kept members' bytes, for the bodies
// fast::canonical() accepts (Azure's are compact); nothing otherwise.
bool convert_fast(std::string_view body, std::string& out, Usage* usage) {
  const std::string_view t = fast::trim(body);
  std::vector<fast::Member> top, fields;
  std::vector<std::string_view> choices;
  if (!fast::canonical_object(t, top)) return false;
  out.reserve(t.size());
  out += '{';
  bool first = true;
  for (const fast::Member& m : top) {
    if (is_azure_top_level_key(m.key)) continue;
    if (!first) out += ',';
    first = false;
    if (usage && m.key == "usage") *usage = fast::usage(m.value);
    if (m.key != "choices" || m.value.front() != '[') {
      out += m.text;
      continue;
    }
    out.append(m.text.data(), m.value.data() - m.text.data());  // "choices":
    out += '[';
    fast::elements(m.value, choices);
    for (size_t i = 0; i < choices.size(); ++i) {
      if (i) out += ',';
      const std::string_view c = choices[i];
      if (c.front() != '{') {
        out += c;
        continue;
      }
      fast::members(c, fields);
      fast::append_object(out, fields, [](const fast::Member& f) { return !is_azure_choice_key(f.key); });
    }
    out += ']';
  }
  out += '}';
  return true;
}

}  // namespace

std::string convert_chat_response(std::string_view body, Usage* usage) {
  std::string out;
  if (convert_fast(body, out, usage)) return out;
  out.clear();
  Json j = parse_upstream_json(body, "chat completion");
  if (!j.is_object()) throw upstream_error("chat completion: not a JSON object");
  if (usage)
    if (auto u = j.find("usage"); u != j.end()) *usage = mapping::usage_from_openai(*u);
  strip_azure_top_level(j);
  if (auto c = j.find("choices"); c != j.end() && c->is_array())
    for (Json& choice : *c) strip_azure_choice(choice);
  return dump(j);
}

}  // namespace aicore::openai
