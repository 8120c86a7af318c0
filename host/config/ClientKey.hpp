// A client key as the config names it (`client_keys`, and `secret_authentication_tokens`, whose
// keys are named by a fingerprint), and what it may use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aicore::host {

// A key's quotas (quota/QuotaBook.hpp); 0: no limit. Day and month are UTC calendar periods.
struct KeyLimits {
  int64_t requests_per_minute = 0;
  int64_t tokens_per_minute = 0;
  int64_t tokens_per_day = 0;
  int64_t tokens_per_month = 0;
  bool any() const { return requests_per_minute || tokens_per_minute || tokens_per_day || tokens_per_month; }
};

struct ClientKey {
  std::string name;                 // in logs, metrics and the usage ledger; never the key
  std::string key;                  // the key itself when the config holds it; "" when only its digest
  std::string sha256;               // the key's SHA-256, 64 lower-case hex digits
  std::vector<std::string> models;  // allow-list: exact model names and `*` globs; empty: every model
  bool enabled = true;
  KeyLimits limits;

  // Whether `model` (a model key or alias) is on the allow-list.
  bool allows(std::string_view model) const;
};

// The SHA-256 of `text`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

// A key name as logs, metrics labels and reports show it: 1 to 64 letters, digits or - _ . @ +.
bool valid_key_name(std::string_view name);

// `text` matches `pattern`, where `*` stands for any run of characters (none included).
bool glob_match(std::string_view pattern, std::string_view text);

// The name secret_authentication_tokens' keys get: "key-" and the first 8 hex digits of the
// key's SHA-256 (enough to tell keys apart in a report, too little to help guess one).
std::string fingerprint_name(std::string_view sha256_hex);

}  // namespace aicore::host
