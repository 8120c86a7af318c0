// The Prometheus text exposition format (version 0.0.4): family headers, samples, escaping.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::host::metrics {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// "# HELP" and "# TYPE" lines of one family.
void family(std::string& out, std::string_view name, std::string_view type, std::string_view help);
// One sample line: name{l1="v1",...} value. Label values are escaped (\\, \", \n).
void sample(std::string& out, std::string_view name, const Labels& labels, double value);
// The value as the format writes it: integers without a fraction, +Inf, NaN.
std::string number(double v);

}  // namespace aicore::host::metrics
