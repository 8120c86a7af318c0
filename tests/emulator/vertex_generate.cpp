// POST {deployment}/models/{model}:generateContent and :streamGenerateContent[?alt=sse] on
// gcp-vertexai deployments.
#include "base64.hpp"
#include "config.hpp"
#include "emulator.hpp"
#include "exchange.hpp"
#include "ids.hpp"
#include "text.hpp"
#include "vertex.hpp"
#include "vertex_request.hpp"

#include <chrono>
#include <ctime>
#include <thread>

namespace aicore::emulator {

namespace {

// Thinking models report this many thought tokens, and send this thought when asked to include
// them: fixed, so usage stays predictable.
constexpr int64_t kThoughtTokens = 16;
constexpr std::string_view kThought = "Thinking about how to answer.";

struct Target {
  std::string model;
  std::string method;
};

Target parseTarget(std::string_view suffix) {
  std::string_view rest = suffix.substr(std::string_view("/models/").size());
  size_t colon = rest.rfind(':');
  return {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

std::string isoNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(us));
  return std::string(buf) + frac;
}

struct Meta {
  std::string modelVersion, createTime, responseId;
  int64_t promptTokens = 0, candidateTokens = 0, thoughtTokens = 0;  // per candidate for the last two
  int candidates = 1;
};

Json safetyRatings(bool blocked) {
  Json r = {{"category", "HARM_CATEGORY_DANGEROUS_CONTENT"},
            {"probability", blocked ? "HIGH" : "NEGLIGIBLE"},
            {"probabilityScore", blocked ? 0.93 : 0.02},
            {"severity", blocked ? "HARM_SEVERITY_HIGH" : "HARM_SEVERITY_NEGLIGIBLE"},
            {"severityScore", blocked ? 0.91 : 0.01}};
  if (blocked) r["blocked"] = true;
  return Json::array({r});
}

Json fullUsage(const Meta& m) {
  const int64_t c = m.candidateTokens * m.candidates, t = m.thoughtTokens * m.candidates;
  Json u = {{"promptTokenCount", m.promptTokens},
            {"candidatesTokenCount", c},
            {"totalTokenCount", m.promptTokens + c + t},
            {"trafficType", "ON_DEMAND"},
            {"promptTokensDetails", Json::array({{{"modality", "TEXT"}, {"tokenCount", m.promptTokens}}})},
            {"candidatesTokensDetails", Json::array({{{"modality", "TEXT"}, {"tokenCount", c}}})}};
  if (t > 0) u["thoughtsTokenCount"] = t;
  return u;
}

// Streamed chunks before the last carry the prompt count only, as Vertex does.
Json partialUsage(const Meta& m) {
  return {{"promptTokenCount", m.promptTokens}, {"totalTokenCount", m.promptTokens}, {"trafficType", "ON_DEMAND"}};
}

Json response(const Meta& m, Json candidates, Json usage) {
  return {{"candidates", std::move(candidates)},
          {"usageMetadata", std::move(usage)},
          {"modelVersion", m.modelVersion},
          {"createTime", m.createTime},
          {"responseId", m.responseId}};
}

Json candidate(const Meta& m, int index, Json parts, const char* finish) {
  Json c = Json::object();
  if (!parts.empty()) c["content"] = {{"role", "model"}, {"parts", std::move(parts)}};
  if (finish) c["finishReason"] = finish;
  if (finish && std::string_view(finish) == "SAFETY") c["safetyRatings"] = safetyRatings(true);
  if (finish && std::string_view(finish) != "SAFETY") c["avgLogprobs"] = -0.0421;
  if (m.candidates > 1) c["index"] = index;
  return c;
}

const char* finishName(const Reply& r) { return r.finish == Reply::Finish::Length ? "MAX_TOKENS" : "STOP"; }

Json thoughtPart() { return {{"text", kThought}, {"thought", true}}; }

Json callPart(const Reply& r, bool signed_) {
  Json p = {{"functionCall", {{"name", r.toolName}, {"args", Json::parse(r.toolArguments)}}}};
  if (signed_) p["thoughtSignature"] = base64Encode("sig:" + r.toolCallHash);
  return p;
}

Json blockedPrompt(const Meta& m) {
  return {{"promptFeedback",
           {{"blockReason", "SAFETY"},
            {"safetyRatings", safetyRatings(true)},
            {"blockReasonMessage",
             "The prompt could not be submitted. This prompt contains sensitive words that violate Google's "
             "Responsible AI practices. Try rephrasing the prompt."}}},
          {"usageMetadata", {{"promptTokenCount", m.promptTokens}, {"totalTokenCount", m.promptTokens}, {"trafficType", "ON_DEMAND"}}},
          {"modelVersion", m.modelVersion},
          {"createTime", m.createTime},
          {"responseId", m.responseId}};
}

// A stream in either of Vertex's framings: SSE (alt=sse; events end with CRLF CRLF) or one JSON
// array whose elements are written as they are produced. Honours --chunk-delay-ms and armed
// drop/reset faults like SseWriter.
class VertexStream {
 public:
  VertexStream(Exchange& ex, bool sse)
      : ex_(ex), out_(ex.startStream(sse ? "text/event-stream" : "application/json; charset=UTF-8")),
        sse_(sse), delayMs_(ex.emu.options.chunkDelayMs) {}

  bool event(const Json& j) {
    if (dead_) return false;
    if (ex_.pendingAbort && events_ >= ex_.pendingAbort->afterEvents) return abort();
    if (events_ > 0 && delayMs_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delayMs_));
    std::string bytes = sse_ ? "data: " + dump(j) + "\r\n\r\n" : (events_ == 0 ? "[" : "\n,\r\n") + j.dump(2);
    ++events_;
    if (!ex_.writeEvent(out_, bytes)) dead_ = true;
    return !dead_;
  }

  void end() {
    if (dead_) return;
    if (ex_.pendingAbort) {
      abort();
      return;
    }
    if (!sse_) {
      std::string tail = events_ == 0 ? "[]" : "\n]";
      out_.write(tail.data(), static_cast<std::streamsize>(tail.size()));
      out_.flush();
    }
  }

 private:
  bool abort() {
    ex_.abortConnection(ex_.pendingAbort->reset);
    dead_ = true;
    return false;
  }

  Exchange& ex_;
  std::ostream& out_;
  bool sse_;
  int delayMs_;
  int events_ = 0;
  bool dead_ = false;
};

void streamReply(VertexStream& out, const Meta& m, const VertexChat& chat, const Reply& reply) {
  if (chat.blockPrompt) {
    if (out.event(blockedPrompt(m))) out.end();
    return;
  }
  for (int i = 0; i < m.candidates; ++i) {
    const bool last = i + 1 == m.candidates;
    auto usage = [&](bool final) { return final && last ? fullUsage(m) : partialUsage(m); };
    if (chat.blockAnswer) {
      if (!out.event(response(m, Json::array({candidate(m, i, Json::array(), "SAFETY")}), usage(true)))) return;
      continue;
    }
    if (chat.includeThoughts && chat.thinks)
      if (!out.event(response(m, Json::array({candidate(m, i, Json::array({thoughtPart()}), nullptr)}), usage(false))))
        return;
    if (reply.isToolCall) {
      // Gemini sends a function call whole, with the finish reason, in one chunk.
      Json parts = Json::array({callPart(reply, chat.thinks)});
      if (!out.event(response(m, Json::array({candidate(m, i, std::move(parts), "STOP")}), usage(true)))) return;
      continue;
    }
    for (std::string_view word : splitWords(reply.text))
      if (!out.event(response(m, Json::array({candidate(m, i, Json::array({{{"text", word}}}), nullptr)}), usage(false))))
        return;
    // The last chunk: an empty text part with the finish reason and the full usage.
    if (!out.event(response(m, Json::array({candidate(m, i, Json::array({{{"text", ""}}}), finishName(reply))}), usage(true))))
      return;
  }
  out.end();
}

std::string wholeReply(const Meta& m, const VertexChat& chat, const Reply& reply) {
  if (chat.blockPrompt) return dump(blockedPrompt(m));
  Json cands = Json::array();
  for (int i = 0; i < m.candidates; ++i) {
    if (chat.blockAnswer) {
      cands.push_back(candidate(m, i, Json::array(), "SAFETY"));
      continue;
    }
    Json parts = Json::array();
    if (chat.includeThoughts && chat.thinks) parts.push_back(thoughtPart());
    if (reply.isToolCall) parts.push_back(callPart(reply, chat.thinks));
    else if (!reply.text.empty()) parts.push_back({{"text", reply.text}});
    cands.push_back(candidate(m, i, std::move(parts), finishName(reply)));
  }
  return dump(response(m, std::move(cands), fullUsage(m)));
}

}  // namespace

void handleVertexGenerate(InferenceCall& call) {
  Exchange& ex = call.ex;
  const Deployment& dep = call.deployment;
  try {
    const Target target = parseTarget(call.suffix);
    if (target.model != dep.model)
      vertexFail("Publisher Model `publishers/google/models/" + target.model +
                     "` was not found or your deployment does not serve it (this deployment serves " + dep.model + ").",
                 404, "NOT_FOUND");
    if (isVertexEmbeddingModel(dep.model))
      vertexFail("Model " + dep.model + " does not support " + target.method + "; use :predict.", 400, "FAILED_PRECONDITION");
    const Json body = parseVertexBody(ex.body());
    const VertexChat chat = parseGenerateRequest(body, dep);
    if (dep.exceedsContextWindow(chat.promptTokens))
      vertexFail("The input token count (" + std::to_string(chat.promptTokens) +
                 ") exceeds the maximum number of tokens allowed (" + std::to_string(dep.contextWindow) + ").");
    const Reply reply = makeReply(chat.conversation);

    Meta m;
    m.modelVersion = dep.modelVersion.empty() ? dep.model : dep.modelVersion;
    m.createTime = isoNow();
    m.responseId = randomAlnum(24);
    m.candidates = chat.candidates;
    m.promptTokens = chat.promptTokens;
    m.candidateTokens = chat.blockAnswer ? 0 : reply.completionTokens;
    m.thoughtTokens = chat.thinks && !chat.blockAnswer ? kThoughtTokens : 0;

    if (target.method == "streamGenerateContent") {
      VertexStream out(ex, ex.queryParam("alt").value_or("") == "sse");
      streamReply(out, m, chat, reply);
    } else {
      ex.sendJson(200, wholeReply(m, chat, reply));
    }
  } catch (const VertexError& e) {
    sendVertexError(ex, e);
  }
}

}  // namespace aicore::emulator
