// The host's check of the upstream request a plugin builds (host/plugin/OutputChecks).
#include <gtest/gtest.h>

#include "plugin/OutputChecks.hpp"

using namespace aicore::host;

namespace {
UpstreamRequest request(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  UpstreamRequest r;
  r.target = std::move(target);
  r.headers = std::move(headers);
  return r;
}
std::string problem(const UpstreamRequest& r, RequestKind k = RequestKind::Inference) {
  auto p = upstream_request_problem(r, k);
  return p ? *p : "ok";
}
}  // namespace

TEST(OutputChecks, AcceptsWhatTheShippedPluginsBuild) {
  EXPECT_EQ(problem(request("/chat/completions?api-version=2024-12-01-preview", {{"anthropic-beta", "a,b"}})), "ok");
  EXPECT_EQ(problem(request("/models/gemini-2.5-pro:streamGenerateContent?alt=sse", {{"X-Tab", "a\tb"}})), "ok");
  EXPECT_EQ(problem(request("https://auth.example/oauth/token", {{"Authorization", "Basic aWQ6c2VjcmV0"},
                                                                 {"Content-Type", "application/x-www-form-urlencoded"}}),
                    RequestKind::Token),
            "ok");
}

TEST(OutputChecks, RefusesControlCharactersAndWhitespaceInTheTarget) {
  EXPECT_EQ(problem(request("/x\r\nHost: evil")), "target '/x\\x0d\\x0aHost: evil' contains whitespace or control characters");
  EXPECT_EQ(problem(request(std::string("/x\0y", 4))), "target '/x\\x00y' contains whitespace or control characters");
  EXPECT_EQ(problem(request("/x y")), "target '/x y' contains whitespace or control characters");
  EXPECT_EQ(problem(request("x")), "target 'x' does not start with '/'");
  EXPECT_EQ(problem(request("/oauth/token"), RequestKind::Token), "token URL '/oauth/token' is not an absolute http(s) URL");
}

TEST(OutputChecks, RefusesBrokenHeaderNamesAndValues) {
  EXPECT_EQ(problem(request("/x", {{"X-A", "1\r\nAuthorization: Bearer x"}})),
            "header X-A has a value with control characters (CR, LF or NUL)");
  EXPECT_EQ(problem(request("/x", {{"X-A", std::string("a\0b", 3)}})),
            "header X-A has a value with control characters (CR, LF or NUL)");
  EXPECT_EQ(problem(request("/x", {{"X A", "1"}})), "header name 'X A' is not a valid HTTP header name");
  EXPECT_EQ(problem(request("/x", {{"X-A\n", "1"}})), "header name 'X-A\\x0a' is not a valid HTTP header name");
  EXPECT_EQ(problem(request("/x", {{"", "1"}})), "header name '' is not a valid HTTP header name");
  UpstreamRequest r = request("/x");
  r.method = "GET /y HTTP/1.1\r\n";
  EXPECT_EQ(problem(r), "method 'GET /y HTTP/1.1\\x0d\\x0a' is not an HTTP method");
}

TEST(OutputChecks, RefusesHeadersTheHostOwnsInAnyCase) {
  for (const char* h : {"Authorization", "authorization", "AI-Resource-Group", "ai-resource-group", "Content-Length",
                        "TRANSFER-ENCODING", "Host", "Connection", "TE"})
    EXPECT_EQ(problem(request("/x", {{h, "v"}})), std::string("header ") + h + " is set by the host; a plugin may not set it");
  // A token request authenticates with the client's credentials: Authorization is its own.
  EXPECT_EQ(problem(request("https://a/oauth/token", {{"Content-Length", "1"}}), RequestKind::Token),
            "header Content-Length is set by the host; a plugin may not set it");
}

TEST(OutputChecks, ALocalAnswerNeedsAFinalStatus) {
  EXPECT_FALSE(local_status_problem(200));
  EXPECT_FALSE(local_status_problem(400));
  EXPECT_FALSE(local_status_problem(599));
  EXPECT_EQ(*local_status_problem(100), "status 100 is not a final HTTP status (200-599)");
  EXPECT_EQ(*local_status_problem(600), "status 600 is not a final HTTP status (200-599)");
  EXPECT_EQ(*local_status_problem(-1), "status -1 is not a final HTTP status (200-599)");
}
