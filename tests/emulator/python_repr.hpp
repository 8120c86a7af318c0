#pragma once
// Python's repr() of a JSON value, as SAP prints Converse stream events (reference §3.1): dicts
// {'key': value} with ", " and ": " separators, strings in single quotes (double quotes when the
// text has a ' and no "), backslash escapes for \\ \n \r \t and the quote, \xhh for other control
// characters, printable non-ASCII as UTF-8, True/False/None.
#include "json.hpp"

#include <string>

namespace aicore::emulator {

std::string pythonRepr(const Json& value);

}  // namespace aicore::emulator
