// The gemini plugin's converters through its C ABI, as the host calls them: every input is a client
// body for each dialect it serves (OpenAI chat, Anthropic Messages, embeddings, count_tokens), and
// also a JSON Schema inside a chat request (as a tool's parameters and as response_format), since
// the schema cleaner (plugins/gemini/schema.cpp: $ref inlining, allOf/anyOf merging) is the most
// intricate reader of client bytes; and an upstream (Vertex) body for the response converters and
// the error classifier.
//
// Properties as for the other plugins: nothing escapes the thunks (a crash, a stack overflow on the
// worker-sized stack or a sanitizer report is a finding); a client's bad body is never
// ACP_ERR_INTERNAL (500); an upstream's bad body is never ACP_ERR_INTERNAL either; what a converter
// accepts it turns into valid JSON.
#include "fuzz_support.hpp"

#include "gemini/provider.hpp"

namespace {

using GeminiAdapter = fuzz::Adapter<aicore::gemini::GeminiProvider>;

const GeminiAdapter& adapter() {
  static GeminiAdapter a("{}");
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
  FUZZ_CHECK(nlohmann::json::parse(out.body, nullptr, false).is_object(), out.body);
}

void response(std::string_view dialect, std::string_view context, std::string_view body) {
  fuzz::Collect out;
  fuzz::Error err;
  acp_status st = adapter().convert_response(dialect, "gemini-2.5-pro", context, 200, body, out, err);
  fuzz::check_failure(st, err, body, false);
  if (st == ACP_OK) FUZZ_CHECK(nlohmann::json::accept(out.joined()), out.joined());
}

constexpr std::string_view kChatContext = R"({"v":"gemini.v1","m":"gemini-2.5-pro","u":true,"s":"0123abcd","h":12})";
constexpr std::string_view kEmbeddingsContext = R"({"v":"gemini.v1","m":"gemini-embedding-001","b64":true})";
constexpr std::string_view kBatchEmbedContext = R"({"v":"gemini.v1","m":"gemini-embedding-001","bat":true,"n":2})";

}  // namespace

int fuzz_one_input(std::string_view in) {
  request(ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro", in, false);
  request(ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-flash", in, true);
  request(ACP_DIALECT_ANTHROPIC_MESSAGES, "gemini-2.5-pro", in, false);
  request(ACP_DIALECT_ANTHROPIC_MESSAGES, "gemini-3-pro-preview", in, true);
  request(ACP_DIALECT_OPENAI_EMBEDDINGS, "gemini-embedding-001", in, false);
  request(ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, "gemini-2.5-pro", in, false);
  request(ACP_DIALECT_OPENAI_RESPONSES, "gemini-2.5-pro", in, true);
  request(ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-2.5-pro", in, false);
  request(ACP_DIALECT_GEMINI_GENERATE_CONTENT, "gemini-3-pro-preview", in, true);
  request(ACP_DIALECT_GEMINI_COUNT_TOKENS, "gemini-2.5-pro", in, false);
  request(ACP_DIALECT_GEMINI_EMBED_CONTENT, "gemini-embedding-001", in, false);
  request(ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, "gemini-embedding-001", in, false);

  // The input as a JSON Schema, where clients put one (only when it is a JSON value at all: the
  // plain requests above already cover bodies that do not parse).
  if (nlohmann::json::accept(in)) {
    const std::string schema(in);
    request(ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro",
            R"({"model":"gemini-2.5-pro","messages":[{"role":"user","content":"hi"}],)"
            R"("tools":[{"type":"function","function":{"name":"f","parameters":)" +
                schema + "}}]}",
            false);
    request(ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro",
            R"({"model":"gemini-2.5-pro","messages":[{"role":"user","content":"hi"}],)"
            R"("response_format":{"type":"json_schema","json_schema":{"name":"r","schema":)" +
                schema + "}}}",
            false);
    request(ACP_DIALECT_ANTHROPIC_MESSAGES, "gemini-2.5-pro",
            R"({"model":"gemini-2.5-pro","max_tokens":10,"messages":[{"role":"user","content":"hi"}],)"
            R"("tools":[{"name":"f","input_schema":)" +
                schema + "}]}",
            false);
  }

  response(ACP_DIALECT_OPENAI_CHAT, kChatContext, in);
  response(ACP_DIALECT_ANTHROPIC_MESSAGES, kChatContext, in);
  response(ACP_DIALECT_OPENAI_EMBEDDINGS, kEmbeddingsContext, in);
  response(ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, kBatchEmbedContext, in);
  response(ACP_DIALECT_OPENAI_CHAT, in, R"({"candidates":[{"content":{"parts":[{"text":"x"}]}}]})");

  for (int status : {400, 401, 403, 404, 429, 500, 503}) {
    fuzz::Collect message;
    acp_error_class c = adapter().classify(ACP_DIALECT_OPENAI_CHAT, "gemini-2.5-pro", status, in, message);
    FUZZ_CHECK(c == ACP_UPSTREAM_FATAL || c == ACP_UPSTREAM_RETRY || c == ACP_UPSTREAM_REAUTH, in);
  }
  return 0;
}
