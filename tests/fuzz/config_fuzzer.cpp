// The host's config parser (host/config), which reads operator files at start-up and again on every
// SIGHUP. Properties: whatever the bytes, parse_config either returns a Config or throws
// ConfigError (which main() reports as "config error: <field>: <problem>", exit 2, and a SIGHUP
// reload refuses) — any other exception escapes main() at start-up as std::terminate.
#include "fuzz_support.hpp"

#include "config/Config.hpp"

#include <exception>
#include <typeinfo>

#include <nlohmann/json.hpp>

int fuzz_one_input(std::string_view in) {
  const std::string text(in);
  try {
    aicore::host::Config c = aicore::host::parse_config(text, "/nonexistent/aicore-fuzz", "fuzz.json");
    (void)c.model_keys();
    (void)c.secrets();
    FUZZ_CHECK(!c.subaccounts.empty(), text);
    FUZZ_CHECK(c.server.min_threads <= c.server.max_threads, text);
    FUZZ_CHECK(c.server.max_in_flight <= c.server.max_threads, text);
  } catch (const aicore::host::ConfigError& e) {
    FUZZ_CHECK(std::string_view(e.what()).find(": ") != std::string_view::npos, e.what());
  } catch (const std::exception& e) {
    fuzz::fail(std::string("parse_config threw ") + typeid(e).name() + " instead of ConfigError: " + e.what(),
               text.substr(0, 1500));
  }
  return 0;
}
