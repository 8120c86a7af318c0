// The claude plugin's JSON-or-Python-literal reader (plugins/claude/python_literal.hpp), which reads
// SAP's /converse-stream events (Python dict reprs) — bytes straight from the upstream.
//
// Properties, from its header: it never throws and never recurses past its depth limit (a crash
// or sanitizer report is a finding); a refusal carries a reason; whatever it returns serialises;
// it accepts everything JSON accepts (within the depth limit); parse_json_or_python reads JSON
// exactly as JSON.
#include "fuzz_support.hpp"

#include "claude/json_util.hpp"
#include "claude/python_literal.hpp"

int fuzz_one_input(std::string_view in) {
  using aicore::claude::Json;
  try {
    std::string why;
    std::optional<Json> py = aicore::claude::parse_python_literal(in, &why);
    if (py) (void)aicore::claude::dump(*py);
    else FUZZ_CHECK(!why.empty(), in);

    std::string why2;
    std::optional<Json> either = aicore::claude::parse_json_or_python(in, &why2);
    if (either) (void)aicore::claude::dump(*either);
    else FUZZ_CHECK(!why2.empty(), in);

    // nlohmann's lexer takes a NUL byte for the end of input ("2\0junk" is accepted as 2), so the
    // comparison with JSON holds only for inputs without one.
    if (in.find('\0') == std::string_view::npos && !aicore::claude::nested_deeper_than(in, aicore::claude::kMaxJsonDepth) && Json::accept(in)) {
      FUZZ_CHECK(py.has_value(), "JSON that the Python-literal reader refuses (" + why + "): " + std::string(in));
      FUZZ_CHECK(either.has_value() && *either == Json::parse(in), "parse_json_or_python does not read JSON as JSON: " + std::string(in));
    }
  } catch (const std::exception& e) {
    fuzz::fail(std::string("the Python-literal reader threw: ") + e.what(), in);
  }
  return 0;
}
