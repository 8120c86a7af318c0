#pragma once
// Poco glue: one handler object per request that dispatches on the path, records /oauth and /v2
// traffic, and logs one line per request unless --quiet.
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace aicore::emulator {

struct Emulator;

class RequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RequestHandlerFactory(Emulator& emu) : emu_(emu) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

 private:
  Emulator& emu_;
};

}  // namespace aicore::emulator
