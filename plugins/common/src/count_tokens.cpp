#include <aicore/mapping/count_tokens.hpp>

#include "json_util.hpp"

#include <cmath>

namespace aicore::mapping {

using namespace detail;

namespace {

constexpr int64_t kPerMessage = 4;
constexpr int64_t kSystem = 4;
constexpr int64_t kToolPrompt = 346;
constexpr int64_t kPerTool = 16;
constexpr int64_t kImageCeiling = 1600;
constexpr int64_t kPerPdfPage = 1500;
constexpr size_t kPdfBytesPerPage = 75 * 1024;
constexpr size_t kImageHeaderBytes = 64 * 1024;  // enough for a JPEG's SOF after its EXIF

int64_t text_tokens(std::string_view s) { return static_cast<int64_t>((s.size() + 3) / 4); }
int64_t json_tokens(const Json& j) { return text_tokens(dump(j)); }

uint32_t be16(const std::string& b, size_t i) {
  return (static_cast<uint8_t>(b[i]) << 8) | static_cast<uint8_t>(b[i + 1]);
}
uint32_t le16(const std::string& b, size_t i) {
  return static_cast<uint8_t>(b[i]) | (static_cast<uint8_t>(b[i + 1]) << 8);
}
uint32_t le24(const std::string& b, size_t i) { return le16(b, i) | (static_cast<uint8_t>(b[i + 2]) << 16); }
uint32_t be32(const std::string& b, size_t i) { return (be16(b, i) << 16) | be16(b, i + 2); }

// Pixel size from an image's first bytes; false when unknown.
bool image_size(const std::string& b, int64_t& w, int64_t& h) {
  const size_t n = b.size();
  if (n >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    w = be32(b, 16);
    h = be32(b, 20);
    return true;
  }
  if (n >= 10 && b.compare(0, 4, "GIF8") == 0) {
    w = le16(b, 6);
    h = le16(b, 8);
    return true;
  }
  if (n >= 30 && b.compare(0, 4, "RIFF") == 0 && b.compare(8, 4, "WEBP") == 0) {
    if (b.compare(12, 4, "VP8 ") == 0) {
      w = le16(b, 26) & 0x3fff;
      h = le16(b, 28) & 0x3fff;
      return true;
    }
    if (b.compare(12, 4, "VP8L") == 0) {
      const uint32_t v = static_cast<uint8_t>(b[21]) | (static_cast<uint8_t>(b[22]) << 8) |
                         (static_cast<uint8_t>(b[23]) << 16) |
                         (static_cast<uint32_t>(static_cast<uint8_t>(b[24])) << 24);
      w = 1 + (v & 0x3fff);
      h = 1 + ((v >> 14) & 0x3fff);
      return true;
    }
    if (b.compare(12, 4, "VP8X") == 0) {
      w = 1 + le24(b, 24);
      h = 1 + le24(b, 27);
      return true;
    }
    return false;
  }
  if (n >= 4 && static_cast<uint8_t>(b[0]) == 0xFF && static_cast<uint8_t>(b[1]) == 0xD8) {
    size_t i = 2;
    while (i + 9 < n) {
      if (static_cast<uint8_t>(b[i]) != 0xFF) return false;
      const uint8_t m = static_cast<uint8_t>(b[i + 1]);
      if (m == 0xFF) {  // fill byte
        ++i;
        continue;
      }
      if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        h = be16(b, i + 5);
        w = be16(b, i + 7);
        return true;
      }
      if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {  // markers without a length
        i += 2;
        continue;
      }
      i += 2 + be16(b, i + 2);
    }
  }
  return false;
}

int64_t image_tokens(const Json& block) {
  const Json* src = find(block, "source");
  if (!src || str_or(*src, "type") != "base64") return kImageCeiling;
  const Json* data = find(*src, "data");
  if (!data || !data->is_string()) return kImageCeiling;
  int64_t w = 0, h = 0;
  if (!image_size(base64_decode(data->get_ref<const std::string&>(), kImageHeaderBytes), w, h) || w <= 0 || h <= 0)
    return kImageCeiling;
  return estimate_image_tokens(w, h);
}

int64_t pdf_pages(std::string_view b64) {
  const std::string pdf = base64_decode(b64);
  int64_t pages = 0;
  for (std::string_view key : {"/Type/Page", "/Type /Page"}) {
    for (size_t i = pdf.find(key); i != std::string::npos; i = pdf.find(key, i + 1)) {
      const size_t end = i + key.size();
      if (end < pdf.size() && pdf[end] == 's') continue;  // /Pages, the page tree
      ++pages;
    }
  }
  if (pages > 0) return pages;
  return std::max<int64_t>(1, static_cast<int64_t>((pdf.size() + kPdfBytesPerPage - 1) / kPdfBytesPerPage));
}

int64_t blocks_tokens(const Json& content);

int64_t document_tokens(const Json& block) {
  int64_t t = text_tokens(str_or(block, "title")) + text_tokens(str_or(block, "context"));
  const Json* src = find(block, "source");
  if (!src) return t + json_tokens(block);
  const std::string type = str_or(*src, "type");
  if (type == "base64") {
    const Json* data = find(*src, "data");
    if (str_or(*src, "media_type") == "application/pdf" && data && data->is_string())
      return t + kPerPdfPage * pdf_pages(data->get_ref<const std::string&>());
    return t + text_tokens(base64_decode(data && data->is_string() ? data->get_ref<const std::string&>() : ""));
  }
  if (type == "text") return t + text_tokens(str_or(*src, "data"));
  if (type == "content") {
    const Json* c = find(*src, "content");
    return t + (c ? blocks_tokens(*c) : 0);
  }
  return t + kPerPdfPage;  // url or file sources: one page, unseen
}

int64_t block_tokens(const Json& b) {
  if (b.is_string()) return text_tokens(b.get_ref<const std::string&>());
  const std::string type = str_or(b, "type");
  if (type == "text") return text_tokens(str_or(b, "text"));
  if (type == "image") return image_tokens(b);
  if (type == "document") return document_tokens(b);
  if (type == "thinking") return text_tokens(str_or(b, "thinking"));
  if (type == "redacted_thinking") return 0;
  if (type == "tool_use" || type == "server_tool_use") {
    const Json* input = find(b, "input");
    return text_tokens(str_or(b, "name")) + (input ? json_tokens(*input) : 0);
  }
  if (type == "tool_result") {
    const Json* c = find(b, "content");
    return kPerMessage + (c ? blocks_tokens(*c) : 0);
  }
  if (type == "search_result") {
    const Json* c = find(b, "content");
    return text_tokens(str_or(b, "title")) + text_tokens(str_or(b, "source")) + (c ? blocks_tokens(*c) : 0);
  }
  return json_tokens(b);
}

// A string, an array of blocks, or anything else (counted as JSON).
int64_t blocks_tokens(const Json& content) {
  if (content.is_string()) return text_tokens(content.get_ref<const std::string&>());
  if (!content.is_array()) return json_tokens(content);
  int64_t t = 0;
  for (const Json& b : content) t += block_tokens(b);
  return t;
}

int64_t tool_tokens(const Json& tool) {
  if (!tool.is_object()) return kPerTool + json_tokens(tool);
  if (const Json* type = find(tool, "type"); type && *type != "custom") return kPerTool + json_tokens(tool);
  int64_t t = kPerTool + text_tokens(str_or(tool, "name")) + text_tokens(str_or(tool, "description"));
  if (const Json* s = find(tool, "input_schema")) t += json_tokens(*s);
  return t;
}

}  // namespace

int64_t estimate_image_tokens(int64_t width, int64_t height) {
  if (width <= 0 || height <= 0) return kImageCeiling;
  double w = static_cast<double>(width), h = static_cast<double>(height);
  const double long_edge = std::max(w, h);
  if (long_edge > 1568.0) {
    w *= 1568.0 / long_edge;
    h *= 1568.0 / long_edge;
  }
  if (w * h > 1150000.0) {
    const double s = std::sqrt(1150000.0 / (w * h));
    w *= s;
    h *= s;
  }
  return std::clamp<int64_t>(static_cast<int64_t>(std::ceil(w * h / 750.0)), 1, kImageCeiling);
}

int64_t estimate_input_tokens(const Json& body) {
  if (!body.is_object()) return 1;
  int64_t total = 0;
  if (const Json* sys = find(body, "system")) total += kSystem + blocks_tokens(*sys);
  if (const Json* msgs = find(body, "messages"); msgs && msgs->is_array()) {
    for (const Json& m : *msgs) {
      total += kPerMessage;
      if (const Json* c = find(m, "content")) total += blocks_tokens(*c);
    }
  }
  if (const Json* tools = find(body, "tools"); tools && tools->is_array() && !tools->empty()) {
    total += kToolPrompt;
    for (const Json& t : *tools) total += tool_tokens(t);
  }
  return std::max<int64_t>(total, 1);
}

std::string count_tokens_response(std::string_view body) {
  const Json in = parse_client_json(body);
  if (!in.is_object()) throw invalid_request("body: must be a JSON object");
  const Json& messages = require(in, "messages", "");
  if (!messages.is_array()) throw invalid_request("messages: must be an array");
  Json out = Json::object();
  out["input_tokens"] = estimate_input_tokens(in);
  return dump(out);
}

}  // namespace aicore::mapping
