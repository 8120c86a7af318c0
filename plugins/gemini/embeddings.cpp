#include "embeddings.hpp"

#include "json_util.hpp"

#include <aicore/mapping/base64.hpp>
#include <aicore/mapping/changes.hpp>
#include <aicore/mapping/gemini_embed.hpp>
#include <aicore/plugin.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace aicore::gemini {
namespace {

// encoding_format "base64": the float32 little-endian bytes of `values`, what the openai SDKs decode.
std::string floats_to_base64(const std::vector<float>& values) {
  std::string bytes(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const uint32_t bits = std::bit_cast<uint32_t>(values[i]);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
  }
  return mapping::base64_encode(bytes);
}

// One :predict instance (reference §3.4).
struct Instance {
  std::string content, task_type, title;
};

UpstreamRequest predict_request(const std::vector<Instance>& instances, std::optional<int64_t> dims,
                                std::string_view model_key, const ResponseContext& ctx, const Settings& settings) {
  Json list = Json::array();
  for (const Instance& i : instances) {
    Json inst = {{"content", i.content}};
    if (!i.task_type.empty()) inst["task_type"] = i.task_type;
    if (!i.title.empty()) inst["title"] = i.title;
    list.push_back(std::move(inst));
  }
  Json out = {{"instances", std::move(list)}};
  if (dims) out["parameters"] = Json{{"outputDimensionality", *dims}};
  return UpstreamRequest{"/models/" + settings.upstream_model(model_key) + ":predict", dump(out), ctx.encode()};
}

// predictions[i].embeddings.values, in order, one for each of the `inputs` instances sent (when
// known, > 0); `tokens` gets the sum of their statistics.token_count.
std::vector<Json> read_predictions(std::string_view body, int64_t inputs, int64_t& tokens) {
  Json j = parse_upstream_json(body, "predict response");
  if (!j.is_object()) throw upstream_error("predict response: not a JSON object");
  auto preds = j.find("predictions");
  if (preds == j.end() || !preds->is_array()) throw upstream_error("predict response: no predictions");
  if (inputs > 0 && preds->size() != static_cast<size_t>(inputs))
    throw upstream_error("predict response: " + std::to_string(preds->size()) + " predictions for " +
                         std::to_string(inputs) + " instances");
  std::vector<Json> vectors;
  for (size_t i = 0; i < preds->size(); ++i) {
    Json& p = (*preds)[i];
    Json* values = nullptr;
    Json* emb = nullptr;
    if (p.is_object())
      if (auto e = p.find("embeddings"); e != p.end() && e->is_object()) {
        emb = &*e;
        if (auto v = e->find("values"); v != e->end() && v->is_array()) values = &*v;
      }
    if (!values) throw upstream_error(at("predict response: predictions", i) + ".embeddings.values missing");
    if (auto s = emb->find("statistics"); s != emb->end() && s->is_object())
      if (auto tc = s->find("token_count"); tc != s->end() && tc->is_number())
        tokens += static_cast<int64_t>(std::llround(tc->get<double>()));
    vectors.push_back(std::move(*values));
  }
  return vectors;
}

}  // namespace

UpstreamRequest convert_embeddings_request(std::string_view body, std::string_view model_key,
                                           std::string_view client_model, const Settings& settings) {
  Json in = parse_client_json(body);
  if (!in.is_object()) throw invalid_request("body: must be a JSON object");

  Json texts = Json::array();
  auto input = in.find("input");
  if (input == in.end() || input->is_null()) throw invalid_request("input: required");
  if (input->is_string()) {
    texts.push_back(*input);
  } else if (input->is_array()) {
    if (input->empty()) throw invalid_request("input: must not be empty");
    for (size_t i = 0; i < input->size(); ++i) {
      const Json& e = (*input)[i];
      if (e.is_number_integer() || e.is_array())
        throw invalid_request("input: Gemini embedding models take text; token-id arrays are not supported");
      if (!e.is_string()) throw invalid_request(at("input", i) + ": must be a string");
      texts.push_back(e);
    }
  } else {
    throw invalid_request("input: must be a string or an array of strings");
  }
  for (size_t i = 0; i < texts.size(); ++i)
    if (texts[i].get_ref<const std::string&>().empty())
      throw invalid_request((input->is_string() ? std::string("input") : at("input", i)) + ": must not be empty");

  Json task_type;
  if (auto t = in.find("task_type"); t != in.end() && !t->is_null()) {
    if (!t->is_string()) throw invalid_request("task_type: must be a string");
    task_type = *t;
  }
  bool base64 = false;
  if (auto f = in.find("encoding_format"); f != in.end() && !f->is_null()) {
    if (!f->is_string() || (*f != "float" && *f != "base64"))
      throw invalid_request("encoding_format: must be float or base64");
    base64 = *f == "base64";
  }

  std::vector<Instance> instances;
  for (Json& t : texts)
    instances.push_back(Instance{t.get<std::string>(), task_type.is_null() ? "" : task_type.get<std::string>(), ""});
  std::optional<int64_t> dims;
  if (auto d = in.find("dimensions"); d != in.end() && !d->is_null()) {
    if (!d->is_number_integer() || d->get<int64_t>() <= 0)
      throw invalid_request("dimensions: must be a positive integer");
    dims = d->get<int64_t>();
  }
  ResponseContext ctx;
  ctx.client_model = client_model.empty() ? std::string(model_key) : std::string(client_model);
  ctx.base64 = base64;
  ctx.inputs = static_cast<int64_t>(instances.size());
  return predict_request(instances, dims, model_key, ctx, settings);
}

std::string convert_embeddings_response(std::string_view body, const ResponseContext& ctx, Usage* usage) {
  int64_t tokens = 0;
  std::vector<Json> vectors = read_predictions(body, ctx.inputs, tokens);
  Json data = Json::array();
  for (size_t i = 0; i < vectors.size(); ++i) {
    Json embedding;
    if (ctx.base64) {
      std::vector<float> floats;
      floats.reserve(vectors[i].size());
      for (const Json& v : vectors[i]) {
        if (!v.is_number()) throw upstream_error("predict response: a value is not a number");
        floats.push_back(static_cast<float>(v.get<double>()));
      }
      embedding = floats_to_base64(floats);
    } else {
      embedding = std::move(vectors[i]);
    }
    data.push_back(Json{{"object", "embedding"}, {"index", i}, {"embedding", std::move(embedding)}});
  }
  Json out = {{"object", "list"},
              {"data", std::move(data)},
              {"model", ctx.client_model},
              {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
  if (usage) usage->input_tokens = tokens;
  return dump(out);
}

UpstreamRequest convert_gemini_embed_request(std::string_view body, std::string_view model_key,
                                             std::string_view client_model, bool batch, const Settings& settings) {
  mapping::Changes changes;
  const std::string client = client_model.empty() ? std::string(model_key) : std::string(client_model);
  const mapping::GeminiEmbedRequest r =
      mapping::read_gemini_embed_request(parse_client_json(body), client, batch, changes);
  changes.log(std::string(batch ? "gemini.batch_embed_contents" : "gemini.embed_content") + " for '" + client + "'");
  std::vector<Instance> instances;
  for (const mapping::GeminiEmbedInput& e : r.inputs) instances.push_back(Instance{e.text, e.task_type, e.title});
  ResponseContext ctx;
  ctx.client_model = client;
  ctx.batch = batch;
  ctx.inputs = static_cast<int64_t>(instances.size());
  return predict_request(instances, r.output_dimensionality, model_key, ctx, settings);
}

std::string convert_gemini_embed_response(std::string_view body, const ResponseContext& ctx, Usage* usage) {
  int64_t tokens = 0;
  std::vector<Json> vectors = read_predictions(body, ctx.inputs, tokens);
  if (usage) usage->input_tokens = tokens;
  return dump(mapping::gemini_embed_answer(std::move(vectors), ctx.batch, tokens));
}

}  // namespace aicore::gemini
