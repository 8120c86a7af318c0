#include "embeddings.hpp"

#include "json_util.hpp"

#include <aicore/mapping/base64.hpp>
#include <aicore/plugin.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
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

  Json instances = Json::array();
  for (Json& t : texts) {
    Json inst = {{"content", std::move(t)}};
    if (!task_type.is_null()) inst["task_type"] = task_type;
    instances.push_back(std::move(inst));
  }
  Json out = {{"instances", std::move(instances)}};
  if (auto d = in.find("dimensions"); d != in.end() && !d->is_null()) {
    if (!d->is_number_integer() || d->get<int64_t>() <= 0)
      throw invalid_request("dimensions: must be a positive integer");
    out["parameters"] = Json{{"outputDimensionality", *d}};
  }

  const std::string model = settings.upstream_model(model_key);
  ResponseContext ctx;
  ctx.client_model = client_model.empty() ? std::string(model_key) : std::string(client_model);
  ctx.base64 = base64;
  return UpstreamRequest{"/models/" + model + ":predict", dump(out), ctx.encode()};
}

std::string convert_embeddings_response(std::string_view body, const ResponseContext& ctx, Usage* usage) {
  Json j = parse_upstream_json(body, "predict response");
  if (!j.is_object()) throw upstream_error("predict response: not a JSON object");
  auto preds = j.find("predictions");
  if (preds == j.end() || !preds->is_array()) throw upstream_error("predict response: no predictions");

  Json data = Json::array();
  int64_t tokens = 0;
  for (size_t i = 0; i < preds->size(); ++i) {
    const Json& p = (*preds)[i];
    const Json* values = nullptr;
    const Json* emb = nullptr;
    if (p.is_object())
      if (auto e = p.find("embeddings"); e != p.end() && e->is_object()) {
        emb = &*e;
        if (auto v = e->find("values"); v != e->end() && v->is_array()) values = &*v;
      }
    if (!values) throw upstream_error(at("predict response: predictions", i) + ".embeddings.values missing");
    if (auto s = emb->find("statistics"); s != emb->end() && s->is_object())
      if (auto tc = s->find("token_count"); tc != s->end() && tc->is_number())
        tokens += static_cast<int64_t>(std::llround(tc->get<double>()));
    Json embedding;
    if (ctx.base64) {
      std::vector<float> floats;
      floats.reserve(values->size());
      for (const Json& v : *values) {
        if (!v.is_number()) throw upstream_error("predict response: a value is not a number");
        floats.push_back(static_cast<float>(v.get<double>()));
      }
      embedding = floats_to_base64(floats);
    } else {
      embedding = *values;
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

}  // namespace aicore::gemini
