// The host's URL parser (host/upstream/Url.cpp), which reads deployment URLs and service-key URLs
// from the operator's config and from each subaccount's service key.
//
// Properties: only std::invalid_argument escapes; a parsed URL has a host, a port in 1..65535, a
// path that starts with '/' and carries no fragment; origin() names its scheme, host and port.
#include "fuzz_support.hpp"

#include "upstream/Url.hpp"

int fuzz_one_input(std::string_view in) {
  const std::string text(in);
  try {
    const aicore::host::Url u = aicore::host::Url::parse(text);
    FUZZ_CHECK(!u.host.empty(), text);
    FUZZ_CHECK(u.port >= 1, text);
    FUZZ_CHECK(!u.path.empty() && u.path[0] == '/', text);
    FUZZ_CHECK(u.path.find('#') == std::string::npos, text);
    FUZZ_CHECK(u.origin().starts_with(u.https ? "https://" : "http://"), text);
    FUZZ_CHECK(u.origin().ends_with(":" + std::to_string(u.port)), text);
  } catch (const std::invalid_argument&) {
  } catch (const std::exception& e) {
    fuzz::fail(std::string("Url::parse threw ") + e.what() + " instead of invalid_argument", text);
  }
  return 0;
}
