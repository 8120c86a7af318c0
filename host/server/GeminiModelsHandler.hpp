// GET /v1beta/models and GET /v1beta/models/{model}: the configured models in the Gemini API's
// Model shape, for Gemini CLI and the @google/genai SDK (models.list / models.get).
#pragma once

#include <string>

#include "server/SimpleHandlers.hpp"

namespace aicore::host {

class GeminiModelsHandler : public RuntimeHandler {
 public:
  // `model` empty: the listing; else the one model (percent-decoded, without "models/").
  GeminiModelsHandler(std::shared_ptr<Runtime> rt, std::string model)
      : RuntimeHandler(std::move(rt)), model_(std::move(model)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override;

 private:
  std::string model_;
};

}  // namespace aicore::host
