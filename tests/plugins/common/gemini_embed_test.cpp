// The Gemini API's embedContent and batchEmbedContents: reading both bodies (spellings, task
// types, the model check, client mistakes), the answer's two shapes, and the translation onto a
// plugin's openai.embeddings hooks (request body, data[] in index order, usage, broken answers).
#include "test_support.hpp"

#include <aicore/mapping/gemini_embed.hpp>
#include <aicore/mapping/gemini_provider.hpp>

using namespace mapping_test;
using aicore::mapping::Changes;
using aicore::mapping::gemini_embed_answer;
using aicore::mapping::GeminiEmbedRequest;
using aicore::mapping::read_gemini_embed_request;

namespace {

constexpr const char* kModel = "text-embedding-3-small";

GeminiEmbedRequest read(const char* body, bool batch) {
  Changes changes;
  return read_gemini_embed_request(Json::parse(body), kModel, batch, changes);
}

std::string read_error(const char* body, bool batch) {
  return error_of([&] { read(body, batch); });
}

}  // namespace

TEST(GeminiEmbedRead, OneContentWithTaskTypeTitleAndDimensionality) {
  Changes changes;
  GeminiEmbedRequest r = read_gemini_embed_request(Json::parse(R"({
      "model":"models/text-embedding-3-small",
      "content":{"role":"user","parts":[{"text":"first"},{"text":"second"}]},
      "taskType":"RETRIEVAL_DOCUMENT","title":"Doc","outputDimensionality":256,"extra":1})"),
                                                   kModel, false, changes);
  ASSERT_EQ(r.inputs.size(), 1u);
  EXPECT_FALSE(r.batch);
  EXPECT_EQ(r.inputs[0].text, "first\nsecond");
  EXPECT_EQ(r.inputs[0].task_type, "RETRIEVAL_DOCUMENT");
  EXPECT_EQ(r.inputs[0].title, "Doc");
  EXPECT_EQ(r.output_dimensionality, 256);
  EXPECT_NE(changes.summary().find("extra"), std::string::npos) << changes.summary();
}

TEST(GeminiEmbedRead, SnakeCaseBareModelAndUnspecifiedTaskType) {
  GeminiEmbedRequest r = read(R"({"model":"text-embedding-3-small","content":{"parts":[{"text":"x"}]},
      "task_type":"TASK_TYPE_UNSPECIFIED","output_dimensionality":8})",
                              false);
  EXPECT_EQ(r.inputs[0].task_type, "");
  EXPECT_EQ(r.output_dimensionality, 8);
}

TEST(GeminiEmbedRead, BatchAsTheSdkSendsIt) {
  // @google/genai's embedContent on the Gemini API posts this to :batchEmbedContents.
  GeminiEmbedRequest r = read(R"({"requests":[
      {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"a"}],"role":"user"},"taskType":"RETRIEVAL_QUERY","outputDimensionality":64},
      {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"b"}],"role":"user"},"taskType":"RETRIEVAL_QUERY","outputDimensionality":64}]})",
                              true);
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_TRUE(r.batch);
  EXPECT_EQ(r.inputs[1].text, "b");
  EXPECT_EQ(r.inputs[1].task_type, "RETRIEVAL_QUERY");
  EXPECT_EQ(r.output_dimensionality, 64);
}

TEST(GeminiEmbedRead, ClientMistakesAreNamed) {
  const std::vector<std::tuple<const char*, bool, const char*>> cases = {
      {R"([])", false, "body"},
      {R"({})", false, "content: required"},
      {R"({"content":"text"})", false, "content"},
      {R"({"content":{}})", false, "content.parts: required"},
      {R"({"content":{"parts":[]}})", false, "has no text"},
      {R"({"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}})", false,
       "only text parts can be embedded (got inlineData)"},
      {R"({"content":{"parts":[{}]}})", false, "an empty part"},
      {R"({"content":{"parts":[{"text":5}]}})", false, "content.parts[0].text"},
      {R"({"content":{"parts":[{"text":"x"}]},"taskType":"SUMMARIZE"})", false, "unknown task type SUMMARIZE"},
      {R"({"content":{"parts":[{"text":"x"}]},"outputDimensionality":0})", false, "outputDimensionality"},
      {R"({"content":{"parts":[{"text":"x"}]},"model":"models/gpt-4o"})", false, "not the model in the path"},
      {R"({})", true, "requests: required"},
      {R"({"requests":{}})", true, "requests"},
      {R"({"requests":[]})", true, "must not be empty"},
      {R"({"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":8},
                       {"content":{"parts":[{"text":"b"}]},"outputDimensionality":16}]})",
       true, "requests[1].outputDimensionality"},
      {R"({"requests":[{"content":{"parts":[{"text":"a"}]}},{"model":"models/other","content":{"parts":[{"text":"b"}]}}]})",
       true, "requests[1].model"},
  };
  for (const auto& [body, batch, expected] : cases) {
    const std::string e = read_error(body, batch);
    EXPECT_NE(e.find(expected), std::string::npos) << body << " -> " << e;
  }
  std::string many = R"({"requests":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + R"({"content":{"parts":[{"text":"x"}]}})";
  many += "]}";
  EXPECT_NE(read_error(many.c_str(), true).find("at most 100"), std::string::npos);
}

TEST(GeminiEmbedAnswer, BothShapesAndUsage) {
  EXPECT_EQ(gemini_embed_answer({Json::parse("[0.5,-1]")}, false, 0),
            Json::parse(R"({"embedding":{"values":[0.5,-1]}})"));
  EXPECT_EQ(gemini_embed_answer({Json::parse("[1]"), Json::parse("[2]")}, true, 7),
            Json::parse(R"({"embeddings":[{"values":[1]},{"values":[2]}],
                            "usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}})"));
}

namespace {

// A plugin with only embeddings hooks: what GeminiOverChat hands them, and the answer it gets.
class EmbedPlugin final : public aicore::mapping::GeminiOverChat {
 public:
  EmbedPlugin() : GeminiOverChat("test") {}
  bool detect_model(std::string_view) const override { return true; }
  using GeminiOverChat::gemini_embed_request;
  using GeminiOverChat::gemini_embed_response;

  mutable std::string embeddings_body, seen_dialect, seen_context;
  std::string answer;

 protected:
  aicore::UpstreamRequest openai_embeddings_request(const aicore::RequestIn& in) const override {
    embeddings_body = std::string(in.body);
    seen_dialect = std::string(in.dialect);
    return {"/embeddings", embeddings_body, "emb;ctx"};
  }
  std::string openai_embeddings_response(const aicore::ResponseIn& in, aicore::Usage& usage) const override {
    seen_context = std::string(in.context);
    usage.input_tokens = 9;
    return answer;
  }
};

aicore::RequestIn embed_in(const char* dialect, const std::string& body) {
  return aicore::RequestIn{dialect, kModel, kModel, body, aicore::Headers(nullptr, 0), false};
}

}  // namespace

TEST(GeminiEmbedProvider, BatchThroughTheEmbeddingsHooks) {
  EmbedPlugin p;
  aicore::UpstreamRequest up = p.gemini_embed_request(embed_in(ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, R"({"requests":[
      {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"a"}]},"taskType":"CLUSTERING","outputDimensionality":4},
      {"model":"models/text-embedding-3-small","content":{"parts":[{"text":"b"}]},"title":"T"}]})"));
  EXPECT_EQ(p.seen_dialect, ACP_DIALECT_OPENAI_EMBEDDINGS);
  EXPECT_EQ(
      Json::parse(p.embeddings_body),
      Json::parse(R"({"model":"text-embedding-3-small","input":["a","b"],"encoding_format":"float","dimensions":4})"));
  EXPECT_EQ(up.target, "/embeddings");

  // data[] out of order comes back in input order; usage from the hook and the body.
  p.answer = R"({"object":"list","data":[{"object":"embedding","index":1,"embedding":[3,4]},
                 {"object":"embedding","index":0,"embedding":[1,2]}],"usage":{"prompt_tokens":9,"total_tokens":9}})";
  aicore::ResponseIn rin{ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS, kModel, up.context, 200, "application/json", ""};
  aicore::Usage usage;
  EXPECT_EQ(Json::parse(p.gemini_embed_response(rin, usage)),
            Json::parse(R"({"embeddings":[{"values":[1,2]},{"values":[3,4]}],
                            "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9}})"));
  EXPECT_EQ(p.seen_context, "emb;ctx");
  EXPECT_EQ(usage.input_tokens, 9);
}

TEST(GeminiEmbedProvider, SingleContentAndBrokenAnswers) {
  EmbedPlugin p;
  aicore::UpstreamRequest up =
      p.gemini_embed_request(embed_in(ACP_DIALECT_GEMINI_EMBED_CONTENT, R"({"content":{"parts":[{"text":"hello"}]}})"));
  EXPECT_EQ(Json::parse(p.embeddings_body),
            Json::parse(R"({"model":"text-embedding-3-small","input":["hello"],"encoding_format":"float"})"));
  aicore::ResponseIn rin{ACP_DIALECT_GEMINI_EMBED_CONTENT, kModel, up.context, 200, "application/json", ""};
  aicore::Usage usage;
  p.answer = R"({"data":[{"index":0,"embedding":[0.25]}]})";
  EXPECT_EQ(Json::parse(p.gemini_embed_response(rin, usage)), Json::parse(R"({"embedding":{"values":[0.25]}})"));

  for (const char* broken :
       {R"({"data":{}})", R"({"data":[{"index":1,"embedding":[1]}]})", R"({"data":[{"index":0,"embedding":"AAAA"}]})",
        R"({"data":[]})", R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[2]}]})", "not json"}) {
    p.answer = broken;
    EXPECT_NE(error_of([&] { p.gemini_embed_response(rin, usage); }), "") << broken;
  }
  aicore::ResponseIn foreign{ACP_DIALECT_GEMINI_EMBED_CONTENT, kModel, "rsp1;-;0;{}", 200, "application/json", ""};
  EXPECT_NE(error_of([&] { p.gemini_embed_response(foreign, usage); }), "");
}
