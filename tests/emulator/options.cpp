#include "options.hpp"

#include <charconv>
#include <string_view>

namespace aicore::emulator {

const char* usageText() {
  return "usage: aicore-emulator [--host 127.0.0.1] [--port N] [--port-file FILE] [--config FILE]\n"
         "                       [--latency-ms N] [--chunk-delay-ms N] [--threads N] [--quiet]\n"
         "                       [--record-body-bytes N]\n"
         "                       [--mtls-cert PEM --mtls-key PEM --mtls-ca PEM [--mtls-port N]]\n";
}

static bool parseInt(std::string_view s, int min, int max, int& out) {
  int v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) return false;
  out = v;
  return true;
}

std::optional<Options> parseOptions(int argc, char** argv, std::string& error, bool& help) {
  Options o;
  help = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return std::nullopt;
    }
    if (arg == "--quiet" || arg == "-q") {
      o.quiet = true;
      continue;
    }
    // Accept both "--name value" and "--name=value".
    std::string_view name = arg, value;
    bool haveValue = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos && arg.starts_with("--")) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      haveValue = true;
    }
    auto needValue = [&]() -> bool {
      if (haveValue) return true;
      if (i + 1 >= argc) {
        error = "missing value for " + std::string(name);
        return false;
      }
      value = argv[++i];
      return true;
    };
    auto intOption = [&](int min, int max, int& out) -> bool {
      if (!needValue()) return false;
      if (!parseInt(value, min, max, out)) {
        error = "invalid value for " + std::string(name) + ": " + std::string(value);
        return false;
      }
      return true;
    };
    bool ok;
    if (name == "--host")
      ok = needValue() && (o.host = value, true);
    else if (name == "--port")
      ok = intOption(0, 65535, o.port);
    else if (name == "--port-file")
      ok = needValue() && (o.portFile = value, true);
    else if (name == "--config")
      ok = needValue() && (o.configFile = value, true);
    else if (name == "--latency-ms")
      ok = intOption(0, 3600000, o.latencyMs);
    else if (name == "--chunk-delay-ms")
      ok = intOption(0, 3600000, o.chunkDelayMs);
    else if (name == "--threads")
      ok = intOption(1, 100000, o.threads);
    else if (name == "--record-body-bytes")
      ok = intOption(0, 1 << 30, o.recordBodyBytes);
    else if (name == "--mtls-port")
      ok = intOption(0, 65535, o.mtlsPort);
    else if (name == "--mtls-cert")
      ok = needValue() && (o.mtlsCert = value, true);
    else if (name == "--mtls-key")
      ok = needValue() && (o.mtlsKey = value, true);
    else if (name == "--mtls-ca")
      ok = needValue() && (o.mtlsCa = value, true);
    else {
      error = "unknown option: " + std::string(arg);
      ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (!o.mtlsCert.empty() && (o.mtlsKey.empty() || o.mtlsCa.empty())) {
    error = "--mtls-cert needs --mtls-key and --mtls-ca";
    return std::nullopt;
  }
  return o;
}

}  // namespace aicore::emulator
