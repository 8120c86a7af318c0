// One model request on its way through the pipeline (admit → read fields → convert → forward):
// what the client sent, what each stage decided, and the access record that says how it ended.
// Stages take the Exchange, do their one job and return false when they have answered the client.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <optional>
#include <string>
#include <string_view>

#include "plugin/Sinks.hpp"
#include "quota/QuotaBook.hpp"
#include "retry/Failover.hpp"
#include "routing/Router.hpp"
#include "runtime/Runtime.hpp"
#include "server/AccessLog.hpp"
#include "server/Dialect.hpp"
#include "server/MemoryBudget.hpp"
#include "upstream/CallDeadline.hpp"
#include "upstream/UpstreamClient.hpp"

namespace aicore::host {

struct Exchange {
  Exchange(Poco::Net::HTTPServerRequest& rq, Poco::Net::HTTPServerResponse& rs, const Runtime& r, const Dialect& d,
           MemoryBudget& budget)
      : req(rq), resp(rs), rt(r), dialect(d), memory(budget) {}

  Poco::Net::HTTPServerRequest& req;
  Poco::Net::HTTPServerResponse& resp;
  const Runtime& rt;
  const Dialect& dialect;
  AccessRecord rec;
  MemoryBudget::Lease memory;  // what this request holds of server.max_inflight_body_bytes

  const ClientKey* client = nullptr;  // admit: the caller's key, when it has a name
  std::string body;                   // admit: the client's body
  std::string model;                  // read_fields: the model the client asked for
  bool stream = false;                // read_fields: whether it asked for a stream
  bool json_array = false;            // read_fields: a Gemini stream without ?alt=sse, framed as a JSON array
  std::optional<Route> route;         // convert: the model key and its provider plugin
  QuotaCharge quota;                  // convert: what the key's quotas were charged (settled at the end)
  UpstreamRequest upstream;           // convert: what the plugin made of the request
  uint64_t conversation = 0;          // convert: the conversation key when affinity applies, else 0
  CallDeadline* deadline = nullptr;   // forward: retry.deadline_s, until the answer starts
  UpstreamCall call;                  // forward: one call for every attempt, its body never copied per attempt
  bool context_fallback = false;      // forward: a context-window fallback remains for a prompt too long
  std::optional<GiveUp> too_long;     // forward: the model said the prompt is too long (and one remains)

  // Answers the client with an error in its dialect's envelope and records it. Always false, so a
  // stage can `return x.fail(...)`.
  bool fail(int status, std::string_view message, std::string_view type = {}, std::string_view code = {});
  Family family() const { return dialect.family; }
};

// The HTTP status for a plugin's failure: its own hint when it gave one, else from the status code.
int status_for(const PluginFailure& f);

}  // namespace aicore::host
