#include "routing/ConversationKey.hpp"

#include <aicore/abi.h>
#include <aicore/json_scan.hpp>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aicore::host {
namespace {

constexpr int kMaxDepth = 128;      // as the routing scan: fits a worker's stack
constexpr size_t kMaxLeading = 16;  // messages before the first user message that are looked at

struct Members {
  std::string_view system, tools, messages, metadata, prompt_cache_key, user;
};

class Hash {
 public:
  void add(std::string_view part) {
    // boost::hash_combine's mixing over std::hash of each part, then of its length, so "ab","c"
    // and "a","bc" differ.
    h_ ^= std::hash<std::string_view>{}(part) + 0x9e3779b97f4a7c15ULL + (h_ << 6) + (h_ >> 2);
    h_ ^= std::hash<size_t>{}(part.size()) + 0x9e3779b97f4a7c15ULL + (h_ << 6) + (h_ >> 2);
  }
  uint64_t value() const { return h_ == 0 ? 1 : h_; }  // 0 means "no key"

 private:
  uint64_t h_ = 0;
};

bool has_cache_control(std::string_view s) { return s.find("\"cache_control\"") != std::string_view::npos; }

void strip_cache_control(nlohmann::json& j) {
  if (j.is_object()) {
    j.erase("cache_control");
    for (auto& [k, v] : j.items()) strip_cache_control(v);
  } else if (j.is_array()) {
    for (auto& v : j) strip_cache_control(v);
  }
}

// A small value (a message, a system prompt) with its cache_control markers removed, re-serialised.
nlohmann::json parsed_without_markers(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  strip_cache_control(j);
  return j;
}

// The spans of the leading elements of an array text json_scan has validated: only strings and
// nesting need tracking. Stops after `stop(element)` returns true or `limit` elements.
template <class Stop>
void leading_elements(std::string_view arr, size_t limit, Stop&& stop) {
  if (arr.empty() || arr.front() != '[') return;
  int depth = 0;
  bool in_string = false;
  size_t start = std::string_view::npos, count = 0;
  auto element_end = [&](size_t end) {
    std::string_view e = arr.substr(start, end - start);
    while (!e.empty() && (e.back() == ' ' || e.back() == '\n' || e.back() == '\r' || e.back() == '\t'))
      e.remove_suffix(1);
    start = std::string_view::npos;
    return stop(e) || ++count >= limit;
  };
  for (size_t i = 1; i < arr.size(); ++i) {
    const char c = arr[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (start == std::string_view::npos) {
      if (c == ']' && depth == 0) return;  // empty array
      start = i;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) {  // the array's own ']'
        element_end(i);
        return;
      }
      --depth;
    } else if (c == ',' && depth == 0) {
      if (element_end(i)) return;
    }
  }
}

std::string_view session_of(const SessionHints& hints, const Members& m, bool anthropic) {
  if (!hints.header.empty()) return hints.header;
  if (!anthropic && m.prompt_cache_key.size() > 2) return m.prompt_cache_key;
  return {};
}

// metadata.user_id (Claude Code: "user_<hash>_account_<uuid>_session_<uuid>").
std::string anthropic_user(std::string_view metadata) {
  if (metadata.empty() || metadata.front() != '{') return {};
  auto j = nlohmann::json::parse(metadata, nullptr, false);
  auto u = j.is_object() ? j.find("user_id") : j.end();
  return u != j.end() && u->is_string() ? u->get<std::string>() : std::string();
}

// Claude Code sends a first system block "x-anthropic-billing-header: …; cch=…;" whose value
// changes per request; it is not part of the prompt (the claude plugin drops it) and must not
// split a conversation.
std::string anthropic_system(std::string_view system) {
  if (system.empty() || system.front() != '[') return std::string(system);
  auto j = parsed_without_markers(system);
  if (!j.is_array()) return std::string(system);
  nlohmann::json kept = nlohmann::json::array();
  for (auto& b : j) {
    auto t = b.is_object() ? b.find("text") : b.end();
    if (t != b.end() && t->is_string() && t->get_ref<const std::string&>().rfind("x-anthropic-billing-header:", 0) == 0)
      continue;
    kept.push_back(std::move(b));
  }
  return kept.dump();
}

uint64_t anthropic_key(std::string_view model_key, const Members& m, const SessionHints& hints) {
  if (m.messages.empty()) return 0;
  Hash h;
  h.add(model_key);
  h.add(session_of(hints, m, true));
  h.add(anthropic_user(m.metadata));
  h.add(m.tools);
  h.add(anthropic_system(m.system));
  if (!has_cache_control(m.tools) && !has_cache_control(m.system)) {
    bool any = false;
    leading_elements(m.messages, 1, [&](std::string_view first) {
      h.add(parsed_without_markers(first).dump());
      any = true;
      return true;
    });
    if (!any) return 0;
  }
  return h.value();
}

uint64_t openai_chat_key(std::string_view model_key, const Members& m, const SessionHints& hints) {
  if (m.messages.empty()) return 0;
  Hash h;
  h.add(model_key);
  h.add(session_of(hints, m, false));
  h.add(m.user);
  h.add(m.tools);
  bool user_seen = false;
  leading_elements(m.messages, kMaxLeading, [&](std::string_view e) {
    auto j = parsed_without_markers(e);
    h.add(j.dump());
    auto role = j.is_object() ? j.find("role") : j.end();
    user_seen = role != j.end() && *role == "user";
    return user_seen;
  });
  return user_seen ? h.value() : 0;
}

}  // namespace

uint64_t conversation_key(std::string_view dialect, std::string_view model_key, std::string_view body,
                          const SessionHints& hints) {
  const bool anthropic = dialect == ACP_DIALECT_ANTHROPIC_MESSAGES;
  if (!anthropic && dialect != ACP_DIALECT_OPENAI_CHAT) return 0;
  Members m;
  bool escaped_key = false;
  auto on_member = [&](const json_scan::Member& mem) {
    if (mem.key.find('\\') != std::string_view::npos) escaped_key = true;
    if (mem.key == "system")
      m.system = mem.value;
    else if (mem.key == "tools")
      m.tools = mem.value;
    else if (mem.key == "messages")
      m.messages = mem.value;
    else if (mem.key == "metadata")
      m.metadata = mem.value;
    else if (mem.key == "prompt_cache_key")
      m.prompt_cache_key = mem.value;
    else if (mem.key == "user")
      m.user = mem.value;
  };
  if (!json_scan::scan_any(body, kMaxDepth, on_member) || escaped_key) return 0;
  return anthropic ? anthropic_key(model_key, m, hints) : openai_chat_key(model_key, m, hints);
}

}  // namespace aicore::host
