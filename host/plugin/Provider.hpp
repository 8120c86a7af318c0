// C++ face of one provider adapter (acp.provider.v1): calls through the C table, copies outputs
// into host memory, turns error statuses into PluginFailure values, and hands what the plugin
// reports about a response to the caller as typed events (StreamEvents.hpp) — from the plugin's
// acp_event_sink calls (ABI 1.1), or derived from a 1.0 plugin's text (LegacyEvents.hpp).
#pragma once

#include <aicore/abi.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/Family.hpp"
#include "plugin/LegacyEvents.hpp"
#include "plugin/PluginLibrary.hpp"
#include "plugin/Sinks.hpp"
#include "plugin/StreamEvents.hpp"

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
  // The client body into `out`; the usage the plugin reports (or, for a 1.0 plugin, the body
  // shows) into `usage` when given.
  bool convert_response(const ResponseView& in, std::string& out, PluginFailure& fail, Usage* usage = nullptr) const;
  std::unique_ptr<ProviderStream> open_stream(const ResponseView& in, PluginFailure& fail) const;
  acp_error_class classify_error(const ResponseView& in, std::string& message) const;

 private:
  std::shared_ptr<PluginLibrary> lib_;
  acp_provider_v1 t_;
  acp_adapter* adapter_ = nullptr;
  bool legacy_;  // built for ABI 1.0: no typed events, derive them from the text
  friend class ProviderStream;
};

// One streamed response's converter; closes itself.
class ProviderStream {
 public:
  ProviderStream(std::shared_ptr<PluginLibrary> lib, const acp_provider_v1& t, acp_stream* s, Family family,
                 bool legacy);
  ~ProviderStream();
  ProviderStream(const ProviderStream&) = delete;
  // What the plugin emits goes to `events`. An exception thrown by `events` (client gone) is
  // rethrown after the plugin call returns.
  bool feed(std::string_view bytes, StreamEvents& events, PluginFailure& fail);
  bool finish(StreamEvents& events, PluginFailure& fail);
  // The same for callers that want only the client events.
  bool feed(std::string_view bytes, const std::function<void(std::string_view)>& on_event, PluginFailure& fail);
  bool finish(const std::function<void(std::string_view)>& on_event, PluginFailure& fail);

 private:
  acp_status call(StreamEvents& events, const std::function<acp_status(acp_sink*)>& f);

  std::shared_ptr<PluginLibrary> lib_;
  acp_provider_v1 t_;
  acp_stream* s_;
  std::optional<LegacyEvents> legacy_;  // set for a 1.0 plugin
};

}  // namespace aicore::host
