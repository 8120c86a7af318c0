#include "test_support.hpp"

#include "openai/embeddings.hpp"

using namespace openai_test;
using aicore::openai::convert_embeddings_request;
using aicore::openai::convert_embeddings_response;
using aicore::openai::Settings;

TEST(EmbeddingsRequest, GoldenFixtures) {
  for (const char* name : {"embeddings_string", "embeddings_strings", "embeddings_tokens", "embeddings_token_arrays"}) {
    auto r = convert_embeddings_request(fixture(std::string(name) + ".request.json"), "text-embedding-3-small", Settings{});
    EXPECT_EQ(r.target, "/embeddings?api-version=2023-05-15") << name;
    EXPECT_JSON_EQ(Json::parse(r.body), fixture_json(std::string(name) + ".upstream.json"));
  }
}

TEST(EmbeddingsRequest, ApiVersionFollowsSettings) {
  Settings s = Settings::parse(R"({"embeddings_api_version":"2024-02-01","api_versions":{"text-embedding-3-large":"2024-06-01"}})");
  EXPECT_EQ(convert_embeddings_request(R"({"input":"x"})", "text-embedding-3-small", s).target,
            "/embeddings?api-version=2024-02-01");
  EXPECT_EQ(convert_embeddings_request(R"({"input":"x"})", "text-embedding-3-large", s).target,
            "/embeddings?api-version=2024-06-01");
}

TEST(EmbeddingsResponse, PassedThroughByteForByte) {
  std::string body = fixture("embeddings.azure.json");
  EXPECT_EQ(convert_embeddings_response(body), body);  // 1e-7 and 1.0000000000000002 keep their spelling
}

TEST(EmbeddingsResponse, AzureExtrasRemoved) {
  EXPECT_JSON_EQ(Json::parse(convert_embeddings_response(fixture("embeddings_filtered.azure.json"))),
                 fixture_json("embeddings_filtered.expected.json"));
}

TEST(EmbeddingsResponse, UnusableBodyIsAnUpstreamError) {
  for (const char* body : {"", "{\"data\": [", "[1,2]", "null", "<html>502 Bad Gateway</html>"}) {
    try {
      convert_embeddings_response(body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const aicore::PluginError& e) {
      EXPECT_EQ(e.status, ACP_ERR_UPSTREAM) << body;
      EXPECT_EQ(e.http_status, 502) << body;
    }
  }
}
