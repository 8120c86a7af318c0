#include "schema.hpp"

#include <aicore/plugin.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace aicore::gemini {
namespace {

// Inlining $ref can multiply a schema (a definition used in many places, each using others); past
// this many output nodes the tool is refused rather than sent as megabytes.
constexpr int kMaxNodes = 20000;

// The cleaner recurses once per nested schema (a property, items, a branch of anyOf/oneOf/allOf)
// and once per $ref it follows, on the worker's 256 KiB stack. A chain of 1,000 $refs through
// $defs used to overflow it (SIGSEGV, the whole proxy down); past this depth the tool is a 400.
// Real schemas nest a few levels (pydantic: two per nested model, a property and its $ref), and
// the cleaned output (at most two JSON levels per schema level) stays within the plugins' JSON
// nesting limit, so dumping and copying it stays shallow too.
constexpr int kMaxDepth = 32;

constexpr std::array<std::string_view, 6> kTypes = {"string", "number", "integer", "boolean", "array", "object"};

std::string lower(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return o;
}

bool is_known_type(const std::string& t) { return std::find(kTypes.begin(), kTypes.end(), t) != kTypes.end(); }

bool non_negative_integer(const Json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
}

// True when a cleaned schema says nothing about the value's shape (it accepts anything).
bool unconstrained(const Json& s) {
  return !s.contains("type") && !s.contains("anyOf") && !s.contains("enum") && !s.contains("properties") &&
         !s.contains("items");
}

bool is_null_branch(const Json& raw) {
  if (!raw.is_object()) return false;
  auto t = raw.find("type");
  if (t == raw.end()) return false;
  if (t->is_string()) return lower(t->get<std::string>()) == "null";
  if (t->is_array() && t->size() == 1 && (*t)[0].is_string()) return lower((*t)[0].get<std::string>()) == "null";
  return false;
}

// A string enum (or const) branch and nothing structural beside it: mergeable into one enum.
bool is_string_enum_branch(const Json& s) {
  if (!s.contains("enum") || string_or(s, "type") != "string") return false;
  for (auto it = s.begin(); it != s.end(); ++it)
    if (it.key() != "type" && it.key() != "enum" && it.key() != "description" && it.key() != "title") return false;
  return true;
}

std::string value_list(const Json& values) {
  std::string out;
  for (const Json& v : values) {
    if (!out.empty()) out += ", ";
    out += v.is_string() ? v.get<std::string>() : dump(v);
  }
  return out;
}

void append_description(Json& s, const std::string& note) {
  std::string d = string_or(s, "description");
  s["description"] = d.empty() ? note : d + " " + note;
}

// Sets of JSON values and of member names in linear time: a client may send a million enum values
// or required names, and a linear search per value made that minutes of CPU on a worker.
class Seen {
 public:
  Seen() = default;
  explicit Seen(const Json& values) {
    if (values.is_array())
      for (const Json& v : values) insert(v);
  }
  // True when `v` was not seen before.
  bool insert(const Json& v) { return set_.insert(v.is_string() ? "s" + v.get<std::string>() : "j" + dump(v)).second; }

 private:
  std::unordered_set<std::string> set_;
};

std::unordered_set<std::string> member_names(const Json& obj) {
  std::unordered_set<std::string> names;
  if (obj.is_object())
    for (auto it = obj.begin(); it != obj.end(); ++it) names.insert(it.key());
  return names;
}

// Appends a member the caller knows is new, without ordered_json's operator[], which searches the
// object linearly (quadratic over many properties).
void append_member(Json& obj, const std::string& key, Json value) {
  using Members = std::vector<std::pair<const std::string, Json>>;  // what ordered_map is built on
  static_cast<Members&>(obj.get_ref<Json::object_t&>()).emplace_back(key, std::move(value));
}

// Merges cleaned schema `from` into `into`: properties and required united, other keys first-wins.
void merge_into(Json& into, const Json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    const std::string& k = it.key();
    if (k == "properties" && it.value().is_object()) {
      Json& props = into["properties"];
      if (!props.is_object()) props = Json::object();
      std::unordered_set<std::string> names = member_names(props);
      for (auto p = it.value().begin(); p != it.value().end(); ++p)
        if (names.insert(p.key()).second) append_member(props, p.key(), p.value());
    } else if (k == "required" && it.value().is_array()) {
      Json& req = into["required"];
      if (!req.is_array()) req = Json::array();
      Seen seen(req);
      for (const Json& r : it.value())
        if (seen.insert(r)) req.push_back(r);
    } else if (!into.contains(k)) {
      into[k] = it.value();
    }
  }
}

// JSON pointer unescaping: ~1 is '/', ~0 is '~'.
std::string unescape_pointer_token(std::string_view t) {
  std::string o;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '~' && i + 1 < t.size() && (t[i + 1] == '0' || t[i + 1] == '1')) {
      o += t[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      o += t[i];
    }
  }
  return o;
}

class Cleaner {
 public:
  Cleaner(const Json& root, std::string_view where) : root_(root), where_(where) {}

  // nullopt: the schema is `false` (nothing validates): the property or item is dropped.
  std::optional<Json> clean(const Json& node) {
    std::optional<Json> out = clean_node(node);
    if (out) type_first(*out);
    return out;
  }

 private:
  // "type" first: easier to read in logs and fixtures.
  static void type_first(Json& s) {
    auto t = s.find("type");
    if (t == s.end() || s.begin().key() == "type") return;
    Json typed = {{"type", *t}};
    for (auto it = s.begin(); it != s.end(); ++it)
      if (it.key() != "type") typed[it.key()] = it.value();
    s = std::move(typed);
  }

  std::optional<Json> clean_node(const Json& node) {
    if (++nodes_ > kMaxNodes)
      throw invalid_request(std::string(where_) + ": schema too large after inlining $ref (more than " +
                            std::to_string(kMaxNodes) + " nodes)");
    if (depth_ >= kMaxDepth)
      throw invalid_request(std::string(where_) + ": schema nested deeper than " + std::to_string(kMaxDepth) +
                            " levels (each $ref followed counts as a level)");
    struct Level {
      int& depth;
      explicit Level(int& d) : depth(++d) {}
      ~Level() { --depth; }
    } level(depth_);
    if (node.is_boolean()) {
      if (!node.get<bool>()) return std::nullopt;
      return Json::object();
    }
    if (!node.is_object()) return Json::object();
    if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) return clean_ref(node, *ref);
    if (auto all = node.find("allOf"); all != node.end() && all->is_array()) return clean_all_of(node, *all);
    return clean_plain(node);
  }

  const Json* resolve(const std::string& ref) const {
    if (ref.empty() || ref[0] != '#') return nullptr;
    const Json* cur = &root_;
    std::string_view rest = std::string_view(ref).substr(1);
    while (!rest.empty()) {
      if (rest[0] != '/') return nullptr;
      rest.remove_prefix(1);
      size_t slash = rest.find('/');
      std::string token = unescape_pointer_token(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
      if (cur->is_object()) {
        auto it = cur->find(token);
        if (it == cur->end()) return nullptr;
        cur = &*it;
      } else if (cur->is_array()) {
        // from_chars, not stoul: "#/allOf/99999999999999999999" must dangle, not throw out_of_range
        // (which the thunk would turn into a 500).
        size_t i = 0;
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
        if (token.empty() || ec != std::errc() || end != token.data() + token.size() || i >= cur->size())
          return nullptr;
        cur = &(*cur)[i];
      } else {
        return nullptr;
      }
    }
    return cur;
  }

  std::optional<Json> clean_ref(const Json& node, const Json& ref_value) {
    const std::string ref = ref_value.get<std::string>();
    Json siblings = node;
    siblings.erase("$ref");
    const Json* target = resolve(ref);
    if (!target) return clean_plain(siblings);  // a remote or dangling ref: what the siblings say
    if (std::find(stack_.begin(), stack_.end(), ref) != stack_.end()) {
      // A recursive type: stop here with an open object rather than inlining forever.
      Json out = {{"type", "object"}};
      const Json& described = siblings.contains("description") ? siblings : *target;
      if (described.is_object())
        if (auto d = described.find("description"); d != described.end() && d->is_string()) out["description"] = *d;
      return out;
    }
    // Sibling keys (description, title, default ...) override the referenced schema's.
    Json merged = target->is_object() ? *target : (target->is_boolean() ? Json(*target) : Json::object());
    if (merged.is_boolean()) {
      if (!merged.get<bool>()) return std::nullopt;
      merged = Json::object();
    }
    for (auto it = siblings.begin(); it != siblings.end(); ++it) merged[it.key()] = it.value();
    stack_.push_back(ref);
    std::optional<Json> out = clean(merged);
    stack_.pop_back();
    return out;
  }

  std::optional<Json> clean_all_of(const Json& node, const Json& branches) {
    Json rest = node;
    rest.erase("allOf");
    std::optional<Json> base = clean(rest);
    if (!base) return std::nullopt;
    for (const Json& b : branches) {
      std::optional<Json> cb = clean(b);
      if (!cb) return std::nullopt;
      merge_into(*base, *cb);
    }
    finish_object(*base);
    return base;
  }

  // The union keywords: anyOf and oneOf (Vertex's anyOf is the closest; exclusivity is lost).
  std::optional<Json> clean_union(const Json& node) {
    std::vector<const Json*> raw;
    for (const char* k : {"anyOf", "oneOf"})
      if (auto it = node.find(k); it != node.end() && it->is_array())
        for (const Json& b : *it) raw.push_back(&b);
    Json rest = node;
    rest.erase("anyOf");
    rest.erase("oneOf");

    bool nullable = false;
    bool accepts_anything = false;
    std::vector<Json> branches;
    for (const Json* b : raw) {
      if (is_null_branch(*b)) {
        nullable = true;
        continue;
      }
      std::optional<Json> cb = clean(*b);
      if (!cb) continue;
      if (bool_or(*cb, "nullable", false)) {
        nullable = true;
        cb->erase("nullable");
      }
      if (unconstrained(*cb)) {
        accepts_anything = true;
        continue;
      }
      branches.push_back(std::move(*cb));
    }

    std::optional<Json> base = clean_plain(rest);
    if (!base) return std::nullopt;
    if (nullable) (*base)["nullable"] = true;
    if (accepts_anything || branches.empty()) return base;

    if (branches.size() == 1) {
      // Hoist the only branch: the parent's own keys (its description above all) win.
      Json merged = *base;
      merge_into(merged, branches[0]);
      finish_object(merged);
      return merged;
    }

    if (std::all_of(branches.begin(), branches.end(), is_string_enum_branch) &&
        string_or(*base, "type", "string") == "string") {
      Json values = Json::array();
      Seen seen;
      for (const Json& b : branches)
        for (const Json& v : b["enum"])
          if (seen.insert(v)) values.push_back(v);
      Json merged = *base;
      merged["type"] = "string";
      merged["enum"] = std::move(values);
      return merged;
    }

    // A real union. Structure the parent declared itself (e.g. an object's common properties)
    // applies to every branch: anyOf(P & B1, P & B2).
    Json parent_shape = Json::object();
    Json out = Json::object();
    for (auto it = base->begin(); it != base->end(); ++it) {
      const std::string& k = it.key();
      if (k == "description" || k == "title" || k == "nullable" || k == "default" || k == "example")
        out[k] = it.value();
      else
        parent_shape[k] = it.value();
    }
    Json any = Json::array();
    for (Json& b : branches) {
      if (!parent_shape.empty()) {
        // Branch keys win over the parent's, except properties/required, which unite.
        Json combined = b;
        merge_into(combined, parent_shape);
        finish_object(combined);
        any.push_back(std::move(combined));
      } else {
        any.push_back(std::move(b));
      }
    }
    out["anyOf"] = std::move(any);
    return out;
  }

  // Several types at once: ["string","null"] is nullable string, ["string","integer"] a union.
  std::optional<Json> clean_type_array(const Json& node, const Json& types) {
    std::vector<std::string> names;
    bool nullable = false;
    for (const Json& t : types) {
      if (!t.is_string()) continue;
      std::string n = lower(t.get<std::string>());
      if (n == "null")
        nullable = true;
      else if (is_known_type(n) && std::find(names.begin(), names.end(), n) == names.end())
        names.push_back(n);
    }
    Json rest = node;
    if (names.size() == 1) {
      rest["type"] = names[0];
      std::optional<Json> out = clean(rest);
      if (out && nullable) (*out)["nullable"] = true;
      return out;
    }
    rest.erase("type");
    if (names.empty()) {
      std::optional<Json> out = clean(rest);
      if (out && nullable) (*out)["nullable"] = true;
      return out;
    }
    // One branch per type, each carrying the keywords that apply to it.
    Json any = Json::array();
    for (const std::string& n : names) {
      Json b = rest;
      b["type"] = n;
      b.erase("description");
      b.erase("title");
      any.push_back(std::move(b));
    }
    Json u = Json::object();
    for (const char* k : {"description", "title"})
      if (auto it = rest.find(k); it != rest.end()) u[k] = *it;
    if (nullable) any.push_back(Json{{"type", "null"}});
    u["anyOf"] = std::move(any);
    return clean(u);
  }

  std::optional<Json> clean_plain(const Json& node) {
    if (node.contains("anyOf") || node.contains("oneOf")) return clean_union(node);
    if (auto t = node.find("type"); t != node.end() && t->is_array()) return clean_type_array(node, *t);

    Json out = Json::object();
    bool nullable = false;
    std::string type;
    if (auto t = node.find("type"); t != node.end() && t->is_string()) {
      type = lower(t->get<std::string>());
      if (type == "null") {
        nullable = true;
        type.clear();
      } else if (!is_known_type(type)) {
        type.clear();
      }
    }

    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string& k = it.key();
      const Json& v = it.value();
      if (k == "description" || k == "title" || k == "pattern") {
        if (v.is_string()) out[k] = v;
      } else if (k == "nullable") {
        if (v.is_boolean() && v.get<bool>()) nullable = true;
      } else if (k == "default") {
        if (!v.is_null()) out[k] = v;
      } else if (k == "example") {
        out[k] = v;
      } else if (k == "examples") {
        if (v.is_array() && !v.empty() && !node.contains("example")) out["example"] = v[0];
      } else if (k == "minItems" || k == "maxItems" || k == "minLength" || k == "maxLength" || k == "minProperties" ||
                 k == "maxProperties") {
        if (non_negative_integer(v)) out[k] = v;
      } else if (k == "minimum" || k == "maximum") {
        if (v.is_number()) out[k] = v;
      } else if (k == "exclusiveMinimum" || k == "exclusiveMaximum") {
        // Draft 6+ spells the bound here; Vertex has only inclusive bounds (draft-4 booleans drop).
        const std::string inclusive = k == "exclusiveMinimum" ? "minimum" : "maximum";
        if (v.is_number() && !node.contains(inclusive)) out[inclusive] = v;
      } else if (k == "properties") {
        if (!v.is_object()) continue;
        Json props = Json::object();
        for (auto p = v.begin(); p != v.end(); ++p)  // the keys of one object: each is new
          if (std::optional<Json> cp = clean(p.value())) append_member(props, p.key(), std::move(*cp));
        out["properties"] = std::move(props);
      } else if (k == "items" || (k == "prefixItems" && !node.contains("items"))) {
        if (v.is_array()) {
          if (v.size() == 1) {
            if (auto ci = clean(v[0])) out["items"] = std::move(*ci);
          } else if (!v.empty()) {
            Json u = {{"anyOf", v}};
            if (auto ci = clean(u)) out["items"] = std::move(*ci);
          }
        } else if (auto ci = clean(v)) {
          out["items"] = std::move(*ci);
        }
      }
      // type, format, enum, const and required are handled below, once the type is known;
      // anything else is a keyword Vertex does not know.
    }

    // Infer a missing type from the keywords present.
    if (type.empty()) {
      if (out.contains("properties"))
        type = "object";
      else if (out.contains("items"))
        type = "array";
    }

    // const and enum.
    Json values = Json::array();
    bool has_values = false;
    if (auto c = node.find("const"); c != node.end()) {
      values.push_back(*c);
      has_values = true;
    } else if (auto e = node.find("enum"); e != node.end() && e->is_array()) {
      values = *e;
      has_values = true;
    }
    if (has_values) {
      Json kept = Json::array();
      Seen seen;
      for (const Json& v : values) {
        if (v.is_null())
          nullable = true;
        else if (seen.insert(v))
          kept.push_back(v);
      }
      if (kept.empty()) {
        // only null was allowed
      } else if (type.empty() || type == "string") {
        Json strings = Json::array();
        for (const Json& v : kept) strings.push_back(v.is_string() ? v.get<std::string>() : dump(v));
        type = "string";
        out["enum"] = std::move(strings);
      } else {
        // Vertex: "enum: only allowed for STRING type". Keep the declared type, tell the model.
        append_description(out, "(one of: " + value_list(kept) + ")");
      }
    }

    // format, where Vertex accepts it.
    if (auto f = node.find("format"); f != node.end() && f->is_string()) {
      const std::string fmt = f->get<std::string>();
      if (type.empty() && fmt == "date-time") type = "string";
      const bool ok = (type == "string" && (fmt == "date-time" || fmt == "enum")) ||
                      (type == "number" && (fmt == "float" || fmt == "double")) ||
                      (type == "integer" && (fmt == "int32" || fmt == "int64"));
      if (ok) out["format"] = fmt;
    }

    if (!type.empty()) {
      out["type"] = type;
      // Vertex: "properties: only allowed for OBJECT type", and likewise for the other keywords.
      if (type != "object")
        for (const char* k : {"properties", "minProperties", "maxProperties"}) out.erase(k);
      if (type != "array")
        for (const char* k : {"items", "minItems", "maxItems"}) out.erase(k);
      if (type != "string")
        for (const char* k : {"minLength", "maxLength", "pattern"}) out.erase(k);
      if (type != "number" && type != "integer")
        for (const char* k : {"minimum", "maximum"}) out.erase(k);
    }
    if (nullable) out["nullable"] = true;

    if (auto r = node.find("required"); r != node.end() && r->is_array()) out["required"] = *r;
    finish_object(out);
    if (type == "array") finish_array(out);
    return out;
  }

  // required only names defined properties; empty properties go (Vertex rejects them).
  static void finish_object(Json& s) {
    auto props = s.find("properties");
    const bool has_props = props != s.end() && props->is_object() && !props->empty();
    if (props != s.end() && !has_props) s.erase("properties");
    auto req = s.find("required");
    if (req == s.end()) return;
    Json kept = Json::array();
    if (has_props && req->is_array()) {
      const std::unordered_set<std::string> names = member_names(s["properties"]);
      Seen seen;
      for (const Json& r : *req)
        if (r.is_string() && names.count(r.get<std::string>()) && seen.insert(r)) kept.push_back(r);
    }
    if (kept.empty())
      s.erase("required");
    else
      s["required"] = std::move(kept);
  }

  // Vertex: "items: missing field" for an array without a typed items schema.
  static void finish_array(Json& s) {
    Json& items = s["items"];
    if (!items.is_object()) items = Json::object();
    if (unconstrained(items)) {
      Json typed = {{"type", "string"}};
      for (auto it = items.begin(); it != items.end(); ++it) typed[it.key()] = it.value();
      items = std::move(typed);
    }
  }

  const Json& root_;
  std::string_view where_;
  std::vector<std::string> stack_;
  int nodes_ = 0;
  int depth_ = 0;  // clean_node calls on the stack
};

// A union of objects at the root of a function's parameters: one object whose properties are all
// the branches' and whose required are those every branch requires.
Json merge_root_union(const Json& s) {
  Json out = Json::object();
  out["type"] = "object";
  if (auto d = s.find("description"); d != s.end()) out["description"] = *d;
  Json props = Json::object();
  std::unordered_set<std::string> names;
  std::optional<std::vector<std::string>> common;
  for (const Json& b : s["anyOf"]) {
    if (!b.is_object()) continue;
    if (auto p = b.find("properties"); p != b.end() && p->is_object())
      for (auto it = p->begin(); it != p->end(); ++it)
        if (names.insert(it.key()).second) append_member(props, it.key(), it.value());
    std::unordered_set<std::string> req;
    if (auto r = b.find("required"); r != b.end() && r->is_array())
      for (const Json& n : *r)
        if (n.is_string()) req.insert(n.get<std::string>());
    if (!common) {
      common.emplace();
      if (auto r = b.find("required"); r != b.end() && r->is_array())
        for (const Json& n : *r)
          if (n.is_string()) common->push_back(n.get<std::string>());
    } else {
      std::erase_if(*common, [&](const std::string& n) { return req.count(n) == 0; });
    }
  }
  if (!props.empty()) out["properties"] = std::move(props);
  if (common && !common->empty() && out.contains("properties")) out["required"] = *common;
  return out;
}

}  // namespace

std::optional<Json> clean_parameters_schema(const Json& schema, std::string_view where) {
  if (schema.is_null()) return std::nullopt;
  if (!schema.is_object()) throw invalid_request(std::string(where) + ": must be a JSON Schema object");
  Cleaner c(schema, where);
  std::optional<Json> out = c.clean(schema);
  if (!out) return std::nullopt;
  if (out->contains("anyOf")) *out = merge_root_union(*out);
  if (!out->contains("properties")) return std::nullopt;
  // Vertex: "functionDeclaration parameters schema should be of type OBJECT".
  out->erase("nullable");
  Json typed = {{"type", "object"}};
  for (auto it = out->begin(); it != out->end(); ++it)
    if (it.key() != "type") typed[it.key()] = it.value();
  return typed;
}

Json clean_response_schema(const Json& schema, std::string_view where) {
  if (!schema.is_object()) throw invalid_request(std::string(where) + ": must be a JSON Schema object");
  Cleaner c(schema, where);
  std::optional<Json> out = c.clean(schema);
  if (!out || out->empty()) return Json{{"type", "object"}};
  return *out;
}

}  // namespace aicore::gemini
