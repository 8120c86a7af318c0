// POST {deployment}/embeddings?api-version=… on azure-openai embedding deployments.
#include "azure_error.hpp"
#include "azure_openai.hpp"
#include "config.hpp"
#include "embedding_vectors.hpp"
#include "exchange.hpp"
#include "reply.hpp"

namespace aicore::emulator {

namespace {

constexpr size_t kMaxInputs = 2048;

[[noreturn]] void invalidInput() {
  // OpenAI's wording for any malformed input (empty string, empty array, mixed types, …).
  azureFail("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
}

bool isTokenArray(const Json& a) {
  if (!a.is_array() || a.empty()) return false;
  for (const auto& t : a)
    if (!t.is_number_integer() || (!t.is_number_unsigned() && t.get<long long>() < 0))
      return false;  // token ids are >= 0
  return true;
}

// Each input as the bytes its vector is derived from, plus the prompt token count.
struct Inputs {
  std::vector<std::string> seeds;
  int64_t tokens = 0;
};

void addText(Inputs& in, const Json& s) {
  const std::string& text = s.get_ref<const std::string&>();
  if (text.empty()) invalidInput();
  in.tokens += std::max<int64_t>(1, tokensForChars(text.size()));
  in.seeds.push_back(text);
}

void addTokens(Inputs& in, const Json& a) {
  in.tokens += static_cast<int64_t>(a.size());
  in.seeds.push_back("tokens:" + dump(a));
}

Inputs parseInput(const Json& input) {
  Inputs in;
  if (input.is_string()) {
    addText(in, input);
  } else if (input.is_array() && !input.empty() && input.size() <= kMaxInputs) {
    if (input[0].is_string()) {
      for (const auto& s : input) {
        if (!s.is_string()) invalidInput();
        addText(in, s);
      }
    } else if (input[0].is_number()) {
      if (!isTokenArray(input)) invalidInput();
      addTokens(in, input);
    } else if (input[0].is_array()) {
      for (const auto& a : input) {
        if (!isTokenArray(a)) invalidInput();
        addTokens(in, a);
      }
    } else {
      invalidInput();
    }
  } else {
    invalidInput();
  }
  return in;
}

}  // namespace

void handleAzureEmbeddings(InferenceCall& call) {
  Exchange& ex = call.ex;
  const Deployment& dep = call.deployment;
  try {
    checkApiVersion(ex);
    if (!isEmbeddingModel(dep.model))
      azureFail("The embeddings operation does not work with the specified model, " + dep.model +
                    ". Please choose different model and try again. You can learn more about which models can be used "
                    "with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.",
                std::nullopt, "OperationNotSupported");
    Json body = Json::parse(ex.body(), nullptr, false);
    if (body.is_discarded())
      azureFail(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
          "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
    if (!body.is_object()) failType("body", "an object", body);
    for (const auto& [key, _] : body.items())
      if (key != "input" && key != "model" && key != "dimensions" && key != "encoding_format" && key != "user")
        failUnknownParameter(key);

    auto input = body.find("input");
    if (input == body.end() || input->is_null()) failMissing("input");
    Inputs in = parseInput(*input);

    if (auto m = body.find("model"); m != body.end() && !m->is_null()) checkString(*m, "model");
    if (auto u = body.find("user"); u != body.end() && !u->is_null()) checkString(*u, "user");
    int dims = dep.dimensions;
    if (auto d = body.find("dimensions"); d != body.end() && !d->is_null()) {
      if (!dep.model.starts_with("text-embedding-3"))
        azureFail("This model does not support specifying dimensions.", "dimensions");
      checkInteger(*d, "dimensions", 1, dep.dimensions);
      dims = d->get<int>();
    }
    bool base64 = false;
    if (auto f = body.find("encoding_format"); f != body.end() && !f->is_null()) {
      checkString(*f, "encoding_format");
      const std::string fmt = f->get<std::string>();
      if (fmt != "float" && fmt != "base64") failValue("encoding_format", fmt, {"float", "base64"});
      base64 = fmt == "base64";
    }

    Json data = Json::array();
    for (size_t i = 0; i < in.seeds.size(); ++i) {
      std::vector<float> v = embeddingFor(in.seeds[i], dims);
      data.push_back(
          {{"object", "embedding"}, {"index", i}, {"embedding", base64 ? Json(floatsToBase64(v)) : floatsToJson(v)}});
    }
    Json resp = {{"object", "list"},
                 {"data", std::move(data)},
                 {"model", dep.model},
                 {"usage", {{"prompt_tokens", in.tokens}, {"total_tokens", in.tokens}}}};
    ex.sendJson(200, resp);
  } catch (const AzureError& e) {
    sendAzureError(ex, e);
  }
}

}  // namespace aicore::emulator
