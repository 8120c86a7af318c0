#pragma once
// Command-line options of aicore-emulator.
#include <optional>
#include <string>

namespace aicore::emulator {

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;                   // 0 = let the kernel pick a free port
  std::string portFile;           // where to write the chosen port, for test harnesses
  std::string configFile;         // empty = built-in default-config.json
  int latencyMs = 0;              // added before every /v2 answer; 0 keeps benchmarks honest
  int chunkDelayMs = 0;           // pause between streamed events
  int threads = 256;              // max worker threads (Poco's default pool caps at 16)
  bool quiet = false;             // no per-request log line
  int recordBodyBytes = 1 << 20;  // a recorded request keeps this much of its body (the soak: a few KiB)
  // The mTLS token endpoint (an X.509 service key's certurl): on when mtlsCert is set. Clients
  // must present a certificate signed by mtlsCa.
  int mtlsPort = 0;
  std::string mtlsCert, mtlsKey, mtlsCa;
};

const char* usageText();

// Parses argv. On failure returns nullopt and sets error; sets help when --help/-h was given.
std::optional<Options> parseOptions(int argc, char** argv, std::string& error, bool& help);

}  // namespace aicore::emulator
