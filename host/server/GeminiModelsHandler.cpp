#include "server/GeminiModelsHandler.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>

#include "pipeline/Admit.hpp"
#include "server/AccessLog.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {
namespace {

// Whether a model embeds rather than generates. The host knows models by name only; every
// embedding model SAP AI Core offers says so in its name (text-embedding-3-small, gemini-embedding,
// text-multilingual-embedding-002, amazon--titan-embed-text), and clients such as LangChain pick
// models by supportedGenerationMethods.
bool embedding_model(const ModelEntry& m) {
  return m.model_key.find("embed") != std::string::npos || m.id.find("embed") != std::string::npos;
}

// What the gateway serves of a model through the Gemini API. Token limits are the deployment's,
// which SAP does not publish, so they are left out (the fields are optional).
nlohmann::ordered_json model_json(const ModelEntry& m) {
  return {{"name", "models/" + m.id},
          {"displayName", m.id},
          {"description", m.id == m.model_key ? "served by aicore-proxy (" + m.owned_by + ")"
                                              : "alias of " + m.model_key + ", served by aicore-proxy"},
          {"supportedGenerationMethods",
           embedding_model(m) ? nlohmann::ordered_json{"embedContent", "batchEmbedContents"}
                              : nlohmann::ordered_json{"generateContent", "streamGenerateContent", "countTokens"}}};
}

}  // namespace

void GeminiModelsHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  AccessRecord rec;
  rec.id = new_request_id();
  rec.method = req.getMethod();
  rec.path = req.getURI().substr(0, req.getURI().find('?'));
  resp.set("x-request-id", rec.id);
  const ClientKey* client = nullptr;
  if (authorize(*rt_, Family::Gemini, req, resp, rec, &client)) {
    const auto visible = [&](const ModelEntry& m) {
      return !client || client->allows(m.id) || client->allows(m.model_key);
    };
    if (req.getMethod() != "GET") {
      resp.set("Allow", "GET");
      rec.status = 405;
      send_json(resp, 405, error_body(Family::Gemini, 405, "method " + req.getMethod() + " not allowed; use GET"));
    } else if (model_.empty()) {
      nlohmann::ordered_json models = nlohmann::ordered_json::array();
      for (const auto& m : rt_->router->models())
        if (visible(m)) models.push_back(model_json(m));
      rec.status = 200;
      send_json(resp, 200, nlohmann::ordered_json{{"models", std::move(models)}}.dump());
    } else {
      const std::string wanted = model_.starts_with("models/") ? model_.substr(7) : model_;
      const ModelEntry* found = nullptr;
      for (const auto& m : rt_->router->models())
        if (m.id == wanted && visible(m)) found = &m;
      rec.status = found ? 200 : 404;
      if (found)
        send_json(resp, 200, model_json(*found).dump());
      else
        send_json(resp, 404, error_body(Family::Gemini, 404, "models/" + wanted + " is not found"));
    }
  }
  if (rt_->config.log.access_log) rec.write();
}

}  // namespace aicore::host
