// C++ face of one provider adapter (acp.provider.v1): calls through the C table, copies outputs
// into host memory, turns error statuses into PluginFailure values.
#pragma once

#include <aicore/abi.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/PluginLibrary.hpp"
#include "plugin/Sinks.hpp"

namespace aicore::host {

struct ProviderCall {
  std::string_view dialect, client_model, model, body;
  const std::vector<acp_header>* headers = nullptr;
  bool stream = false;
};

struct ResponseView {
  std::string_view dialect, model, context;
  int status = 0;
  std::string_view content_type, body;
};

class ProviderStream;

class Provider {
 public:
  // Creates the adapter; throws std::runtime_error with the plugin's message on failure.
  Provider(std::shared_ptr<PluginLibrary> lib, const acp_provider_v1& table, const std::string& settings_json);
  ~Provider();
  Provider(const Provider&) = delete;

  const std::string& name() const { return lib_->name(); }
  bool detect_model(std::string_view model) const;
  std::vector<std::string> model_candidates(std::string_view model) const;

  // Returns false and fills `fail` on error.
  bool convert_request(const ProviderCall& call, UpstreamRequest& out, PluginFailure& fail) const;
  bool convert_response(const ResponseView& in, std::string& out, PluginFailure& fail) const;
  std::unique_ptr<ProviderStream> open_stream(const ResponseView& in, PluginFailure& fail) const;
  acp_error_class classify_error(const ResponseView& in, std::string& message) const;

 private:
  std::shared_ptr<PluginLibrary> lib_;
  acp_provider_v1 t_;
  acp_adapter* adapter_ = nullptr;
  friend class ProviderStream;
};

// One streamed response's converter; closes itself.
class ProviderStream {
 public:
  ProviderStream(std::shared_ptr<PluginLibrary> lib, const acp_provider_v1& t, acp_stream* s)
      : lib_(std::move(lib)), t_(t), s_(s) {}
  ~ProviderStream();
  ProviderStream(const ProviderStream&) = delete;
  // Each emitted event goes to `on_event`. Exceptions thrown by on_event (client gone) are rethrown
  // after the plugin call returns.
  bool feed(std::string_view bytes, const std::function<void(std::string_view)>& on_event, PluginFailure& fail);
  bool finish(const std::function<void(std::string_view)>& on_event, PluginFailure& fail);
  // Usage the converter saw (-1 unknown; also when the plugin's table has no stream_usage).
  void usage(int64_t& prompt_tokens, int64_t& completion_tokens) const;

 private:
  std::shared_ptr<PluginLibrary> lib_;
  acp_provider_v1 t_;
  acp_stream* s_;
};

}  // namespace aicore::host
