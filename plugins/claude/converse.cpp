#include "converse.hpp"

#include "converse_stream.hpp"

#include <aicore/plugin.hpp>

#include <cctype>
#include <cstdio>

namespace aicore::claude {
namespace {

std::string at(std::string_view field, size_t i) { return std::string(field) + "." + std::to_string(i); }

Json cache_point() { return Json{{"cachePoint", Json{{"type", "default"}}}}; }

bool has_cache_control(const Json& b) {
  return b.is_object() && b.contains("cache_control") && !b["cache_control"].is_null();
}

// "image/png" -> "png"; Converse knows png, jpeg, gif, webp.
std::string image_format(std::string_view media_type, const std::string& where) {
  if (media_type == "image/png") return "png";
  if (media_type == "image/jpeg" || media_type == "image/jpg") return "jpeg";
  if (media_type == "image/gif") return "gif";
  if (media_type == "image/webp") return "webp";
  throw invalid_request(where + ".source.media_type: Converse does not accept '" + std::string(media_type) + "'");
}

std::string document_format(std::string_view media_type) {
  if (media_type == "application/pdf") return "pdf";
  if (media_type == "text/plain") return "txt";
  if (media_type == "text/csv") return "csv";
  if (media_type == "text/html") return "html";
  if (media_type == "text/markdown") return "md";
  return "txt";
}

std::string base64(std::string_view bytes) {
  static constexpr char kA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += {kA[v >> 18], kA[(v >> 12) & 63], kA[(v >> 6) & 63], kA[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += {kA[v >> 18], kA[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += {kA[v >> 18], kA[(v >> 12) & 63], kA[(v >> 6) & 63], '='};
  }
  return out;
}

// Converse document names: letters, digits, spaces, hyphens, parentheses, brackets; no repeats of
// whitespace. Anthropic titles are free text.
std::string document_name(const Json& block, size_t n) {
  std::string title(string_or(block, "title"));
  std::string out;
  for (unsigned char c : title) {
    bool ok = std::isalnum(c) || c == '-' || c == '(' || c == ')' || c == '[' || c == ']';
    if (ok)
      out += static_cast<char>(c);
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.empty()) out = "document-" + std::to_string(n);
  return out.substr(0, 200);
}

Json image_block(const Json& b, const std::string& where) {
  auto src = b.find("source");
  if (src == b.end() || !src->is_object() || string_or(*src, "type") != "base64")
    throw invalid_request(where + ".source: Converse accepts base64 images only");
  Json img = Json::object();
  img["format"] = image_format(string_or(*src, "media_type"), where);
  img["source"] = Json{{"bytes", string_or(*src, "data")}};
  return Json{{"image", std::move(img)}};
}

Json document_block(const Json& b, const std::string& where, size_t& docs) {
  auto src = b.find("source");
  if (src == b.end() || !src->is_object()) throw invalid_request(where + ".source: required");
  std::string_view type = string_or(*src, "type");
  Json doc = Json::object();
  if (type == "base64") {
    doc["format"] = document_format(string_or(*src, "media_type"));
    doc["name"] = document_name(b, ++docs);
    doc["source"] = Json{{"bytes", string_or(*src, "data")}};
  } else if (type == "text") {
    doc["format"] = "txt";
    doc["name"] = document_name(b, ++docs);
    doc["source"] = Json{{"bytes", base64(string_or(*src, "data"))}};
  } else {
    throw invalid_request(where + ".source: Converse accepts base64 and text documents only");
  }
  return Json{{"document", std::move(doc)}};
}

Json text_of(const Json& content) {
  Json out = Json::array();
  if (content.is_string()) out.push_back(Json{{"text", content}});
  return out;
}

Json tool_result_content(const Json& content, const std::string& where, size_t& docs) {
  if (content.is_string()) return text_of(content);
  Json out = Json::array();
  if (!content.is_array()) return out;
  for (size_t i = 0; i < content.size(); ++i) {
    const Json& b = content[i];
    const std::string w = at(where, i);
    std::string_view type = string_or(b, "type");
    if (type == "text")
      out.push_back(Json{{"text", string_or(b, "text")}});
    else if (type == "image")
      out.push_back(image_block(b, w));
    else if (type == "document")
      out.push_back(document_block(b, w, docs));
    else
      throw invalid_request(w + ".type: '" + std::string(type) + "' is not supported in a Converse tool result");
  }
  return out;
}

Json content_blocks(const Json& content, const std::string& where, size_t& docs) {
  if (content.is_string()) return text_of(content);
  if (!content.is_array()) throw invalid_request(where + ": must be a string or an array of blocks");
  Json out = Json::array();
  for (size_t i = 0; i < content.size(); ++i) {
    const Json& b = content[i];
    const std::string w = at(where, i);
    if (!b.is_object()) throw invalid_request(w + ": must be an object");
    std::string_view type = string_or(b, "type");
    if (type == "text") {
      out.push_back(Json{{"text", string_or(b, "text")}});
    } else if (type == "image") {
      out.push_back(image_block(b, w));
    } else if (type == "document") {
      out.push_back(document_block(b, w, docs));
    } else if (type == "tool_use") {
      Json tu = Json::object();
      tu["toolUseId"] = string_or(b, "id");
      tu["name"] = string_or(b, "name");
      tu["input"] = b.contains("input") ? b["input"] : Json::object();
      out.push_back(Json{{"toolUse", std::move(tu)}});
    } else if (type == "tool_result") {
      Json tr = Json::object();
      tr["toolUseId"] = string_or(b, "tool_use_id");
      tr["content"] = tool_result_content(b.contains("content") ? b["content"] : Json(), w + ".content", docs);
      auto err = b.find("is_error");
      tr["status"] = (err != b.end() && err->is_boolean() && err->get<bool>()) ? "error" : "success";
      out.push_back(Json{{"toolResult", std::move(tr)}});
    } else if (type == "thinking") {
      Json rt = Json::object();
      rt["text"] = string_or(b, "thinking");
      if (auto s = b.find("signature"); s != b.end() && s->is_string()) rt["signature"] = *s;
      out.push_back(Json{{"reasoningContent", Json{{"reasoningText", std::move(rt)}}}});
    } else if (type == "redacted_thinking") {
      out.push_back(Json{{"reasoningContent", Json{{"redactedContent", string_or(b, "data")}}}});
    } else {
      throw invalid_request(w + ".type: '" + std::string(type) + "' is not supported on the Converse API");
    }
    if (has_cache_control(b)) out.push_back(cache_point());
  }
  return out;
}

Json tool_choice(const Json& tc) {
  std::string_view type = string_or(tc, "type");
  if (type == "any") return Json{{"any", Json::object()}};
  if (type == "tool") return Json{{"tool", Json{{"name", string_or(tc, "name")}}}};
  if (type == "auto") return Json{{"auto", Json::object()}};
  return Json();  // none: no toolChoice
}

}  // namespace

Json anthropic_to_converse_request(const Json& body) {
  Json out = Json::object();
  size_t docs = 0;
  Json inference = Json::object();
  Json additional = Json::object();
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    if (k == "system") {
      Json sys = Json::array();
      if (v.is_string()) {
        sys.push_back(Json{{"text", v}});
      } else if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i) {
          if (string_or(v[i], "type") != "text") throw invalid_request(at("system", i) + ": only text blocks");
          sys.push_back(Json{{"text", string_or(v[i], "text")}});
          if (has_cache_control(v[i])) sys.push_back(cache_point());
        }
      }
      out["system"] = std::move(sys);
    } else if (k == "messages") {
      Json msgs = Json::array();
      for (size_t i = 0; i < v.size(); ++i) {
        Json m = Json::object();
        m["role"] = string_or(v[i], "role");
        m["content"] =
            content_blocks(v[i].contains("content") ? v[i]["content"] : Json(), at("messages", i) + ".content", docs);
        msgs.push_back(std::move(m));
      }
      out["messages"] = std::move(msgs);
    } else if (k == "max_tokens") {
      inference["maxTokens"] = v;
    } else if (k == "temperature") {
      inference["temperature"] = v;
    } else if (k == "top_p") {
      inference["topP"] = v;
    } else if (k == "stop_sequences") {
      inference["stopSequences"] = v;
    } else if (k == "tools") {
      Json tools = Json::array();
      for (const Json& t : v) {
        Json spec = Json::object();
        spec["name"] = string_or(t, "name");
        if (t.contains("description")) spec["description"] = t["description"];
        spec["inputSchema"] = Json{{"json", t.contains("input_schema") ? t["input_schema"] : Json{{"type", "object"}}}};
        tools.push_back(Json{{"toolSpec", std::move(spec)}});
        if (has_cache_control(t)) tools.push_back(cache_point());
      }
      out["toolConfig"]["tools"] = std::move(tools);
    } else if (k == "tool_choice") {
      continue;  // after tools, below
    } else if (k == "thinking" || k == "top_k" || k == "anthropic_beta") {
      additional[k] = v;
    }
    // anthropic_version: invoke only.
  }
  if (auto tc = body.find("tool_choice"); tc != body.end() && out.contains("toolConfig")) {
    Json choice = tool_choice(*tc);
    if (!choice.is_null()) out["toolConfig"]["toolChoice"] = std::move(choice);
  }
  if (!inference.empty()) out["inferenceConfig"] = std::move(inference);
  if (!additional.empty()) out["additionalModelRequestFields"] = std::move(additional);
  return out;
}

std::string converse_message_id(uint64_t id_seed) {
  char id[32];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(id_seed));
  return std::string("msg_bdrk_") + id;
}

Json converse_to_anthropic_response(const Json& converse, std::string_view model, uint64_t id_seed) {
  if (!converse.is_object()) throw upstream_error("converse response: not a JSON object");
  Json content = Json::array();
  const Json* msg = nullptr;
  if (auto o = converse.find("output"); o != converse.end() && o->is_object())
    if (auto m = o->find("message"); m != o->end() && m->is_object()) msg = &*m;
  if (!msg) throw upstream_error("converse response: output.message missing");
  if (auto c = msg->find("content"); c != msg->end() && c->is_array()) {
    for (const Json& b : *c) {
      if (!b.is_object()) continue;
      if (auto t = b.find("text"); t != b.end()) {
        content.push_back(Json{{"type", "text"}, {"text", *t}});
      } else if (auto tu = b.find("toolUse"); tu != b.end() && tu->is_object()) {
        Json block = Json::object();
        block["type"] = "tool_use";
        block["id"] = string_or(*tu, "toolUseId");
        block["name"] = string_or(*tu, "name");
        block["input"] = tu->contains("input") ? (*tu)["input"] : Json::object();
        content.push_back(std::move(block));
      } else if (auto rc = b.find("reasoningContent"); rc != b.end() && rc->is_object()) {
        if (auto rt = rc->find("reasoningText"); rt != rc->end() && rt->is_object()) {
          Json block = Json::object();
          block["type"] = "thinking";
          block["thinking"] = string_or(*rt, "text");
          block["signature"] = string_or(*rt, "signature");
          content.push_back(std::move(block));
        } else if (auto red = rc->find("redactedContent"); red != rc->end()) {
          content.push_back(Json{{"type", "redacted_thinking"}, {"data", *red}});
        }
      }
    }
  }
  Json out = Json::object();
  out["id"] = converse_message_id(id_seed);
  out["type"] = "message";
  out["role"] = "assistant";
  out["model"] = model;
  out["content"] = std::move(content);
  out["stop_reason"] = anthropic_stop_reason_for_converse(string_or(converse, "stopReason"));
  out["stop_sequence"] = nullptr;
  Json usage = Json::object();
  auto num = [&](const Json& u, std::string_view k) -> int64_t {
    auto it = u.find(k);
    return (it != u.end() && it->is_number_integer()) ? it->get<int64_t>() : 0;
  };
  const Json empty = Json::object();
  const Json& u = (converse.contains("usage") && converse["usage"].is_object()) ? converse["usage"] : empty;
  usage["input_tokens"] = num(u, "inputTokens");
  usage["cache_creation_input_tokens"] = num(u, "cacheWriteInputTokens");
  usage["cache_read_input_tokens"] = num(u, "cacheReadInputTokens");
  usage["output_tokens"] = num(u, "outputTokens");
  out["usage"] = std::move(usage);
  return out;
}

}  // namespace aicore::claude
