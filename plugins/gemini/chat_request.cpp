#include "chat_request.hpp"

#include "call_ids.hpp"
#include "context.hpp"
#include "models.hpp"
#include "schema.hpp"

#include <aicore/mapping/stream_options.hpp>
#include <aicore/plugin.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace aicore::gemini {
namespace {

// Fields that have no Gemini counterpart; dropped with a debug line.
constexpr std::array<std::string_view, 15> kDropped = {"user",
                                                       "metadata",
                                                       "store",
                                                       "service_tier",
                                                       "logprobs",
                                                       "top_logprobs",
                                                       "logit_bias",
                                                       "prediction",
                                                       "audio",
                                                       "modalities",
                                                       "parallel_tool_calls",
                                                       "verbosity",
                                                       "web_search_options",
                                                       "safety_identifier",
                                                       "prompt_cache_key"};

// Everything this converter reads; any other field is dropped (and logged) too.
constexpr std::array<std::string_view, 20> kRead = {"model",
                                                    "messages",
                                                    "stream",
                                                    "stream_options",
                                                    "tools",
                                                    "tool_choice",
                                                    "functions",
                                                    "function_call",
                                                    "max_tokens",
                                                    "max_completion_tokens",
                                                    "temperature",
                                                    "top_p",
                                                    "top_k",
                                                    "stop",
                                                    "n",
                                                    "seed",
                                                    "presence_penalty",
                                                    "frequency_penalty",
                                                    "response_format",
                                                    "reasoning_effort"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& a, std::string_view k) {
  return std::find(a.begin(), a.end(), k) != a.end();
}

std::string lower(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return o;
}

// ---- content parts --------------------------------------------------------------------------

struct DataUrl {
  std::string mime, data;
};

// data:<mime>[;param...];base64,<data>
std::optional<DataUrl> parse_data_url(std::string_view url) {
  if (!url.starts_with("data:")) return std::nullopt;
  size_t comma = url.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view meta = url.substr(5, comma - 5);
  if (!meta.ends_with(";base64")) return std::nullopt;
  meta.remove_suffix(7);
  std::string_view mime = meta.substr(0, meta.find(';'));
  if (mime.empty() || mime.find('/') == std::string_view::npos) return std::nullopt;
  return DataUrl{lower(mime), std::string(url.substr(comma + 1))};
}

// The MIME type a remote file's extension implies, or empty.
std::string mime_from_extension(std::string_view url) {
  std::string_view path = url.substr(0, url.find_first_of("?#"));
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  const std::string ext = lower(path.substr(dot + 1));
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {"png", "image/png"}, {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"}, {"webp", "image/webp"},
      {"gif", "image/gif"}, {"heic", "image/heic"}, {"heif", "image/heif"}, {"pdf", "application/pdf"},
      {"mp3", "audio/mp3"}, {"wav", "audio/wav"},   {"mp4", "video/mp4"},   {"txt", "text/plain"}};
  for (const auto& [e, m] : kTypes)
    if (ext == e) return std::string(m);
  return {};
}

Json image_part(const Json& url_value, const std::string& where) {
  if (!url_value.is_string()) throw invalid_request(where + ": must be a string");
  const std::string& url = url_value.get_ref<const std::string&>();
  if (url.starts_with("data:")) {
    auto d = parse_data_url(url);
    if (!d) throw invalid_request(where + ": a data URL must look like data:<mime type>;base64,<data>");
    return Json{{"inlineData", {{"mimeType", d->mime}, {"data", d->data}}}};
  }
  if (url.starts_with("https://") || url.starts_with("http://") || url.starts_with("gs://")) {
    std::string mime = mime_from_extension(url);
    if (mime.empty())
      throw invalid_request(where +
                            ": Gemini needs the MIME type of a remote image and this URL does not show it (no "
                            ".png/.jpg/.jpeg/.webp/.gif/.heic extension); send the image inline as a "
                            "data:<mime type>;base64,... URL instead");
    return Json{{"fileData", {{"mimeType", mime}, {"fileUri", url}}}};
  }
  throw invalid_request(where + ": must be a data:, https:, http: or gs: URL");
}

// One OpenAI content part -> Gemini parts (appended). Empty text adds nothing.
void add_part(const Json& part, const std::string& where, Json& parts, bool media_allowed) {
  if (!part.is_object()) throw invalid_request(where + ": must be an object");
  auto type_it = part.find("type");
  if (type_it == part.end() || !type_it->is_string()) throw invalid_request(where + ".type: required");
  const std::string& type = type_it->get_ref<const std::string&>();
  if (type == "text" || type == "input_text") {
    auto t = part.find("text");
    if (t == part.end() || !t->is_string()) throw invalid_request(where + ".text: must be a string");
    if (!t->get_ref<const std::string&>().empty()) parts.push_back(Json{{"text", *t}});
    return;
  }
  if (type == "refusal") return;  // an earlier refusal has nothing to tell the model
  if (!media_allowed) throw invalid_request(where + ".type: only text is allowed here, not '" + type + "'");
  if (type == "image_url") {
    auto iu = part.find("image_url");
    if (iu == part.end()) throw invalid_request(where + ".image_url: required");
    const Json& url = iu->is_object() ? iu->value("url", Json()) : *iu;  // some clients send the bare string
    parts.push_back(image_part(url, where + ".image_url.url"));
    return;
  }
  if (type == "input_audio") {
    auto a = part.find("input_audio");
    if (a == part.end() || !a->is_object() || !a->value("data", Json()).is_string())
      throw invalid_request(where + ".input_audio: must be an object with data and format");
    std::string fmt = lower(string_or(*a, "format", "wav"));
    parts.push_back(Json{{"inlineData", {{"mimeType", "audio/" + fmt}, {"data", (*a)["data"]}}}});
    return;
  }
  if (type == "file") {
    auto f = part.find("file");
    if (f == part.end() || !f->is_object()) throw invalid_request(where + ".file: must be an object");
    auto fd = f->find("file_data");
    if (fd == f->end() || !fd->is_string())
      throw invalid_request(where + ".file: only inline files (file_data as a data URL) can be sent to Gemini");
    auto d = parse_data_url(fd->get_ref<const std::string&>());
    if (!d) throw invalid_request(where + ".file.file_data: must be a data:<mime type>;base64,<data> URL");
    parts.push_back(Json{{"inlineData", {{"mimeType", d->mime}, {"data", d->data}}}});
    return;
  }
  throw invalid_request(where + ".type: '" + type + "' is not supported by Gemini");
}

// content (string, parts array or null) -> parts.
Json content_parts(const Json& msg, const std::string& where, bool media_allowed) {
  Json parts = Json::array();
  auto c = msg.find("content");
  if (c == msg.end() || c->is_null()) return parts;
  if (c->is_string()) {
    if (!c->get_ref<const std::string&>().empty()) parts.push_back(Json{{"text", *c}});
    return parts;
  }
  if (!c->is_array()) throw invalid_request(where + ".content: must be a string, an array of parts or null");
  for (size_t i = 0; i < c->size(); ++i) add_part((*c)[i], at(where + ".content", i), parts, media_allowed);
  return parts;
}

// A tool result's text: the string, or the text parts joined by newlines (media parts go to `media`).
std::string tool_result_text(const Json& msg, const std::string& where, Json& media) {
  auto c = msg.find("content");
  if (c == msg.end() || c->is_null()) return {};
  if (c->is_string()) return c->get<std::string>();
  if (!c->is_array()) throw invalid_request(where + ".content: must be a string or an array of parts");
  std::string text;
  for (size_t i = 0; i < c->size(); ++i) {
    Json parts = Json::array();
    add_part((*c)[i], at(where + ".content", i), parts, true);
    for (Json& p : parts) {
      if (p.contains("text")) {
        if (!text.empty()) text += "\n";
        text += p["text"].get<std::string>();
      } else {
        media.push_back(std::move(p));
      }
    }
  }
  return text;
}

// functionResponse.response must be an object: a JSON-object result is passed as it is, anything
// else (plain text, a number, an array, JSON nested deeper than the plugins' limit) is wrapped.
Json function_response_value(const std::string& text) {
  if (!text.empty() && text.front() == '{') {
    Json j = mapping::parse_embedded_json(text);
    if (j.is_object()) return j;
  }
  return Json{{"result", text}};
}

Json function_call_part(const Json& name, const Json& arguments, const std::string& where, std::string_view id) {
  if (!name.is_string() || name.get_ref<const std::string&>().empty())
    throw invalid_request(where + ".name: must be a non-empty string");
  Json args = Json::object();
  if (arguments.is_string()) {
    const std::string& a = arguments.get_ref<const std::string&>();
    if (a.find_first_not_of(" \t\r\n") != std::string::npos) {
      if (nested_deeper_than(a, kMaxJsonDepth))
        throw invalid_request(where + ".arguments: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      args = mapping::parse_embedded_json(a);
      if (args.is_discarded()) throw invalid_request(where + ".arguments: not valid JSON");
    }
  } else if (arguments.is_object()) {
    args = arguments;
  } else if (!arguments.is_null()) {
    throw invalid_request(where + ".arguments: must be a JSON string");
  }
  if (!args.is_object()) throw invalid_request(where + ".arguments: must be a JSON object");
  Json part = {{"functionCall", {{"name", name}, {"args", std::move(args)}}}};
  if (std::string sig = signature_from_call_id(id); !sig.empty()) part["thoughtSignature"] = sig;
  return part;
}

// ---- messages -------------------------------------------------------------------------------

struct Contents {
  Json contents = Json::array();
  Json system_parts = Json::array();

  void push(const char* role, Json parts) {
    if (parts.empty()) return;
    if (!contents.empty() && contents.back()["role"] == role) {
      Json& existing = contents.back()["parts"];
      for (Json& p : parts) existing.push_back(std::move(p));
      return;
    }
    contents.push_back(Json{{"role", role}, {"parts", std::move(parts)}});
  }
};

void convert_messages(const Json& in, Contents& out) {
  auto m = in.find("messages");
  if (m == in.end()) throw invalid_request("messages: required");
  if (!m->is_array()) throw invalid_request("messages: must be an array");
  if (m->empty()) throw invalid_request("messages: must not be empty");

  // Tool results name the call they answer by id; Gemini wants the function's name.
  std::vector<std::pair<std::string, std::string>> call_names;
  for (size_t i = 0; i < m->size(); ++i) {
    const Json& msg = (*m)[i];
    const std::string where = at("messages", i);
    if (!msg.is_object()) throw invalid_request(where + ": must be an object");
    auto role_it = msg.find("role");
    if (role_it == msg.end()) throw invalid_request(where + ".role: required");
    if (!role_it->is_string()) throw invalid_request(where + ".role: must be a string");
    const std::string& role = role_it->get_ref<const std::string&>();

    if (role == "system" || role == "developer") {
      for (Json& p : content_parts(msg, where, false)) out.system_parts.push_back(std::move(p));
    } else if (role == "user") {
      out.push("user", content_parts(msg, where, true));
    } else if (role == "assistant") {
      Json parts = content_parts(msg, where, false);
      if (auto tc = msg.find("tool_calls"); tc != msg.end() && !tc->is_null()) {
        if (!tc->is_array()) throw invalid_request(where + ".tool_calls: must be an array");
        for (size_t j = 0; j < tc->size(); ++j) {
          const Json& call = (*tc)[j];
          const std::string cw = at(where + ".tool_calls", j);
          if (!call.is_object()) throw invalid_request(cw + ": must be an object");
          auto fn = call.find("function");
          if (fn == call.end() || !fn->is_object()) throw invalid_request(cw + ".function: must be an object");
          std::string id = string_or(call, "id");
          parts.push_back(
              function_call_part(fn->value("name", Json()), fn->value("arguments", Json()), cw + ".function", id));
          if (!id.empty()) call_names.emplace_back(id, (*fn)["name"].get<std::string>());
        }
      }
      if (auto fc = msg.find("function_call"); fc != msg.end() && fc->is_object())
        parts.push_back(function_call_part(fc->value("name", Json()), fc->value("arguments", Json()),
                                           where + ".function_call", ""));
      out.push("model", std::move(parts));
    } else if (role == "tool" || role == "function") {
      std::string name;
      if (role == "tool") {
        auto id = msg.find("tool_call_id");
        if (id == msg.end() || !id->is_string()) throw invalid_request(where + ".tool_call_id: required");
        for (auto it = call_names.rbegin(); it != call_names.rend(); ++it)
          if (it->first == id->get_ref<const std::string&>()) {
            name = it->second;
            break;
          }
        if (name.empty() && msg.contains("name") && msg["name"].is_string()) name = msg["name"].get<std::string>();
        if (name.empty())
          throw invalid_request(where + ".tool_call_id: '" + id->get<std::string>() +
                                "' answers no tool call of an earlier assistant message");
      } else {
        if (!msg.contains("name") || !msg["name"].is_string()) throw invalid_request(where + ".name: required");
        name = msg["name"].get<std::string>();
      }
      Json media = Json::array();
      std::string text = tool_result_text(msg, where, media);
      Json parts = Json::array();
      parts.push_back(Json{{"functionResponse", {{"name", name}, {"response", function_response_value(text)}}}});
      for (Json& p : media) parts.push_back(std::move(p));
      out.push("user", std::move(parts));
    } else {
      throw invalid_request(where + ".role: '" + role +
                            "' is not supported (use system, developer, user, assistant or tool)");
    }
  }
}

// ---- tools ----------------------------------------------------------------------------------

Json declaration(const Json& fn, const std::string& where) {
  if (!fn.is_object()) throw invalid_request(where + ": must be an object");
  auto name = fn.find("name");
  if (name == fn.end() || !name->is_string() || name->get_ref<const std::string&>().empty())
    throw invalid_request(where + ".name: must be a non-empty string");
  Json d = {{"name", *name}};
  if (auto desc = fn.find("description"); desc != fn.end() && desc->is_string() && !desc->get<std::string>().empty())
    d["description"] = *desc;
  if (auto p = fn.find("parameters"); p != fn.end())
    if (std::optional<Json> params = clean_parameters_schema(*p, where + ".parameters")) d["parameters"] = *params;
  return d;
}

Json convert_tools(const Json& in) {
  Json decls = Json::array();
  if (auto t = in.find("tools"); t != in.end() && !t->is_null()) {
    if (!t->is_array()) throw invalid_request("tools: must be an array");
    for (size_t i = 0; i < t->size(); ++i) {
      const Json& tool = (*t)[i];
      const std::string where = at("tools", i);
      if (!tool.is_object()) throw invalid_request(where + ": must be an object");
      const std::string type = string_or(tool, "type", "function");
      if (type != "function") throw invalid_request(where + ".type: '" + type + "' tools are not supported by Gemini");
      auto fn = tool.find("function");
      if (fn == tool.end()) throw invalid_request(where + ".function: required");
      decls.push_back(declaration(*fn, where + ".function"));
    }
  }
  if (auto f = in.find("functions"); f != in.end() && f->is_array())  // the legacy spelling
    for (size_t i = 0; i < f->size(); ++i) decls.push_back(declaration((*f)[i], at("functions", i)));
  return decls;
}

bool declared(const Json& decls, const std::string& name) {
  return std::any_of(decls.begin(), decls.end(), [&](const Json& d) { return d["name"] == name; });
}

// tool_choice (or legacy function_call) -> functionCallingConfig; null when the default applies.
Json function_calling_config(const Json& in, const Json& decls) {
  const Json* choice = nullptr;
  std::string field;
  if (auto c = in.find("tool_choice"); c != in.end() && !c->is_null()) {
    choice = &*c;
    field = "tool_choice";
  } else if (auto fc = in.find("function_call"); fc != in.end() && !fc->is_null() && in.contains("functions")) {
    choice = &*fc;
    field = "function_call";
  }
  if (!choice) return nullptr;
  if (choice->is_string()) {
    const std::string& s = choice->get_ref<const std::string&>();
    if (s == "auto") return Json{{"mode", "AUTO"}};
    if (s == "none") return Json{{"mode", "NONE"}};
    if (s == "required" || s == "any") return Json{{"mode", "ANY"}};
    throw invalid_request(field + ": must be none, auto, required or a function");
  }
  if (!choice->is_object()) throw invalid_request(field + ": must be a string or an object");
  std::string name;
  if (auto fn = choice->find("function"); fn != choice->end() && fn->is_object())
    name = string_or(*fn, "name");
  else
    name = string_or(*choice, "name");
  if (name.empty()) throw invalid_request(field + ".function.name: required");
  if (!declared(decls, name)) throw invalid_request(field + ": function '" + name + "' is not among the tools");
  return Json{{"mode", "ANY"}, {"allowedFunctionNames", Json::array({name})}};
}

// ---- generation config ----------------------------------------------------------------------

int64_t non_negative(const Json& v, const char* field) {
  if (!(v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)))
    throw invalid_request(std::string(field) + ": must be a non-negative integer");
  return v.get<int64_t>();
}

double number(const Json& v, const char* field) {
  if (!v.is_number()) throw invalid_request(std::string(field) + ": must be a number");
  return v.get<double>();
}

std::optional<ThinkingRequest> thinking_from_body(const Json& in) {
  if (auto e = in.find("reasoning_effort"); e != in.end() && !e->is_null()) {
    if (!e->is_string()) throw invalid_request("reasoning_effort: must be a string");
    return ThinkingRequest{ThinkingRequest::Kind::Effort, lower(e->get<std::string>()), 0};
  }
  // Anthropic-style thinking on the OpenAI endpoint (LiteLLM and some agents send it).
  if (auto t = in.find("thinking"); t != in.end() && t->is_object()) {
    const std::string type = string_or(*t, "type");
    if (type == "enabled") {
      auto b = t->find("budget_tokens");
      int64_t budget = (b != t->end() && b->is_number_integer()) ? b->get<int64_t>() : 8192;
      return ThinkingRequest{ThinkingRequest::Kind::Budget, "", budget};
    }
    if (type == "adaptive") return ThinkingRequest{ThinkingRequest::Kind::Adaptive, "", 0};
    if (type == "disabled") return ThinkingRequest{ThinkingRequest::Kind::Disabled, "", 0};
  }
  return std::nullopt;
}

// thinkingConfig for a request on `model`; null when none should be sent.
Json thinking_config(const ThinkingRequest& r, std::string_view model, const Settings& settings,
                     std::vector<std::string>& notes) {
  using K = ThinkingSupport::Kind;
  const ThinkingSupport sup = thinking_support(model);
  if (sup.kind == K::None) {
    notes.push_back("thinking dropped (" + std::string(model) + " does not think)");
    return nullptr;
  }
  auto clamp = [&](int64_t budget) {
    if (sup.kind != K::Budget || budget < 0) return budget;
    if (budget == 0 && sup.can_disable) return budget;
    int64_t c = std::clamp(budget, sup.min, sup.max);
    if (c != budget) notes.push_back("thinking budget " + std::to_string(budget) + " clamped to " + std::to_string(c));
    return c;
  };
  auto off = [&]() -> Json {
    if (sup.kind == K::Level) return Json{{"thinkingLevel", "low"}};
    if (sup.kind == K::Budget && !sup.can_disable) return Json{{"thinkingBudget", sup.min}};  // cannot switch off
    return Json{{"thinkingBudget", 0}};
  };
  switch (r.kind) {
    case ThinkingRequest::Kind::Effort: {
      if (r.effort == "none" || r.effort == "minimal") return off();
      int64_t budget;
      if (r.effort == "low")
        budget = settings.budgets.low;
      else if (r.effort == "medium")
        budget = settings.budgets.medium;
      else if (r.effort == "high")
        budget = settings.budgets.high;
      else
        throw invalid_request("reasoning_effort: must be one of none, minimal, low, medium, high");
      if (sup.kind == K::Level)
        return Json{{"includeThoughts", true}, {"thinkingLevel", r.effort == "low" ? "low" : "high"}};
      return Json{{"includeThoughts", true}, {"thinkingBudget", clamp(budget)}};
    }
    case ThinkingRequest::Kind::Budget:
      if (r.budget <= 0) return off();
      return Json{{"includeThoughts", true}, {"thinkingBudget", clamp(r.budget)}};
    case ThinkingRequest::Kind::Adaptive:
      if (sup.kind == K::Level) return Json{{"includeThoughts", true}};
      return Json{{"includeThoughts", true}, {"thinkingBudget", -1}};
    case ThinkingRequest::Kind::Disabled:
      if (sup.kind == K::Budget && sup.can_disable) return Json{{"thinkingBudget", 0}};
      return nullptr;  // the model thinks anyway; without includeThoughts nothing comes back
  }
  return nullptr;
}

Json generation_config(const Json& in, std::string_view model, const Settings& settings,
                       const GeminiRequestOptions& options, std::vector<std::string>& notes) {
  Json g = Json::object();
  if (auto n = in.find("n"); n != in.end() && !n->is_null()) {
    int64_t v = non_negative(*n, "n");
    if (v != 1) g["candidateCount"] = v;
  }
  auto mct = in.find("max_completion_tokens");
  auto mt = in.find("max_tokens");
  if (mct != in.end() && !mct->is_null())
    g["maxOutputTokens"] = non_negative(*mct, "max_completion_tokens");
  else if (mt != in.end() && !mt->is_null())
    g["maxOutputTokens"] = non_negative(*mt, "max_tokens");
  if (auto t = in.find("temperature"); t != in.end() && !t->is_null()) {
    number(*t, "temperature");
    g["temperature"] = *t;
  }
  if (auto t = in.find("top_p"); t != in.end() && !t->is_null()) {
    number(*t, "top_p");
    g["topP"] = *t;
  }
  if (options.top_k) {
    g["topK"] = *options.top_k;
  } else if (auto t = in.find("top_k"); t != in.end() && !t->is_null()) {
    g["topK"] = non_negative(*t, "top_k");
  }
  if (auto s = in.find("stop"); s != in.end() && !s->is_null()) {
    Json seqs = Json::array();
    if (s->is_string()) {
      seqs.push_back(*s);
    } else if (s->is_array()) {
      for (size_t i = 0; i < s->size(); ++i) {
        if (!(*s)[i].is_string()) throw invalid_request(at("stop", i) + ": must be a string");
        seqs.push_back((*s)[i]);
      }
    } else {
      throw invalid_request("stop: must be a string or an array of strings");
    }
    if (!seqs.empty()) g["stopSequences"] = std::move(seqs);
  }
  for (auto [from, to] :
       {std::pair{"presence_penalty", "presencePenalty"}, std::pair{"frequency_penalty", "frequencyPenalty"}})
    if (auto p = in.find(from); p != in.end() && !p->is_null()) {
      number(*p, from);
      g[to] = *p;
    }
  if (auto s = in.find("seed"); s != in.end() && !s->is_null()) {
    if (!s->is_number_integer()) throw invalid_request("seed: must be an integer");
    g["seed"] = *s;
  }
  if (auto rf = in.find("response_format"); rf != in.end() && !rf->is_null()) {
    if (!rf->is_object()) throw invalid_request("response_format: must be an object");
    const std::string type = string_or(*rf, "type");
    if (type == "json_object") {
      g["responseMimeType"] = "application/json";
    } else if (type == "json_schema") {
      g["responseMimeType"] = "application/json";
      auto js = rf->find("json_schema");
      if (js == rf->end() || !js->is_object()) throw invalid_request("response_format.json_schema: required");
      if (auto schema = js->find("schema"); schema != js->end() && !schema->is_null())
        g["responseSchema"] = clean_response_schema(*schema, "response_format.json_schema.schema");
    } else if (type != "text") {
      throw invalid_request("response_format.type: must be text, json_object or json_schema");
    }
  }
  std::optional<ThinkingRequest> thinking = options.thinking ? options.thinking : thinking_from_body(in);
  if (thinking) {
    Json tc = thinking_config(*thinking, model, settings, notes);
    if (!tc.is_null()) g["thinkingConfig"] = std::move(tc);
  }
  return g;
}

using mapping::client_include_usage;
using mapping::wants_stream;

void log_changes(std::string_view model, const std::vector<std::string>& dropped,
                 const std::vector<std::string>& notes) {
  if (dropped.empty() && notes.empty()) return;
  std::string line = "openai.chat -> gemini '" + std::string(model) + "':";
  const char* sep = " ";
  if (!dropped.empty()) {
    line += " dropped ";
    for (size_t i = 0; i < dropped.size(); ++i) line += (i ? ", " : "") + dropped[i];
    line += " (no Gemini equivalent)";
    sep = "; ";
  }
  for (const auto& n : notes) {
    line += sep + n;
    sep = "; ";
  }
  log_debug(line);
}

}  // namespace

GeminiRequest openai_to_gemini(const Json& in, std::string_view upstream_model, bool stream_hint,
                               const Settings& settings, const GeminiRequestOptions& options) {
  if (!in.is_object()) throw invalid_request("body: must be a JSON object");
  GeminiRequest r;
  r.stream = wants_stream(in, stream_hint);
  r.include_usage = r.stream && client_include_usage(in);

  std::vector<std::string> dropped, notes;
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& k = it.key();
    if (contains(kRead, k)) continue;
    if (k == "thinking" && !options.thinking && !in.contains("reasoning_effort")) continue;
    if (!it.value().is_null()) dropped.push_back(k);
  }
  std::sort(dropped.begin(), dropped.end(), [](const std::string& a, const std::string& b) {
    // Known drops first in a fixed order, then the rest as they came.
    auto rank = [](const std::string& s) {
      auto i = std::find(kDropped.begin(), kDropped.end(), s);
      return i == kDropped.end() ? kDropped.size() : static_cast<size_t>(i - kDropped.begin());
    };
    return rank(a) < rank(b);
  });

  Contents c;
  convert_messages(in, c);
  if (c.contents.empty()) {
    if (c.system_parts.empty()) throw invalid_request("messages: no message has any content to send");
    // Gemini needs at least one turn: a system-only request becomes the user's turn.
    c.push("user", std::move(c.system_parts));
    c.system_parts = Json::array();
    notes.push_back("system-only request sent as the user turn");
  }

  Json body = Json::object();
  body["contents"] = c.contents;
  if (!c.system_parts.empty()) body["systemInstruction"] = Json{{"parts", std::move(c.system_parts)}};

  Json decls = convert_tools(in);
  if (!decls.empty()) {
    body["tools"] = Json::array({Json{{"functionDeclarations", decls}}});
    Json fcc = function_calling_config(in, decls);
    if (!fcc.is_null()) body["toolConfig"] = Json{{"functionCallingConfig", std::move(fcc)}};
  } else if (in.contains("tool_choice") && !in["tool_choice"].is_null()) {
    notes.push_back("tool_choice dropped (no tools)");
  }
  if (!settings.safety_settings.is_null()) body["safetySettings"] = settings.safety_settings;
  Json gen = generation_config(in, upstream_model, settings, options, notes);
  if (!gen.empty()) body["generationConfig"] = std::move(gen);

  log_changes(upstream_model, dropped, notes);
  r.seed = fingerprint(dump(body["contents"]));
  r.body = std::move(body);
  return r;
}

std::string chat_target(std::string_view upstream_model, bool stream) {
  return "/models/" + std::string(upstream_model) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
}

UpstreamRequest convert_chat_request(std::string_view body, std::string_view model_key, std::string_view client_model,
                                     bool stream_hint, const Settings& settings) {
  Json in = parse_client_json(body);
  const std::string upstream_model = settings.upstream_model(model_key);
  GeminiRequest g = openai_to_gemini(in, upstream_model, stream_hint, settings);
  ResponseContext ctx;
  ctx.client_model = client_model.empty() ? std::string(model_key) : std::string(client_model);
  ctx.include_usage = g.include_usage;
  ctx.seed = g.seed;
  return UpstreamRequest{chat_target(upstream_model, g.stream), dump(g.body), ctx.encode()};
}

}  // namespace aicore::gemini
