// Gemini stream bytes -> GenerateContentResponse objects, in arbitrary byte splits.
//
// Vertex answers :streamGenerateContent?alt=sse with server-sent events (`data: {json}`, blank
// lines of CRLF or LF) and, without alt=sse, with one JSON array whose elements arrive over time
// (`[{...}\n,\r\n{...}\n]`). The reader decides from the first non-blank byte ('[' or '{': the array
// form, else SSE) so a deployment that ignores alt=sse still works.
#pragma once

#include "json_util.hpp"

#include <aicore/sse.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace aicore::gemini {

class GeminiStreamReader {
 public:
  using OnObject = std::function<void(const Json&)>;

  // Throws aicore::upstream_error for bytes that are neither form.
  void feed(std::string_view bytes, const OnObject& on_object);
  // End of input: dispatches a pending SSE event. Returns false when an object was cut off.
  bool finish(const OnObject& on_object);
  // The consumer has seen the end of the stream (an upstream error object): nothing after it is
  // read, so bytes that follow in the same read cannot change the outcome that a split delivery
  // (where the consumer stops feeding) would have.
  void stop() { stopped_ = true; }

 private:
  enum class Mode { Unknown, Sse, Array };
  void feed_array(std::string_view bytes, const OnObject& on_object);
  void on_sse(const SseEvent& e, const OnObject& on_object);

  Mode mode_ = Mode::Unknown;
  SseParser sse_;
  // Array form: the object being collected and the scanner state.
  std::string object_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool stopped_ = false;
};

}  // namespace aicore::gemini
