#include "exchange.hpp"
#include "handlers.hpp"

namespace aicore::emulator {

void handleHealth(Exchange& ex) { ex.sendJson(200, R"({"status":"ok"})"); }

}  // namespace aicore::emulator
