// The quota stage: before the upstream call the caller's key is charged against its quotas
// (429 + Retry-After in the client's dialect when over one); when the request ends the charge is
// settled with the tokens the upstream reported.
#pragma once

#include "pipeline/Exchange.hpp"

namespace aicore::host {

bool charge_quota(Exchange& x);
void settle_quota(Exchange& x);

}  // namespace aicore::host
