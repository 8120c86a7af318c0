// Hostile JSON for every provider plugin's robustness test: what a hostile or broken client (or
// upstream) sends — nesting far past and just at the limit, in the places converters copy and
// serialise; JSON nested deep inside strings (tool-call arguments, tool results); numbers beyond
// every integer type and beyond a double; wrong types everywhere; $ref cycles, chains, explosions
// and dangling or absurd pointers; enormous strings, keys and arrays.
//
// Each case runs through the plugin's C ABI table (tests/support/provider_driver.hpp: the thunks
// turn any escaping exception into ACP_ERR_INTERNAL, as the host sees it) on a thread with the
// workers' 256 KiB stack (tests/support/worker_stack.hpp), so a recursion that would kill a worker
// kills the test. The outcome must be a clear error (the client's fault: ACP_ERR_INVALID_REQUEST
// or ACP_ERR_UNSUPPORTED with a message; an upstream's: anything but ACP_ERR_INTERNAL) or a
// well-formed result — never a crash, never a 500.
#pragma once

#include <aicore/mapping/json_io.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "provider_driver.hpp"
#include "worker_stack.hpp"

namespace plugin_test::hostile {

using aicore::mapping::kMaxJsonDepth;

// [[[…1…]]] with `depth` brackets.
inline std::string nested_arrays(int depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

// {"a":{"a":…1…}} with `depth` objects.
inline std::string nested_objects(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += R"({"a":)";
  s += "1";
  s.append(depth, '}');
  return s;
}

// A JSON string literal holding `text` (quotes and backslashes escaped; the texts here have no
// control characters).
inline std::string json_string(std::string_view text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s + "\"";
}

// JSON Schemas a client may put in a tool: what the gemini plugin's cleaner reads, and what the
// other plugins pass on (they must at least not choke on it).
inline std::vector<std::pair<std::string, std::string>> schemas() {
  auto chain = [](int n) {
    std::string defs;
    for (int i = 0; i + 1 < n; ++i)
      defs += "\"d" + std::to_string(i) + "\":{\"$ref\":\"#/$defs/d" + std::to_string(i + 1) + "\"},";
    defs += "\"d" + std::to_string(n - 1) + "\":{\"type\":\"string\"}";
    return R"({"type":"object","properties":{"x":{"$ref":"#/$defs/d0"}},"$defs":{)" + defs + "}}";
  };
  auto explosion = [] {
    std::string defs;
    for (int i = 0; i < 40; ++i) {
      const std::string next = "#/$defs/e" + std::to_string(i + 1);
      defs += "\"e" + std::to_string(i) + R"(":{"type":"object","properties":{"l":{"$ref":")" + next +
              R"("},"r":{"$ref":")" + next + R"("}}},)";
    }
    defs += R"("e40":{"type":"string"})";
    return R"({"type":"object","properties":{"x":{"$ref":"#/$defs/e0"}},"$defs":{)" + defs + "}}";
  };
  auto nested_props = [](int n) {
    std::string s = R"({"type":"string"})";
    for (int i = 0; i < n; ++i) s = R"({"type":"object","properties":{"c":)" + s + "}}";
    return s;
  };
  auto nested_any_of = [](int n) {
    std::string s = R"({"type":"string"})";
    for (int i = 0; i < n; ++i) s = R"({"anyOf":[{"type":"null"},)" + s + R"(,{"type":"integer"}]})";
    return s;
  };
  auto nested_all_of = [](int n) {
    std::string s = R"({"type":"object","properties":{"z":{"type":"string"}}})";
    for (int i = 0; i < n; ++i) s = R"({"allOf":[)" + s + "]}";
    return s;
  };
  return {
      {"a chain of 1,000 $refs", chain(1000)},
      {"a $ref to itself (#)", R"({"type":"object","properties":{"self":{"$ref":"#"},"x":{"type":"string"}}})"},
      {"two $defs referring to each other",
       R"({"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"object","properties":{"b":{"$ref":"#/$defs/B"}}},"B":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}}}}})"},
      {"a $ref that is only a $ref to itself", R"({"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"$ref":"#/$defs/A"}}})"},
      {"a $ref to a missing definition", R"({"type":"object","properties":{"a":{"$ref":"#/$defs/nope","description":"d"}}})"},
      {"a remote $ref", R"({"type":"object","properties":{"a":{"$ref":"https://example.com/s.json#/x"}}})"},
      {"a $ref with an absurd array index", R"({"type":"object","properties":{"a":{"$ref":"#/allOf/99999999999999999999999999"}},"allOf":[{}]})"},
      {"a $ref with a bad escape", R"({"type":"object","properties":{"a":{"$ref":"#/$defs/~2x/~"}},"$defs":{}})"},
      {"a $ref that is not a string", R"({"type":"object","properties":{"a":{"$ref":{"$ref":"#"}}}})"},
      {"$refs doubling at each of 40 levels", explosion()},
      {"40 nested object properties", nested_props(40)},
      {"30 nested anyOfs", nested_any_of(30)},
      {"30 nested allOfs", nested_all_of(30)},
      {"keywords of the wrong types",
       R"({"type":7,"properties":[1],"required":{"a":1},"items":"x","anyOf":{},"allOf":"y","enum":5,"const":[[]],"format":[],"minimum":"0","maxItems":-5,"nullable":"yes","$defs":3})"},
      {"type as an array of junk", R"({"type":[1,null,"object",{"x":1},"OBJECT","null"],"properties":{"a":true,"b":false}})"},
      {"numbers beyond every integer", R"({"type":"object","properties":{"a":{"type":"integer","minimum":-1e308,"maximum":1e308,"maxLength":18446744073709551616,"minItems":99999999999999999999}}})"},
      {"an enum of 20,000 values", [] {
         std::string e;
         for (int i = 0; i < 20000; ++i) e += (i ? "," : "") + std::to_string(i);
         return R"({"type":"object","properties":{"a":{"enum":[)" + e + "]}}}";
       }()},
  };
}

// A JSON document for every hostile shape, for the upstream side and for odd places of a body.
inline std::vector<std::pair<std::string, std::string>> values() {
  return {
      {"arrays nested 100,000 deep", nested_arrays(100000)},
      {"objects nested one past the limit", nested_objects(kMaxJsonDepth + 1)},
      {"a number beyond a double", "1e999"},
      {"numbers beyond every integer", R"([1e308,-1e308,18446744073709551616,-9223372036854775809,4.9e-324])"},
      {"a 2 MiB string", json_string(std::string(2 << 20, 'x'))},
      {"a 1 MiB key", "{" + json_string(std::string(1 << 20, 'k')) + ":1}"},
      {"100,000 empty objects", "[" + [] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += i ? ",{}" : "{}";
         return s;
       }() + "]"},
      {"escapes and odd unicode", R"("\u0000\ud83d\ude00\u00ff\\\"\/\b\f\n\r\t")"},
  };
}

// What a request conversion yielded: the plugin's verdict as the host sees it.
struct Outcome {
  acp_status status = ACP_OK;
  std::string message;
  std::string body;  // upstream body or local answer
};

// Converts `body` for `dialect` on the workers' stack and checks the outcome of a client's input:
// OK with a JSON object (or a local JSON answer), or a client error with a message.
template <class P>
Outcome expect_client_verdict(const test_support::Adapter<P>& adapter, std::string_view dialect, std::string_view model,
                              const std::string& body, const std::string& what) {
  Outcome o;
  const auto t0 = std::chrono::steady_clock::now();
  test_support::run_on_worker_stack([&] {
    test_support::Request out;
    test_support::Error err;
    o.status = adapter.convert_request(dialect, model, model, body, false, out, err);
    o.message = err.message;
    o.body = out.respond_status ? out.respond_body : out.body;
  });
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  SCOPED_TRACE(std::string(dialect) + " " + std::string(model) + ": " + what);
  EXPECT_LT(ms, 10000) << "took " << ms << " ms";
  if (o.status == ACP_OK) {
    const auto j = aicore::mapping::Json::parse(o.body, nullptr, false);
    EXPECT_TRUE(j.is_object()) << o.body.substr(0, 300);
  } else {
    EXPECT_TRUE(o.status == ACP_ERR_INVALID_REQUEST || o.status == ACP_ERR_UNSUPPORTED)
        << "status " << o.status << ": " << o.message;
    EXPECT_FALSE(o.message.empty());
  }
  return o;
}

// The same for an upstream's body: anything but ACP_ERR_INTERNAL, and valid JSON when accepted.
template <class P>
void expect_upstream_verdict(const test_support::Adapter<P>& adapter, std::string_view dialect, std::string_view model,
                             std::string_view context, const std::string& body, const std::string& what) {
  acp_status st = ACP_OK;
  std::string message, out_body;
  test_support::run_on_worker_stack([&] {
    test_support::Collect out;
    test_support::Error err;
    st = adapter.convert_response(dialect, model, context, 200, body, out, err);
    message = err.message;
    out_body = out.joined();
    test_support::Collect m;
    adapter.classify(dialect, model, 400, body, m);
    adapter.classify(dialect, model, 500, body, m);
  });
  SCOPED_TRACE(std::string(dialect) + " response: " + what);
  if (st == ACP_OK) {
    EXPECT_TRUE(aicore::mapping::Json::accept(out_body)) << out_body.substr(0, 300);
  } else {
    EXPECT_NE(st, ACP_ERR_INTERNAL) << message;
    EXPECT_FALSE(message.empty());
  }
}

// The same for streamed upstream bytes: every event complete, and never ACP_ERR_INTERNAL.
template <class P>
void expect_stream_verdict(const test_support::Adapter<P>& adapter, std::string_view dialect, std::string_view model,
                           std::string_view context, const std::string& bytes, const std::string& what) {
  typename test_support::Adapter<P>::StreamResult r;
  test_support::run_on_worker_stack([&] { r = adapter.stream(dialect, model, context, {bytes}); });
  SCOPED_TRACE(std::string(dialect) + " stream: " + what);
  EXPECT_NE(r.status, ACP_ERR_INTERNAL) << r.message;
  for (const auto& e : r.events) EXPECT_TRUE(e.size() >= 2 && e.ends_with("\n\n")) << e.substr(0, 200);
}

// `tmpl` with its one '@' replaced by `value`.
inline std::string fill(std::string_view tmpl, std::string_view value) {
  const size_t at = tmpl.find('@');
  return std::string(tmpl.substr(0, at)) + std::string(value) + std::string(tmpl.substr(at + 1));
}

// How many brackets are open where `tmpl` has its '@' (strings skipped).
inline int slot_depth(std::string_view tmpl) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < tmpl.size() && (in_string || tmpl[i] != '@'); ++i) {
    const char c = tmpl[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return depth;
}

// Client bodies of the OpenAI chat dialect: a slot '@' in each place converters copy, serialise or
// parse further. `M` is replaced by the model.
inline std::vector<std::string> openai_chat_templates() {
  return {
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"metadata":@})",
      R"({"model":"M","messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":@}]}]})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":@}}]},{"role":"tool","tool_call_id":"c1","content":"ok"}]})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":@}]})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":@}}}}]})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":@}}]})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":@}}})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"tool_choice":@})",
      R"({"model":"M","messages":@})",
      R"({"model":"M","messages":[@]})",
      R"({"model":"M","messages":[{"role":"user","content":@}]})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"max_tokens":@,"temperature":1})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"temperature":@})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"n":@})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"stop":@})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"stream_options":@})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"reasoning_effort":@})",
      R"({"model":"M","messages":[{"role":"user","content":"hi"}],"tools":@})",
  };
}

// The same for the Anthropic Messages dialect.
inline std::vector<std::string> anthropic_messages_templates() {
  return {
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"metadata":@})",
      R"({"model":"M","max_tokens":10,"system":[{"type":"text","text":"s","cache_control":@}],"messages":[{"role":"user","content":"hi"}]})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":@}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":@}]}]})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object","properties":{"a":@}}}]})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":@}]})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"thinking":@})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tool_choice":@})",
      R"({"model":"M","max_tokens":10,"messages":@})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":@}]})",
      R"({"model":"M","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":@}]}]})",
      R"({"model":"M","max_tokens":@,"messages":[{"role":"user","content":"hi"}]})",
      R"({"model":"M","max_tokens":10,"stop_sequences":@,"messages":[{"role":"user","content":"hi"}]})",
      R"({"model":"M","max_tokens":10,"system":@,"messages":[{"role":"user","content":"hi"}]})",
  };
}

// Every template with `model`, each filled with: nesting exactly at the limit and one past it,
// every hostile value, JSON nested deep inside a string, and (in schema slots) every hostile
// schema. Returns (what, body).
inline std::vector<std::pair<std::string, std::string>> client_bodies(const std::vector<std::string>& templates,
                                                                      std::string_view model) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string t : templates) {
    t.replace(t.find("\"M\""), 3, "\"" + std::string(model) + "\"");
    const int room = kMaxJsonDepth - slot_depth(t);
    out.push_back({"nesting at the limit in " + t, fill(t, nested_objects(room))});
    out.push_back({"nesting one past the limit in " + t, fill(t, nested_objects(room + 1))});
    for (const auto& [what, v] : values()) out.push_back({what + " in " + t, fill(t, v)});
    out.push_back({"JSON nested 100,000 deep in a string in " + t, fill(t, json_string(nested_objects(100000)))});
    out.push_back({"JSON nested to the limit in a string in " + t, fill(t, json_string(nested_objects(kMaxJsonDepth)))});
    if (t.find("schema\":@") != std::string::npos || t.find("parameters\":@") != std::string::npos)
      for (const auto& [what, s] : schemas()) out.push_back({what + " in " + t, fill(t, s)});
  }
  return out;
}

// A request of each chat dialect using most of what the converters read.
inline std::string rich_openai_chat(std::string_view model) {
  return R"({"model":")" + std::string(model) + R"(","messages":[{"role":"system","content":"s"},)"
         R"({"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},)"
         R"({"role":"assistant","content":"ok","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},)"
         R"({"role":"tool","tool_call_id":"call_1","content":"{\"r\":2}"}],)"
         R"("tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"integer","enum":[1,2]},"b":{"anyOf":[{"type":"string"},{"type":"null"}]}},"required":["a"]}}}],)"
         R"("tool_choice":{"type":"function","function":{"name":"f"}},"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object","properties":{"x":{"type":"string"}}}}},)"
         R"("max_tokens":100,"temperature":0.5,"top_p":0.9,"n":1,"stop":["\n\n"],"seed":7,"stream_options":{"include_usage":true},"reasoning_effort":"low","user":"u","metadata":{"k":"v"}})";
}
inline std::string rich_anthropic_messages(std::string_view model) {
  return R"({"model":")" + std::string(model) + R"(","max_tokens":100,"system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],)"
         R"("messages":[{"role":"user","content":[{"type":"text","text":"look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},)"
         R"({"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"c2ln"},{"type":"text","text":"ok"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},)"
         R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"{\"r\":2}"}],"is_error":false}]}],)"
         R"("tools":[{"name":"f","description":"d","input_schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}],)"
         R"("tool_choice":{"type":"tool","name":"f"},"thinking":{"type":"enabled","budget_tokens":1024},"temperature":1,"top_k":5,"stop_sequences":["x"],"metadata":{"user_id":"u"}})";
}

// `body` with each of its values (every node but the root) replaced in turn by a value of another
// type: a number, a negative and a huge one, strings, an array, an object, null, a boolean.
inline std::vector<std::pair<std::string, std::string>> wrong_types(const std::string& body) {
  using Json = aicore::mapping::Json;
  const Json doc = Json::parse(body);
  std::vector<Json::json_pointer> paths;
  std::vector<std::pair<Json::json_pointer, const Json*>> todo{{Json::json_pointer(), &doc}};
  while (!todo.empty()) {
    auto [p, v] = todo.back();
    todo.pop_back();
    if (!p.empty()) paths.push_back(p);
    if (v->is_object())
      for (auto it = v->begin(); it != v->end(); ++it) todo.push_back({p / it.key(), &it.value()});
    else if (v->is_array())
      for (size_t i = 0; i < v->size(); ++i) todo.push_back({p / i, &(*v)[i]});
  }
  const Json replacements[] = {Json(5), Json(-1), Json(1e300), Json("x"), Json(""), Json::array(),
                               Json::array({1, "x"}), Json::object(), Json{{"a", 1}}, Json(nullptr), Json(true)};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : paths)
    for (const Json& r : replacements) {
      if (doc.at(p).type() == r.type() && doc.at(p) == r) continue;
      Json m = doc;
      m.at(p) = r;
      out.push_back({p.to_string() + " = " + r.dump(), m.dump()});
    }
  return out;
}

// Runs every client body of both chat dialects through `adapter`; a body nested one past the limit
// must be refused naming the nesting.
template <class P>
void expect_hostile_chat_bodies_refused_cleanly(const test_support::Adapter<P>& adapter, std::string_view model) {
  const std::pair<std::string_view, std::vector<std::string>> dialects[] = {
      {ACP_DIALECT_OPENAI_CHAT, openai_chat_templates()},
      {ACP_DIALECT_ANTHROPIC_MESSAGES, anthropic_messages_templates()},
      {ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, anthropic_messages_templates()},
  };
  for (const auto& [what, body] : wrong_types(rich_openai_chat(model)))
    expect_client_verdict(adapter, ACP_DIALECT_OPENAI_CHAT, model, body, "wrong type: " + what);
  for (const auto& [what, body] : wrong_types(rich_anthropic_messages(model))) {
    expect_client_verdict(adapter, ACP_DIALECT_ANTHROPIC_MESSAGES, model, body, "wrong type: " + what);
    expect_client_verdict(adapter, ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, model, body, "wrong type: " + what);
  }
  for (const auto& [dialect, templates] : dialects)
    for (const auto& [what, body] : client_bodies(templates, model)) {
      Outcome o = expect_client_verdict(adapter, dialect, model, body, what);
      if (what.starts_with("nesting one past the limit") || what.starts_with("arrays nested 100,000") ||
          what.starts_with("objects nested one past")) {
        EXPECT_NE(o.status, ACP_OK) << dialect << ": " << what;
        EXPECT_NE(o.message.find("nested deeper than"), std::string::npos) << dialect << ": " << what << ": " << o.message;
      }
    }
}

// Upstream bodies: every template (a slot '@' where the upstream's answer has nested or numeric
// fields) filled as client_bodies does, through the response converter of each dialect, and as
// one SSE event through the stream converters.
template <class P>
void expect_hostile_upstream_handled(const test_support::Adapter<P>& adapter, std::string_view model,
                                     std::string_view context, const std::vector<std::string>& response_templates,
                                     const std::vector<std::string>& event_templates) {
  auto fills = [](const std::string& t) {
    std::vector<std::pair<std::string, std::string>> out;
    const int room = kMaxJsonDepth - slot_depth(t);
    out.push_back({"nesting at the limit in " + t, fill(t, nested_objects(room))});
    out.push_back({"nesting one past the limit in " + t, fill(t, nested_objects(room + 1))});
    for (const auto& [what, v] : values()) out.push_back({what + " in " + t, fill(t, v)});
    out.push_back({"JSON nested 100,000 deep in a string in " + t, fill(t, json_string(nested_objects(100000)))});
    out.push_back({"JSON nested to the limit in a string in " + t, fill(t, json_string(nested_objects(kMaxJsonDepth)))});
    return out;
  };
  for (std::string_view dialect : {ACP_DIALECT_OPENAI_CHAT, ACP_DIALECT_ANTHROPIC_MESSAGES}) {
    for (const std::string& t : response_templates)
      for (const auto& [what, body] : fills(t)) expect_upstream_verdict(adapter, dialect, model, context, body, what);
    for (const auto& [what, v] : values()) expect_upstream_verdict(adapter, dialect, model, context, v, what);
    for (const std::string& t : event_templates)
      for (const auto& [what, body] : fills(t)) expect_stream_verdict(adapter, dialect, model, context, body, what);
  }
}

}  // namespace plugin_test::hostile
