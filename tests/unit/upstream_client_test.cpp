// UpstreamClient against a scripted upstream: an answer is complete or an error (never a body cut
// short passing for a whole one), answers are bounded, a request goes out a second time only when
// none of it reached the upstream, and the request's deadline and the drain's abort end every wait.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/scripted_upstream.hpp"
#include "upstream/UpstreamClient.hpp"

using namespace aicore::host;
using aicore::test::ScriptedUpstream;
using namespace std::chrono;

namespace {

UpstreamSettings settings() {
  UpstreamSettings s;
  s.connect_timeout_s = 5;
  s.read_timeout_s = 30;
  return s;
}

UpstreamCall post(const ScriptedUpstream& up, std::string body = R"({"q":1})") {
  UpstreamCall c;
  c.url = up.url();
  c.body = std::move(body);
  return c;
}

std::string error_of(UpstreamClient& client, const UpstreamCall& call) {
  try {
    client.send(call);
  } catch (const UpstreamIoError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(UpstreamClient, ABodyShorterThanItsContentLengthIsAnError) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);
  ScriptedUpstream up;
  up.then(ScriptedUpstream::cut_short(R"({"choices":[)", 40));
  EXPECT_EQ(error_of(client, post(up)), "upstream closed the connection while reading the body after 12 of 40 bytes");
}

TEST(UpstreamClient, AChunkedBodyWithoutItsLastChunkIsAnError) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);
  ScriptedUpstream up;
  // Two whole events, then the connection closes: to a converter whose upstream has no end
  // marker this looks complete; the missing last chunk says it is not.
  up.then(ScriptedUpstream::chunked({"data: {\"a\":1}\n\n", "data: {\"a\":2}\n\n"}, false));
  std::string got;
  try {
    client.stream(post(up), {}, [&](std::string_view b) {
      got.append(b);
      return true;
    });
    FAIL() << "a stream without its last chunk passed for complete";
  } catch (const UpstreamIoError& e) {
    EXPECT_STREQ(e.what(), "upstream closed the connection mid-stream before the end of its chunked body (30 bytes received)");
  }
  EXPECT_EQ(got, "data: {\"a\":1}\n\ndata: {\"a\":2}\n\n");

  // The same stream with its last chunk is complete, and its connection is reused.
  up.then(ScriptedUpstream::chunked({"data: {\"a\":1}\n\n"}, true));
  up.then(ScriptedUpstream::answer(200, "{}"));
  got.clear();
  auto r = client.stream(post(up), {}, [&](std::string_view b) {
    got.append(b);
    return true;
  });
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(got, "data: {\"a\":1}\n\n");
  EXPECT_EQ(client.send(post(up)).body, "{}");
  EXPECT_EQ(up.connections(), 2);
}

TEST(UpstreamClient, AChunkedBodyCutInsideAChunkIsAnError) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);
  ScriptedUpstream up;
  up.then([](Poco::Net::StreamSocket& s) {
    ScriptedUpstream::send_all(s, ScriptedUpstream::head(200, "Transfer-Encoding: chunked\r\n") + "20\r\n{\"half\":");
    return false;
  });
  EXPECT_EQ(error_of(client, post(up)),
            "upstream closed the connection while reading the body before the end of its chunked body (8 bytes received)");
}

TEST(UpstreamClient, AnswersAreBounded) {
  UpstreamSettings s = settings();
  s.max_response_bytes = 1000;
  InFlightCalls calls;
  UpstreamClient client(s, calls);
  ScriptedUpstream up;
  // Declared too large: refused before reading.
  up.then(ScriptedUpstream::answer(200, std::string(2000, 'x')));
  EXPECT_EQ(error_of(client, post(up)),
            "upstream answer of 2000 bytes exceeds the limit of 1000 bytes (upstream.max_response_bytes)");
  // Chunked, growing past the bound while read.
  up.then(ScriptedUpstream::chunked({std::string(600, 'x'), std::string(600, 'y')}, true));
  EXPECT_EQ(error_of(client, post(up)), "upstream answer exceeds the limit of 1000 bytes (upstream.max_response_bytes)");
  // A call's own bound (token answers).
  UpstreamCall small = post(up);
  small.max_body_bytes = 10;
  up.then(ScriptedUpstream::answer(200, std::string(11, 'z')));
  EXPECT_EQ(error_of(client, small), "upstream answer of 11 bytes exceeds the limit of 10 bytes (upstream.max_response_bytes)");
  // An error body is kept to its first kMaxErrorBodyBytes; the rest is not read.
  up.then(ScriptedUpstream::answer(500, std::string(kMaxErrorBodyBytes + 5000, 'e')));
  auto r = client.send(post(up));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(static_cast<int64_t>(r.body.size()), kMaxErrorBodyBytes);
}

TEST(UpstreamClient, AnIdleConnectionTheServerClosedIsNotUsed) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);
  ScriptedUpstream up;
  up.then(ScriptedUpstream::answer(200, "{\"n\":1}", /*keep_open=*/false));  // says keep-alive, then closes
  up.then(ScriptedUpstream::answer(200, "{\"n\":2}"));
  EXPECT_EQ(client.send(post(up)).body, "{\"n\":1}");
  up.wait_closed(1);
  EXPECT_EQ(client.send(post(up)).body, "{\"n\":2}");  // on a new connection, sent once
  EXPECT_EQ(up.requests(), 2);
  EXPECT_EQ(up.connections(), 2);
}

TEST(UpstreamClient, ARequestThatReachedTheUpstreamIsNeverSentAgainSilently) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);
  ScriptedUpstream up;
  up.then(ScriptedUpstream::answer(200, "{\"n\":1}"));
  up.then(ScriptedUpstream::close_without_answer());  // read the request (the POST happened), then gone
  up.then(ScriptedUpstream::answer(200, "{\"duplicate\":true}"));
  EXPECT_EQ(client.send(post(up)).body, "{\"n\":1}");
  const std::string err = error_of(client, post(up));
  EXPECT_NE(err.find("after the request was sent"), std::string::npos) << err;
  EXPECT_EQ(up.requests(), 2) << "the request was sent a second time";
}

TEST(UpstreamClient, TheDeadlineEndsAWaitBeforeTheReadTimeout) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);  // read timeout 30 s
  ScriptedUpstream up;
  up.then(ScriptedUpstream::hang());
  CallDeadline d{CallDeadline::Clock::now() + milliseconds(300), true, 1};
  UpstreamCall call = post(up);
  call.deadline = &d;
  const auto t0 = steady_clock::now();
  EXPECT_EQ(error_of(client, call), "upstream did not answer within retry.deadline_s (1 s)");
  EXPECT_LT(steady_clock::now() - t0, seconds(5));
  // A deadline already past: no call at all.
  EXPECT_EQ(error_of(client, call), "upstream did not answer within retry.deadline_s (1 s)");
  EXPECT_EQ(up.requests(), 1);
}

TEST(UpstreamClient, AbortAllEndsACallInFlightAndRefusesNewOnes) {
  InFlightCalls calls;
  UpstreamClient client(settings(), calls);
  ScriptedUpstream up;
  up.then(ScriptedUpstream::hang());
  std::string err;
  std::thread t([&] {
    try {
      client.send(post(up));
      err = "no error";
    } catch (const UpstreamAborted& e) {
      err = std::string("aborted: ") + e.what();
    } catch (const std::exception& e) {
      err = std::string("other: ") + e.what();
    }
  });
  up.wait_requests(1);  // the call is blocked reading the answer
  const auto t0 = steady_clock::now();
  calls.abort_all();
  t.join();
  EXPECT_LT(steady_clock::now() - t0, seconds(5));
  EXPECT_EQ(err, "aborted: the proxy is shutting down (server.drain_timeout_s reached)");
  EXPECT_THROW(client.send(post(up)), UpstreamAborted);
  EXPECT_FALSE(calls.sleep_for(seconds(10)));  // back-off waits end at once too
}
