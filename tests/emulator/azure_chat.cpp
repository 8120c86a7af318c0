// POST {deployment}/chat/completions?api-version=… on azure-openai deployments.
#include "azure_chat_request.hpp"
#include "azure_chat_response.hpp"
#include "azure_error.hpp"
#include "azure_openai.hpp"
#include "config.hpp"
#include "exchange.hpp"
#include "ids.hpp"
#include "sse_writer.hpp"

#include <chrono>
#include <string>

namespace aicore::emulator {

// Reasoning models think before answering; a fixed count keeps usage deterministic.
static constexpr int64_t kReasoningTokens = 16;

// OpenAI's own body for an over-long prompt, in its key order (unlike the validation errors, this
// one carries "code" last), so clients that parse it for "context_length_exceeded" meet the real thing.
static void sendContextLengthExceeded(Exchange& ex, const Deployment& dep, int64_t promptTokens) {
  Json body = {{"error",
                {{"message", "This model's maximum context length is " + std::to_string(dep.contextWindow) +
                                 " tokens. However, your messages resulted in " + std::to_string(promptTokens) +
                                 " tokens. Please reduce the length of the messages."},
                 {"type", "invalid_request_error"},
                 {"param", "messages"},
                 {"code", "context_length_exceeded"}}}};
  ex.sendJson(400, body);
}

void handleAzureChat(InferenceCall& call) {
  Exchange& ex = call.ex;
  const Deployment& dep = call.deployment;
  try {
    checkApiVersion(ex);
    if (isEmbeddingModel(dep.model))
      azureFail("The chatCompletion operation does not work with the specified model, " + dep.model +
                    ". Please choose different model and try again. You can learn more about which models can be used "
                    "with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.",
                std::nullopt, "OperationNotSupported");
    ChatRequest req = parseChatRequest(ex.body(), dep);
    if (dep.exceedsContextWindow(req.promptTokens)) return sendContextLengthExceeded(ex, dep, req.promptTokens);
    Reply reply = makeReply(req.conversation);

    CompletionMeta meta;
    meta.id = "chatcmpl-" + randomAlnum(29);
    meta.created =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    meta.model = datedModelName(dep);
    meta.fingerprint = "fp_" + sha1Hex(meta.model).substr(0, 10);
    meta.promptTokens = req.promptTokens;
    meta.reasoningTokens = isReasoningModel(dep.model) ? kReasoningTokens : 0;
    meta.completionTokens = reply.completionTokens + meta.reasoningTokens;

    if (req.stream) {
      SseWriter out(ex);
      streamCompletion(out, meta, reply, req.n, req.includeUsage);
    } else {
      ex.sendJson(200, completionJson(meta, reply, req.n));
    }
  } catch (const AzureError& e) {
    sendAzureError(ex, e);
  }
}

}  // namespace aicore::emulator
