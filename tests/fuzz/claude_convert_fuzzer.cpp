// The claude plugin's converters through its C ABI, as the host calls them: every input is a client
// body for Anthropic Messages (Bedrock invoke and converse), OpenAI chat on Claude (through the
// shared plugins/common mapping) and count_tokens, and an upstream body for the non-streaming
// response converters and the error classifier.
//
// Properties as for the openai plugin: nothing escapes the thunks; a client's bad body is never
// ACP_ERR_INTERNAL (500); an upstream's bad body is never ACP_ERR_INTERNAL either; what a converter
// accepts it turns into valid JSON.
#include "fuzz_support.hpp"

#include "claude/provider.hpp"

namespace {

using ClaudeAdapter = fuzz::Adapter<aicore::claude::ClaudeProvider>;

const ClaudeAdapter& invoke_api() {
  static ClaudeAdapter a("{}");
  return a;
}
const ClaudeAdapter& converse_api() {
  static ClaudeAdapter a(R"({"api":"converse"})");
  return a;
}

constexpr std::string_view kModel = "anthropic--claude-4.5-sonnet";

void request(const ClaudeAdapter& a, std::string_view dialect, std::string_view body, bool stream,
             std::string* context = nullptr) {
  fuzz::Request out;
  fuzz::Error err;
  acp_status st = a.convert_request(dialect, "claude-sonnet-4-5", kModel, body, stream, out, err);
  fuzz::check_failure(st, err, body, true);
  if (st != ACP_OK) return;
  if (out.respond_status) {
    FUZZ_CHECK(nlohmann::json::accept(out.respond_body), out.respond_body);
    return;
  }
  FUZZ_CHECK(!out.target.empty() && out.target[0] == '/', out.target);
  FUZZ_CHECK(nlohmann::json::parse(out.body, nullptr, false).is_object(), out.body);
  if (context) *context = out.context;
}

void response(const ClaudeAdapter& a, std::string_view dialect, std::string_view context, std::string_view body) {
  fuzz::Collect out;
  fuzz::Error err;
  acp_status st = a.convert_response(dialect, kModel, context, 200, body, out, err);
  fuzz::check_failure(st, err, body, false);
  if (st == ACP_OK) FUZZ_CHECK(nlohmann::json::accept(out.joined()), out.joined());
}

}  // namespace

int fuzz_one_input(std::string_view in) {
  for (const ClaudeAdapter* a : {&invoke_api(), &converse_api()}) {
    request(*a, ACP_DIALECT_ANTHROPIC_MESSAGES, in, false);
    request(*a, ACP_DIALECT_ANTHROPIC_MESSAGES, in, true);
    request(*a, ACP_DIALECT_OPENAI_CHAT, in, false);
    request(*a, ACP_DIALECT_ANTHROPIC_COUNT_TOKENS, in, false);
    request(*a, ACP_DIALECT_OPENAI_RESPONSES, in, true);
    request(*a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, in, false);
    request(*a, ACP_DIALECT_GEMINI_GENERATE_CONTENT, in, true);
    request(*a, ACP_DIALECT_GEMINI_COUNT_TOKENS, in, false);
  }

  // Response conversion needs the context its request produced: take the contexts of fixed, valid
  // requests, so the fuzzed bytes play the upstream's answer to each of them.
  struct Case {
    const ClaudeAdapter* adapter;
    std::string_view dialect;
    std::string context;
  };
  static const std::vector<Case> cases = [] {
    const char* m = R"({"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]})";
    const char* c = R"({"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]})";
    std::vector<Case> v{{&invoke_api(), ACP_DIALECT_ANTHROPIC_MESSAGES, {}},
                        {&invoke_api(), ACP_DIALECT_OPENAI_CHAT, {}},
                        {&converse_api(), ACP_DIALECT_ANTHROPIC_MESSAGES, {}},
                        {&converse_api(), ACP_DIALECT_OPENAI_CHAT, {}}};
    for (auto& k : v) request(*k.adapter, k.dialect, k.dialect == ACP_DIALECT_OPENAI_CHAT ? c : m, false, &k.context);
    return v;
  }();
  for (const auto& k : cases) response(*k.adapter, k.dialect, k.context, in);

  for (int status : {400, 401, 403, 404, 408, 429, 500, 503}) {
    fuzz::Collect message;
    acp_error_class c = invoke_api().classify(ACP_DIALECT_ANTHROPIC_MESSAGES, kModel, status, in, message);
    FUZZ_CHECK(c == ACP_UPSTREAM_FATAL || c == ACP_UPSTREAM_RETRY || c == ACP_UPSTREAM_REAUTH, in);
  }
  return 0;
}
