// The openai plugin's converters through its C ABI, as the host calls them: every input is a client
// body for each dialect and model family (chat on GPT and reasoning models, embeddings, Anthropic
// Messages and count_tokens on GPT), and an upstream body for the non-streaming response
// converters and the error classifier.
//
// Properties: nothing escapes the thunks (a crash or sanitizer report is a finding); a client's bad
// body is a 400-class error with a message, never ACP_ERR_INTERNAL (500); an upstream's bad body is
// never ACP_ERR_INTERNAL either; what a converter accepts it turns into valid JSON.
#include "fuzz_support.hpp"

#include "openai/provider.hpp"

namespace {

const fuzz::Adapter<aicore::openai::OpenAIProvider>& adapter() {
  static fuzz::Adapter<aicore::openai::OpenAIProvider> a("{}");
  return a;
}

void request(std::string_view dialect, std::string_view model, std::string_view body, bool stream) {
  fuzz::Request out;
  fuzz::Error err;
  acp_status st = adapter().convert_request(dialect, model, model, body, stream, out, err);
  fuzz::check_failure(st, err, body, true);
  if (st != ACP_OK) return;
  if (out.respond_status) {  // answered locally (count_tokens)
    FUZZ_CHECK(out.respond_status == 200, out.respond_body);
    FUZZ_CHECK(nlohmann::json::accept(out.respond_body), out.respond_body);
    return;
  }
  FUZZ_CHECK(!out.target.empty() && out.target[0] == '/', out.target);
  auto j = nlohmann::json::parse(out.body, nullptr, false);
  FUZZ_CHECK(j.is_object(), out.body);
}

void response(std::string_view dialect, std::string_view model, std::string_view body, std::string_view context = {}) {
  fuzz::Collect out;
  fuzz::Error err;
  acp_status st = adapter().convert_response(dialect, model, context, 200, body, out, err);
  fuzz::check_failure(st, err, body, false);
  if (st == ACP_OK) FUZZ_CHECK(nlohmann::json::accept(out.joined()), out.joined());
}

// The context of a valid two-input batchEmbedContents request, so the fuzzed bytes play the
// embeddings answer to it.
const std::string& batch_embed_context() {
  static const std::string context = [] {
    fuzz::Request out;
    fuzz::Error err;
    adapter().convert_request(
        ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, "text-embedding-3-small", "text-embedding-3-small",
        R"({"requests":[{"content":{"parts":[{"text":"a"}]}},{"content":{"parts":[{"text":"b"}]}}]})", false, out, err);
    return out.context;
  }();
  return context;
}

}  // namespace

int fuzz_one_input(std::string_view in) {
  request(ACP_DIALECT_OPENAI_CHAT, "gpt-4o", in, false);
  request(ACP_DIALECT_OPENAI_CHAT, "gpt-4o", in, true);
  request(ACP_DIALECT_OPENAI_CHAT, "o3", in, false);
  request(ACP_DIALECT_OPENAI_CHAT, "gpt-5", in, true);
  request(ACP_DIALECT_OPENAI_EMBEDDINGS, "text-embedding-3-small", in, false);
  request(ACP_DIALECT_ANTHROPIC_MESSAGES, "gpt-4o", in, false);
  request(ACP_DIALECT_ANTHROPIC_MESSAGES, "o3", in, true);
  request(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "gpt-4o", in, false);
  request(ACP_DIALECT_OPENAI_RESPONSES, "gpt-5", in, true);
  request(ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gpt-4o", in, false);
  request(ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gpt-5", in, true);
  request(ACP_DIALECT_GEMINI_COUNT_TOKENS, "gpt-4o", in, false);
  request(ACP_DIALECT_GEMINI_EMBED_CONTENT, "text-embedding-3-small", in, false);
  request(ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, "text-embedding-3-small", in, false);

  response(ACP_DIALECT_OPENAI_CHAT, "gpt-4o", in);
  response(ACP_DIALECT_OPENAI_EMBEDDINGS, "text-embedding-3-small", in);
  response(ACP_DIALECT_ANTHROPIC_MESSAGES, "gpt-4o", in);
  response(ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, "text-embedding-3-small", in, batch_embed_context());

  for (int status : {400, 401, 403, 404, 429, 500, 503}) {
    fuzz::Collect message;
    acp_error_class c = adapter().classify(ACP_DIALECT_OPENAI_CHAT, "gpt-4o", status, in, message);
    FUZZ_CHECK(c == ACP_UPSTREAM_FATAL || c == ACP_UPSTREAM_RETRY || c == ACP_UPSTREAM_REAUTH, in);
  }
  return 0;
}
