#include "json_util.hpp"

#include <aicore/mapping/gemini_embed.hpp>

#include <algorithm>
#include <array>

namespace aicore::mapping {

using namespace detail;

namespace {

// The Gemini API's TaskType values; Vertex's predict takes the same names (reference §3.4).
constexpr std::array<std::string_view, 8> kTaskTypes = {
    "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION",
    "CLUSTERING",      "QUESTION_ANSWERING", "FACT_VERIFICATION",   "CODE_RETRIEVAL_QUERY"};

// The Gemini API refuses larger batches ("at most 100 requests can be in one batch").
constexpr size_t kMaxBatch = 100;

// A Content's text: its text parts joined by "\n" (one input, as the API embeds one Content).
std::string content_text(const Json& content, const std::string& path) {
  expect_object(content, path);
  const std::string parts_path = dot(path, "parts");
  const Json* parts = find(content, "parts");
  if (!parts) bad(parts_path, "required");
  expect_array(*parts, parts_path);
  std::string text;
  for (size_t i = 0; i < parts->size(); ++i) {
    const Json& part = expect_object((*parts)[i], at(parts_path, i));
    const Json* t = find(part, "text");
    if (!t) {
      const std::string kind = part.empty() ? std::string("an empty part") : part.begin().key();
      bad(at(parts_path, i), "only text parts can be embedded (got " + kind + ")");
    }
    if (i > 0) text += '\n';
    text += expect_string(*t, dot(at(parts_path, i), "text"));
  }
  if (text.empty()) bad(path, "has no text to embed");
  return text;
}

// The path's model as the body may name it: "models/{model}" or bare.
bool same_model(std::string_view named, std::string_view model) {
  if (named.starts_with("models/")) named.remove_prefix(7);
  return named == model;
}

GeminiEmbedInput read_one(const Json& req, std::string_view model, const std::string& base, Changes& changes) {
  expect_object(req, base.empty() ? "body" : base);
  GeminiEmbedInput in;
  std::string path;
  bool have_content = false;
  for (auto it = req.begin(); it != req.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    path = dot(base, k);
    if (v.is_null()) continue;
    if (k == "content") {
      in.text = content_text(v, path);
      have_content = true;
    } else if (k == "model") {
      if (!same_model(expect_string(v, path), model))
        bad(path, "names " + v.get<std::string>() + ", not the model in the path (models/" + std::string(model) + ")");
    } else if (k == "taskType" || k == "task_type") {
      const std::string& t = expect_string(v, path);
      if (t != "TASK_TYPE_UNSPECIFIED" && std::find(kTaskTypes.begin(), kTaskTypes.end(), t) == kTaskTypes.end())
        bad(path, "unknown task type " + t);
      if (t != "TASK_TYPE_UNSPECIFIED") in.task_type = t;
    } else if (k == "title") {
      in.title = expect_string(v, path);
    } else if (k == "outputDimensionality" || k == "output_dimensionality") {
      in.output_dimensionality = expect_positive_int(v, path);
    } else {
      changes.drop("not an embedContent field", path);
    }
  }
  if (!have_content) bad(dot(base, "content"), "required");
  return in;
}

}  // namespace

GeminiEmbedRequest read_gemini_embed_request(const Json& body, std::string_view model, bool batch, Changes& changes) {
  expect_object(body, "body");
  GeminiEmbedRequest r;
  r.batch = batch;
  if (!batch) {
    r.inputs.push_back(read_one(body, model, "", changes));
  } else {
    for (auto it = body.begin(); it != body.end(); ++it)
      if (it.key() != "requests") changes.drop("not a batchEmbedContents field", it.key());
    const Json* listed = find(body, "requests");
    if (!listed) bad("requests", "required");
    const Json& requests = expect_array(*listed, "requests");
    if (requests.empty()) bad("requests", "must not be empty");
    if (requests.size() > kMaxBatch)
      bad("requests", "at most " + std::to_string(kMaxBatch) + " requests can be in one batch");
    for (size_t i = 0; i < requests.size(); ++i)
      r.inputs.push_back(read_one(requests[i], model, at("requests", i), changes));
  }
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const auto& d = r.inputs[i].output_dimensionality;
    if (!d) continue;
    if (r.output_dimensionality && *r.output_dimensionality != *d)
      bad(at("requests", i) + ".outputDimensionality",
          "every request of a batch must ask for the same dimensionality here (" +
              std::to_string(*r.output_dimensionality) + " before, " + std::to_string(*d) + " here)");
    r.output_dimensionality = d;
  }
  return r;
}

Json gemini_embed_answer(std::vector<Json> vectors, bool batch, int64_t tokens) {
  Json out = Json::object();
  if (batch) {
    Json embeddings = Json::array();
    for (Json& v : vectors) embeddings.push_back(Json{{"values", std::move(v)}});
    out["embeddings"] = std::move(embeddings);
  } else {
    out["embedding"] = Json{{"values", vectors.empty() ? Json::array() : std::move(vectors.front())}};
  }
  if (tokens > 0) out["usageMetadata"] = Json{{"promptTokenCount", tokens}, {"totalTokenCount", tokens}};
  return out;
}

}  // namespace aicore::mapping
