#include "test_support.hpp"

#include "gemini/context.hpp"
#include "gemini/embeddings.hpp"

#include <cstring>

using namespace gemini_test;
using aicore::gemini::convert_embeddings_request;
using aicore::gemini::convert_embeddings_response;
using aicore::gemini::convert_gemini_embed_request;
using aicore::gemini::convert_gemini_embed_response;
using aicore::gemini::ResponseContext;
using aicore::gemini::Settings;

namespace {

const char* kPredict = R"({"predictions":[
  {"embeddings":{"statistics":{"truncated":false,"token_count":4},"values":[0.5,-0.25,0.125]}},
  {"embeddings":{"statistics":{"truncated":false,"token_count":2.0},"values":[1,0,-1]}}],
  "metadata":{"billableCharacterCount":20}})";

std::vector<float> decode_floats(const std::string& b64) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : b64) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<uint32_t>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

}  // namespace

TEST(Embeddings, RequestShapes) {
  auto r = convert_embeddings_request(R"({"model":"gemini-embedding","input":"hello"})", "gemini-embedding",
                                      "gemini-embedding", Settings{});
  EXPECT_EQ(r.target, "/models/gemini-embedding:predict");
  EXPECT_EQ(r.body, R"({"instances":[{"content":"hello"}]})");
  r = convert_embeddings_request(
      R"({"input":["a","b"],"dimensions":256,"task_type":"RETRIEVAL_DOCUMENT","user":"u","encoding_format":"base64"})",
      "gemini-embedding", "emb", Settings{});
  EXPECT_EQ(
      r.body,
      R"({"instances":[{"content":"a","task_type":"RETRIEVAL_DOCUMENT"},{"content":"b","task_type":"RETRIEVAL_DOCUMENT"}],)"
      R"("parameters":{"outputDimensionality":256}})");
  ResponseContext ctx = ResponseContext::decode(r.context);
  EXPECT_TRUE(ctx.base64);
  EXPECT_EQ(ctx.client_model, "emb");
  Settings s = Settings::parse(R"({"model_names":{"emb":"gemini-embedding-001"}})");
  EXPECT_EQ(convert_embeddings_request(R"({"input":"x"})", "emb", "emb", s).target,
            "/models/gemini-embedding-001:predict");
}

TEST(Embeddings, InvalidRequests) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "input: required"},
      {R"({"input":null})", "input: required"},
      {R"({"input":5})", "input: must be a string or an array of strings"},
      {R"({"input":[]})", "input: must not be empty"},
      {R"({"input":""})", "input: must not be empty"},
      {R"({"input":["a",""]})", "input[1]: must not be empty"},
      {R"({"input":[1,2,3]})", "input: Gemini embedding models take text; token-id arrays are not supported"},
      {R"({"input":[[1,2]]})", "input: Gemini embedding models take text; token-id arrays are not supported"},
      {R"({"input":["a",{}]})", "input[1]: must be a string"},
      {R"({"input":"a","dimensions":0})", "dimensions: must be a positive integer"},
      {R"({"input":"a","encoding_format":"hex"})", "encoding_format: must be float or base64"},
      {R"({"input":"a","task_type":7})", "task_type: must be a string"},
  };
  for (const auto& [body, expected] : cases) {
    auto e = expect_plugin_error([&] { convert_embeddings_request(body, "gemini-embedding", "", Settings{}); });
    EXPECT_EQ(e.message, expected) << body;
    EXPECT_EQ(e.http_status, 400) << body;
  }
}

TEST(Embeddings, FloatResponse) {
  ResponseContext ctx;
  ctx.client_model = "gemini-embedding";
  EXPECT_EQ(convert_embeddings_response(kPredict, ctx),
            R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-0.25,0.125]},)"
            R"({"object":"embedding","index":1,"embedding":[1,0,-1]}],"model":"gemini-embedding",)"
            R"("usage":{"prompt_tokens":6,"total_tokens":6}})");
}

TEST(Embeddings, Base64ResponseDecodesToTheSameFloats) {
  ResponseContext ctx;
  ctx.client_model = "e";
  ctx.base64 = true;
  Json out = Json::parse(convert_embeddings_response(kPredict, ctx));
  EXPECT_EQ(out["data"][0]["embedding"], "AAAAPwAAgL4AAAA+");
  EXPECT_EQ(decode_floats(out["data"][0]["embedding"]), (std::vector<float>{0.5f, -0.25f, 0.125f}));
  EXPECT_EQ(decode_floats(out["data"][1]["embedding"]), (std::vector<float>{1.f, 0.f, -1.f}));
  EXPECT_EQ(out["usage"]["total_tokens"], 6);
}

TEST(Embeddings, UnusableResponses) {
  ResponseContext ctx;
  for (const char* bad : {"[]", R"({"x":1})", R"({"predictions":[{"embeddings":{}}]})", "nope"}) {
    auto e = expect_plugin_error([&] { convert_embeddings_response(bad, ctx); });
    EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << bad;
  }
  ctx.base64 = true;
  auto e = expect_plugin_error(
      [&] { convert_embeddings_response(R"({"predictions":[{"embeddings":{"values":["x"]}}]})", ctx); });
  EXPECT_EQ(e.message, "predict response: a value is not a number");
}

// The Gemini API's embedding methods to Vertex :predict: task_type and title kept per instance.
TEST(GeminiEmbed, BatchRequestKeepsTaskTypeAndTitle) {
  Settings s = Settings::parse(R"({"model_names":{"gemini-embedding":"gemini-embedding-001"}})");
  auto r = convert_gemini_embed_request(R"({"requests":[
      {"model":"models/gemini-embedding","content":{"parts":[{"text":"q"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":3},
      {"model":"models/gemini-embedding","content":{"parts":[{"text":"d1"},{"text":"d2"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"T"}]})",
                                        "gemini-embedding", "gemini-embedding", true, s);
  EXPECT_EQ(r.target, "/models/gemini-embedding-001:predict");
  EXPECT_EQ(r.body, R"({"instances":[{"content":"q","task_type":"RETRIEVAL_QUERY"},)"
                    R"({"content":"d1\nd2","task_type":"RETRIEVAL_DOCUMENT","title":"T"}],)"
                    R"("parameters":{"outputDimensionality":3}})");
  ResponseContext ctx = ResponseContext::decode(r.context);
  EXPECT_TRUE(ctx.batch);
  EXPECT_EQ(ctx.inputs, 2);

  aicore::Usage usage;
  EXPECT_EQ(convert_gemini_embed_response(kPredict, ctx, &usage),
            R"({"embeddings":[{"values":[0.5,-0.25,0.125]},{"values":[1,0,-1]}],)"
            R"("usageMetadata":{"promptTokenCount":6,"totalTokenCount":6}})");
  EXPECT_EQ(usage.input_tokens, 6);
}

TEST(GeminiEmbed, SingleRequestAndMismatchedAnswers) {
  auto r = convert_gemini_embed_request(R"({"content":{"parts":[{"text":"hello"}]}})", "gemini-embedding", "", false,
                                        Settings{});
  EXPECT_EQ(r.body, R"({"instances":[{"content":"hello"}]})");
  ResponseContext ctx = ResponseContext::decode(r.context);
  EXPECT_FALSE(ctx.batch);
  EXPECT_EQ(convert_gemini_embed_response(R"({"predictions":[{"embeddings":{"values":[0.5]}}]})", ctx),
            R"({"embedding":{"values":[0.5]}})");
  // Two predictions for one instance: the upstream answered something else.
  auto e = expect_plugin_error([&] { convert_gemini_embed_response(kPredict, ctx); });
  EXPECT_EQ(e.status, ACP_ERR_UPSTREAM);
  EXPECT_EQ(e.message, "predict response: 2 predictions for 1 instances");

  auto bad = expect_plugin_error([&] {
    convert_gemini_embed_request(R"({"content":{"parts":[{"fileData":{"fileUri":"gs://x"}}]}})", "gemini-embedding", "",
                                 false, Settings{});
  });
  EXPECT_EQ(bad.http_status, 400);
  EXPECT_EQ(bad.message, "content.parts[0]: only text parts can be embedded (got fileData)");
}
