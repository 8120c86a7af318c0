// POST {deployment}/models/{model}:predict on gcp-vertexai embedding deployments (reference §3.4):
// {"instances":[{"content","task_type"?,"title"?}],"parameters":{"outputDimensionality"?,"autoTruncate"?}}
// -> {"predictions":[{"embeddings":{"statistics":{"truncated","token_count"},"values":[…]}}],
//     "metadata":{"billableCharacterCount":N}}
#include "config.hpp"
#include "embedding_vectors.hpp"
#include "exchange.hpp"
#include "reply.hpp"
#include "vertex.hpp"

#include <algorithm>

namespace aicore::emulator {

namespace {

constexpr size_t kMaxInstances = 250;
constexpr std::string_view kTaskTypes[] = {"RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY",
                                           "CLASSIFICATION",  "CLUSTERING",         "QUESTION_ANSWERING",
                                           "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"};

std::string idx(size_t i) { return "instances[" + std::to_string(i) + "]"; }

}  // namespace

void handleVertexPredict(InferenceCall& call) {
  Exchange& ex = call.ex;
  const Deployment& dep = call.deployment;
  try {
    std::string_view rest = call.suffix.substr(std::string_view("/models/").size());
    const std::string model(rest.substr(0, rest.rfind(':')));
    if (model != dep.model)
      vertexFail("Publisher Model `publishers/google/models/" + model +
                     "` was not found or your deployment does not serve it (this deployment serves " + dep.model + ").",
                 404, "NOT_FOUND");
    if (!isVertexEmbeddingModel(dep.model))
      vertexFail("Model " + dep.model + " does not support predict; use :generateContent.", 400, "FAILED_PRECONDITION");
    const Json body = parseVertexBody(ex.body());
    checkVertexFieldNames(body, "PredictRequest");

    auto inst = body.find("instances");
    if (inst == body.end() || !inst->is_array() || inst->empty())
      vertexFail("Unable to submit request because it has no instances. Add at least one instance and try again.");
    if (inst->size() > kMaxInstances)
      vertexFail("Unable to submit request because it has " + std::to_string(inst->size()) +
                 " instances; the maximum is " + std::to_string(kMaxInstances) + ".");
    int dims = dep.dimensions;
    if (auto p = body.find("parameters"); p != body.end() && !p->is_null()) {
      if (!p->is_object()) vertexFail("Invalid value at 'parameters' (type.googleapis.com/google.protobuf.Value): parameters must be an object.");
      for (auto it = p->begin(); it != p->end(); ++it) {
        if (it.key() == "outputDimensionality") {
          if (!it.value().is_number_integer() || it.value().get<int64_t>() < 1 || it.value().get<int64_t>() > dep.dimensions)
            vertexFail("Unable to submit request because outputDimensionality must be an integer between 1 and " +
                       std::to_string(dep.dimensions) + ".");
          dims = it.value().get<int>();
        } else if (it.key() == "autoTruncate") {
          if (!it.value().is_boolean()) vertexFail("Unable to submit request because autoTruncate must be a boolean.");
        } else {
          vertexFail("Unable to submit request because parameters has an unknown field \"" + it.key() + "\".");
        }
      }
    }

    Json predictions = Json::array();
    size_t billable = 0;
    for (size_t i = 0; i < inst->size(); ++i) {
      const Json& in = (*inst)[i];
      if (!in.is_object()) vertexFail("Unable to submit request because " + idx(i) + " is not an object.");
      std::string taskType;
      for (auto it = in.begin(); it != in.end(); ++it) {
        const std::string& k = it.key();
        if (k != "content" && k != "task_type" && k != "title")
          vertexFail("Unable to submit request because " + idx(i) + " has an unknown field \"" + k +
                     "\". Known fields: content, task_type, title.");
      }
      auto content = in.find("content");
      if (content == in.end() || !content->is_string() || content->get_ref<const std::string&>().empty())
        vertexFail("Unable to submit request because " + idx(i) + ".content must be a non-empty string.");
      if (auto t = in.find("task_type"); t != in.end()) {
        if (!t->is_string() || std::find(std::begin(kTaskTypes), std::end(kTaskTypes), t->get<std::string>()) == std::end(kTaskTypes))
          vertexFail("Unable to submit request because " + idx(i) + ".task_type " + dump(*t) + " is not a valid task type.");
        taskType = t->get<std::string>();
      }
      if (auto t = in.find("title"); t != in.end()) {
        if (!t->is_string()) vertexFail("Unable to submit request because " + idx(i) + ".title must be a string.");
        if (taskType != "RETRIEVAL_DOCUMENT")
          vertexFail("Unable to submit request because title is only valid with task_type RETRIEVAL_DOCUMENT.");
      }
      const std::string& text = content->get_ref<const std::string&>();
      billable += text.size();
      const int64_t tokens = std::max<int64_t>(1, tokensForChars(text.size()));
      predictions.push_back(
          {{"embeddings",
            {{"statistics", {{"truncated", false}, {"token_count", tokens}}}, {"values", floatsToJson(embeddingFor(text, dims))}}}});
    }
    ex.sendJson(200, Json{{"predictions", std::move(predictions)}, {"metadata", {{"billableCharacterCount", billable}}}});
  } catch (const VertexError& e) {
    sendVertexError(ex, e);
  }
}

}  // namespace aicore::emulator
