// gemini.embed_content and gemini.batch_embed_contents served through a plugin's openai.embeddings
// hooks (aicore/mapping/gemini_provider.hpp): every input becomes one entry of an embeddings
// `input` array, and the answer's data[] (in index order) becomes the Gemini embeddings.
#include "json_util.hpp"
#include "over_chat_context.hpp"

#include <aicore/mapping/gemini_embed.hpp>
#include <aicore/mapping/gemini_provider.hpp>

#include <string>
#include <vector>

namespace aicore::mapping {

using namespace detail;

namespace {

// The response context: the over-chat envelope around the embeddings hooks' own context, flag
// `b` for a batch (its answer is a list), the number of inputs as payload (the answer must have
// one embedding for each).
constexpr std::string_view kTag = "gemb;";

}  // namespace

UpstreamRequest GeminiOverChat::gemini_embed_request(const RequestIn& in) const {
  Changes changes;
  const std::string model(ModelNames::of(in).client);
  const bool batch = in.dialect == ACP_DIALECT_GEMINI_BATCH_EMBED_CONTENTS;
  const GeminiEmbedRequest r = read_gemini_embed_request(parse_client_json(in.body), model, batch, changes);

  Json input = Json::array();
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const GeminiEmbedInput& e = r.inputs[i];
    const std::string base = batch ? at("requests", i) : std::string();
    if (!e.task_type.empty()) changes.drop("no task types on OpenAI-style embeddings", dot(base, "taskType"));
    if (!e.title.empty()) changes.drop("no document titles on OpenAI-style embeddings", dot(base, "title"));
    input.push_back(e.text);
  }
  Json body = {{"model", model}, {"input", std::move(input)}, {"encoding_format", "float"}};
  if (r.output_dimensionality) body["dimensions"] = *r.output_dimensionality;
  changes.log(std::string(in.dialect) + " -> openai.embeddings for '" + model + "'");

  const std::string embeddings_body = dump(body);
  RequestIn embeddings = in;
  embeddings.dialect = ACP_DIALECT_OPENAI_EMBEDDINGS;
  embeddings.body = embeddings_body;
  UpstreamRequest up;
  try {
    up = openai_embeddings_request(embeddings);
  } catch (const PluginError& e) {
    // The default hook names openai.embeddings, a dialect this client never spoke: say first
    // what the client asked for.
    if (e.status != ACP_ERR_UNSUPPORTED) throw;
    throw PluginError(e.status, "model '" + model + "' serves no embeddings (" + e.message + ")", e.type,
                      e.http_status);
  }
  up.context = pack_over_chat(kTag, batch ? 'b' : '-', up.context, std::to_string(r.inputs.size()));
  return up;
}

std::string GeminiOverChat::gemini_embed_response(const ResponseIn& in, Usage& usage) const {
  const OverChatContext u = unpack_over_chat(kTag, in.context, in.dialect);
  const std::string answer =
      openai_embeddings_response(as_dialect(in, ACP_DIALECT_OPENAI_EMBEDDINGS, u.chat_context), usage);
  const Json list = parse_upstream_json(answer, "embeddings response");
  const Json* data = find(list, "data");
  if (!data || !data->is_array()) throw upstream_error("embeddings response: no data");
  size_t inputs = 0;
  for (char c : u.payload) inputs = inputs * 10 + static_cast<size_t>(c - '0');
  if (data->size() != inputs)
    throw upstream_error("embeddings response: " + std::to_string(data->size()) + " embeddings for " +
                         std::to_string(inputs) + " inputs");
  std::vector<Json> vectors(data->size());
  for (const Json& d : *data) {
    const int64_t index = int_or(d, "index", -1);
    const Json* v = find(d, "embedding");
    if (index < 0 || static_cast<size_t>(index) >= vectors.size() || !v || !v->is_array() ||
        !vectors[static_cast<size_t>(index)].is_null())
      throw upstream_error("embeddings response: an entry without a usable index or embedding");
    vectors[static_cast<size_t>(index)] = *v;
  }
  int64_t tokens = 0;
  if (const Json* use = find(list, "usage")) tokens = int_or(*use, "prompt_tokens", 0);
  return dump(gemini_embed_answer(std::move(vectors), u.flag == 'b', tokens));
}

}  // namespace aicore::mapping
