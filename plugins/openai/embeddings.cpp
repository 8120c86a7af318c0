#include "embeddings.hpp"

#include "context.hpp"
#include "json_util.hpp"

#include <aicore/mapping/upstream.hpp>
#include <aicore/plugin.hpp>

namespace aicore::openai {
namespace {

std::string at(size_t i) { return "input[" + std::to_string(i) + "]"; }

void validate_input(const Json& in) {
  auto input = in.find("input");
  if (input == in.end()) throw invalid_request("input: required");
  if (input->is_string()) return;
  if (!input->is_array())
    throw invalid_request(
        "input: must be a string, an array of strings, an array of integers or an array of integer arrays");
  if (input->empty()) throw invalid_request("input: must not be empty");
  // The first element decides which of the three array forms this is; the rest must agree.
  const Json& first = input->front();
  for (size_t i = 0; i < input->size(); ++i) {
    const Json& e = (*input)[i];
    if (first.is_string()) {
      if (!e.is_string()) throw invalid_request(at(i) + ": must be a string like input[0]");
    } else if (first.is_number_integer()) {
      if (!e.is_number_integer()) throw invalid_request(at(i) + ": must be an integer like input[0]");
    } else if (first.is_array()) {
      if (!e.is_array() || e.empty()) throw invalid_request(at(i) + ": must be a non-empty array of integers");
      for (const Json& t : e)
        if (!t.is_number_integer()) throw invalid_request(at(i) + ": must be a non-empty array of integers");
    } else {
      throw invalid_request("input[0]: must be a string, an integer or an array of integers");
    }
  }
}

}  // namespace

UpstreamRequest convert_embeddings_request(std::string_view body, std::string_view model, const Settings& settings) {
  Json in = parse_client_json(body);
  if (!in.is_object()) throw invalid_request("body: must be a JSON object");
  validate_input(in);
  in.erase("model");  // routing is by deployment URL; the client's name may be an alias
  return UpstreamRequest{"/embeddings?api-version=" + std::string(settings.embeddings_version(model)), dump(in),
                         ResponseContext{}.encode()};
}

std::string convert_embeddings_response(std::string_view body, Usage* usage) {
  // Embedding bodies can be megabytes of floats: validate without building a DOM and return the
  // bytes untouched, so numbers keep their exact upstream spelling. Only the rare Azure extra
  // makes us re-serialise.
  if (nested_deeper_than(body, kMaxJsonDepth) || !Json::accept(body))
    throw upstream_error("embeddings response: invalid JSON");
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] != '{')
    throw upstream_error("embeddings response: not a JSON object");
  if (usage) {
    // Azure puts the flat {"prompt_tokens":N,"total_tokens":N} last: read it without a DOM of the vectors.
    const size_t at = body.rfind("\"usage\"");
    const size_t open = at == std::string_view::npos ? at : body.find('{', at);
    const size_t close = open == std::string_view::npos ? open : body.find('}', open);
    if (close != std::string_view::npos)
      *usage = mapping::usage_from_openai(Json::parse(body.substr(open, close + 1 - open), nullptr, false));
  }
  if (body.find("\"prompt_filter_results\"") == std::string_view::npos) return std::string(body);
  Json j = parse_upstream_json(body, "embeddings response");
  j.erase("prompt_filter_results");
  return dump(j);
}

}  // namespace aicore::openai
