// One upstream attempt on one deployment: the subaccount's token, the call, and the answer —
// relayed to the client when it is good, judged (retry, re-authorise, or relay the error) when it
// is not. The Outcome says what the attempt means for the deployment and the request.
#pragma once

#include "balance/Balancer.hpp"
#include "pipeline/Exchange.hpp"
#include "retry/Failover.hpp"
#include "upstream/UpstreamClient.hpp"

namespace aicore::host {

// `may_reauthorize`: an upstream 401 may still drop the token and retry with a fresh one.
Outcome attempt(Exchange& x, const Target& t, bool may_reauthorize);

// A non-2xx upstream answer: the plugin classifies it; a fatal one is relayed to the client here.
Outcome judge_upstream_error(Exchange& x, const UpstreamResponse& r);

// The two ways of relaying a 2xx answer (pipeline/WholeAnswer.cpp, stream/StreamAttempt.cpp).
// Both may throw UpstreamIoError while nothing has reached the client.
Outcome relay_whole(Exchange& x, const UpstreamCall& call);
Outcome relay_stream(Exchange& x, const UpstreamCall& call);

}  // namespace aicore::host
