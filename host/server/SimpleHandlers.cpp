#include "server/SimpleHandlers.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>

#include "pipeline/Admit.hpp"
#include "server/AccessLog.hpp"
#include "server/HttpUtil.hpp"

namespace aicore::host {

void ModelsHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  AccessRecord rec;
  rec.id = new_request_id();
  rec.method = req.getMethod();
  rec.path = "/v1/models";
  resp.set("x-request-id", rec.id);
  // Anthropic clients send x-api-key and expect its envelope; everyone else gets OpenAI's.
  const Family family = req.has("x-api-key") && req.has("anthropic-version") ? Family::Anthropic : Family::OpenAI;
  const ClientKey* client = nullptr;
  if (authorize(*rt_, family, req, resp, rec, &client)) {
    nlohmann::ordered_json data = nlohmann::ordered_json::array();
    for (const auto& m : rt_->router->models())
      // A key limited to some models sees only those (an alias when it or its target is allowed,
      // as a request for it is).
      if (!client || client->allows(m.id) || client->allows(m.model_key))
        data.push_back({{"id", m.id}, {"object", "model"}, {"created", rt_->started_unix}, {"owned_by", m.owned_by}});
    nlohmann::ordered_json body = {{"object", "list"}, {"data", std::move(data)}};
    rec.status = 200;
    send_json(resp, 200, body.dump());
  }
  if (rt_->config.log.access_log) rec.write();
}

void HealthHandler::handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) {
  // Unauthenticated on purpose: orchestrators probe it. It reveals no configuration.
  resp.set("x-request-id", new_request_id());
  nlohmann::ordered_json body = {
      {"status", "ok"}, {"models", rt_->router->models().size()}, {"providers", rt_->plugins.providers.size()}};
  send_json(resp, 200, body.dump());
}

void NotFoundHandler::handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
  resp.set("x-request-id", new_request_id());
  std::string path = req.getURI().substr(0, req.getURI().find('?'));
  send_json(resp, 404, error_body(family_, 404, "no route for " + req.getMethod() + " " + path));
}

}  // namespace aicore::host
