// The aws-bedrock family's routes and shared helpers.
#include "bedrock.hpp"

#include "base64.hpp"
#include "config.hpp"
#include "exchange.hpp"
#include "ids.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace aicore::emulator {

void bedrockFail(std::string message, int status, std::string type) {
  BedrockError e;
  e.status = status;
  e.message = std::move(message);
  e.type = std::move(type);
  throw e;
}

void bedrockExtra(const std::string& path) { bedrockFail(path + ": Extra inputs are not permitted"); }

void sendBedrockError(Exchange& ex, const BedrockError& e) {
  ex.sendJson(e.status, Json{{"message", e.message}}, {{"x-amzn-ErrorType", e.type}});
}

namespace {

// Dated names Anthropic's models answer with on Bedrock.
constexpr std::pair<std::string_view, std::string_view> kDated[] = {
    {"anthropic--claude-3-haiku", "claude-3-haiku-20240307"},
    {"anthropic--claude-3-opus", "claude-3-opus-20240229"},
    {"anthropic--claude-3.5-sonnet", "claude-3-5-sonnet-20241022"},
    {"anthropic--claude-3.5-haiku", "claude-3-5-haiku-20241022"},
    {"anthropic--claude-3.7-sonnet", "claude-3-7-sonnet-20250219"},
    {"anthropic--claude-4-sonnet", "claude-sonnet-4-20250514"},
    {"anthropic--claude-4-opus", "claude-opus-4-20250514"},
    {"anthropic--claude-4.1-opus", "claude-opus-4-1-20250805"},
    {"anthropic--claude-4.5-sonnet", "claude-sonnet-4-5-20250929"},
    {"anthropic--claude-4.5-haiku", "claude-haiku-4-5-20251001"},
    {"anthropic--claude-4.5-opus", "claude-opus-4-5-20251101"},
};

constexpr std::string_view kBetas[] = {
    "computer-use-2024-10-22",         "computer-use-2025-01-24",      "token-efficient-tools-2025-02-19",
    "interleaved-thinking-2025-05-14", "output-128k-2025-02-19",       "dev-full-thinking-2025-05-14",
    "context-1m-2025-08-07",           "context-management-2025-06-27", "effort-2025-11-24",
    "tool-search-tool-2025-10-19",     "tool-examples-2025-10-29"};

uint64_t fnvMix(uint64_t h, std::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= 0xff;  // a separator, so "ab"+"c" differs from "a"+"bc"
  h *= 1099511628211ULL;
  return h;
}

// Prefixes written so far, per deployment: like Bedrock, a deployment reads only what it wrote
// itself (a proxy that spreads one conversation over several deployments pays for it). Bounded.
std::mutex gCacheMutex;
std::unordered_map<std::string, std::unordered_set<uint64_t>> gCaches;

}  // namespace

ClaudeModelInfo claudeModelInfo(const Deployment& d) {
  ClaudeModelInfo info;
  std::string m = toLower(d.model);
  for (std::string_view f : {"sonnet", "opus", "haiku"})
    if (m.find(f) != std::string::npos) info.family = std::string(f);
  // The first number after "claude-": "4.5" or "3".
  size_t at = m.find("claude-");
  std::string_view rest = at == std::string::npos ? std::string_view(m) : std::string_view(m).substr(at + 7);
  size_t i = 0;
  while (i < rest.size() && !std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
  while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) info.major = info.major * 10 + (rest[i++] - '0');
  if (i + 1 < rest.size() && (rest[i] == '.' || rest[i] == '-') && std::isdigit(static_cast<unsigned char>(rest[i + 1])) &&
      (i + 2 >= rest.size() || !std::isdigit(static_cast<unsigned char>(rest[i + 2])) || rest[i] == '.')) {
    ++i;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) info.minor = info.minor * 10 + (rest[i++] - '0');
  }
  if (!d.modelVersion.empty()) {
    info.dated = d.modelVersion;
  } else {
    info.dated = m.starts_with("anthropic--") ? m.substr(11) : m;
    for (const auto& [name, dated] : kDated)
      if (m == name) info.dated = std::string(dated);
  }
  return info;
}

int64_t ClaudeModelInfo::maxOutputTokens(bool output128k) const {
  if (major == 3 && minor == 7) return output128k ? 128000 : 64000;
  if (major == 3 && minor == 5) return 8192;
  if (major == 3) return 4096;
  if (family == "opus" && major == 4 && minor < 5) return 32000;
  return 64000;
}

void checkMaxTokens(const ClaudeModelInfo& model, int64_t maxTokens, bool output128k) {
  const int64_t limit = model.maxOutputTokens(output128k);
  if (maxTokens > limit)
    bedrockFail("max_tokens: " + std::to_string(maxTokens) + " > " + std::to_string(limit) +
                ", which is the maximum allowed number of output tokens for " + model.dated);
}

bool bedrockKnowsBeta(std::string_view beta) {
  for (auto b : kBetas)
    if (b == beta) return true;
  return false;
}

std::string thinkingSignature(std::string_view thinking) {
  return base64Encode(sha1Hex(std::string("aicore-emulator thinking\n") + std::string(thinking)));
}

void TokenTally::add(std::string_view text) {
  chars_ += text.size();
  hash_ = fnvMix(hash_, text);
}

void TokenTally::addChars(size_t chars, std::string_view identity) {
  chars_ += chars;
  hash_ = fnvMix(hash_, identity);
}

void TokenTally::message() {
  boundaries_.push_back(Point{chars_, overhead_, hash_});
  overhead_ += 3;
}

void TokenTally::cachePoint() {
  marks_.push_back(Point{chars_, overhead_, hash_});
  boundaries_.push_back(marks_.back());
}

int64_t TokenTally::total() const { return tokensForChars(chars_) + overhead_; }

void checkClaudeContextWindow(const Deployment& d, const TokenTally& tally) {
  const int64_t tokens = tally.total();
  if (d.exceedsContextWindow(tokens))
    bedrockFail("prompt is too long: " + std::to_string(tokens) + " tokens > " + std::to_string(d.contextWindow) +
                " maximum");
}

// As Anthropic documents it: the prefix up to the last breakpoint is looked up at every earlier
// block boundary too, and the longest one this deployment has written is read; the rest of the
// prefix is written (creation), and every breakpoint's prefix is stored for the next request.
TokenTally::Usage TokenTally::finish(const std::string& deployment) const {
  Usage u;
  const int64_t total = this->total();
  if (marks_.empty()) {
    u.input = total;
    return u;
  }
  auto tokens = [](const Point& p) { return tokensForChars(p.chars) + p.overhead; };
  const Point& last = marks_.back();
  int64_t read = 0;
  {
    std::lock_guard<std::mutex> lock(gCacheMutex);
    auto& cache = gCaches[deployment];
    if (cache.size() > 100000) cache.clear();
    for (const Point& b : boundaries_)
      if (b.chars <= last.chars && cache.count(b.hash)) read = std::max(read, tokens(b));
    for (const Point& m : marks_) cache.insert(m.hash);
  }
  const int64_t prefix = tokens(last);
  u.cacheRead = read;
  u.cacheCreation = prefix - read;
  u.input = std::max<int64_t>(0, total - prefix);
  return u;
}

ClaudeReply makeClaudeReply(const ClaudeTurn& turn, std::string_view toolIdPrefix) {
  ClaudeReply r;
  r.reply = makeReply(turn.conv);
  if (r.reply.isToolCall) {
    r.stopReason = "tool_use";
    r.toolUseId = std::string(toolIdPrefix) + r.reply.toolCallHash;
  } else if (r.reply.finish == Reply::Finish::Length) {
    r.stopReason = "max_tokens";
  } else {
    r.stopReason = "end_turn";
    if (!turn.conv.stop.empty()) {
      // Did a stop sequence end the text? Compare with the answer without them.
      Conversation free = turn.conv;
      free.stop.clear();
      free.maxTokens.reset();
      const std::string full = makeReply(free).text;
      if (full.size() > r.reply.text.size() && full.starts_with(r.reply.text))
        for (const auto& s : turn.conv.stop)
          if (!s.empty() && full.compare(r.reply.text.size(), s.size(), s) == 0) {
            r.stopReason = "stop_sequence";
            r.stopSequence = s;
            break;
          }
    }
  }
  if (turn.thinking) {
    if (turn.conv.last == Conversation::Last::ToolResult) {
      r.thinking = "Thinking about the tool result: " + turn.conv.toolResultText;
    } else {
      std::string said;
      for (const auto& t : turn.conv.lastUserTexts) said += (said.empty() ? "" : " ") + t;
      r.thinking = "Thinking about: " + said;
    }
    r.signature = thinkingSignature(r.thinking);
  }
  r.outputTokens = r.reply.completionTokens + static_cast<int64_t>(splitWords(r.thinking).size());
  return r;
}

// Route matchers.
static bool isInvoke(std::string_view s) { return s == "/invoke"; }
static bool isInvokeStream(std::string_view s) { return s == "/invoke-with-response-stream"; }
static bool isConverse(std::string_view s) { return s == "/converse"; }
static bool isConverseStream(std::string_view s) { return s == "/converse-stream"; }

RouteList bedrockRoutes() {
  return {
      {"aws-bedrock", "POST", &isInvoke, &handleBedrockInvoke},
      {"aws-bedrock", "POST", &isInvokeStream, &handleBedrockInvokeStream},
      {"aws-bedrock", "POST", &isConverse, &handleBedrockConverse},
      {"aws-bedrock", "POST", &isConverseStream, &handleBedrockConverseStream},
  };
}

}  // namespace aicore::emulator
