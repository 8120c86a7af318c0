// A fast path for Azure's answers: most of them need only a few keys removed, and re-parsing them
// into a DOM only to serialise them again cost ~40 % of a pass-through request (callgrind, bench/).
//
// `canonical()` accepts a JSON text only when dump(parse(text)) would give back exactly the same
// bytes: compact (no whitespace), no duplicate keys, only the escapes nlohmann's dump writes
// itself, well-formed UTF-8, integers that stay integers, floats written the way dump writes
// them, nested at most kMaxJsonDepth. For such a text, copying the spans of the members we keep
// yields byte for byte what the DOM path yields. Anything else (a bad body included) returns false
// and the caller takes the DOM path, which also produces the exact same errors as before.
#pragma once

#include <aicore/json_scan.hpp>
#include <aicore/usage.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace aicore::openai::fast {

// One member of a canonical object: the raw key (between the quotes, escapes as written), the
// value's text and the whole `"key":value` text.
using Member = json_scan::Member;

// True when `text` is canonical (see above). Leading/trailing whitespace is not allowed: trim first.
bool canonical(std::string_view text);

// canonical() for an object, and its members in order (what members() would give) in the same pass.
bool canonical_object(std::string_view text, std::vector<Member>& top);

// `text` without leading and trailing JSON whitespace.
std::string_view trim(std::string_view text);

// The members of a canonical object, or the elements of a canonical array, in order. The input
// must have passed canonical() (alone or as part of a larger text).
void members(std::string_view object, std::vector<Member>& out);
void elements(std::string_view array, std::vector<std::string_view>& out);

// The token counts of a canonical OpenAI `usage` value, read from its text: what
// mapping::usage_from_openai reads from its parse, without building the DOM (that parse was 12 % of
// a pass-through request's instructions, callgrind).
Usage usage(std::string_view value);

// Appends `{`, the text of each member keep(member) accepts (comma-separated, in order) and `}`.
template <class Keep>
void append_object(std::string& out, const std::vector<Member>& members, Keep&& keep) {
  out += '{';
  bool first = true;
  for (const Member& m : members) {
    if (!keep(m)) continue;
    if (!first) out += ',';
    first = false;
    out += m.text;
  }
  out += '}';
}

}  // namespace aicore::openai::fast
