#include "test_support.hpp"

#include "claude/python_literal.hpp"

#include <random>

using namespace claude_test;
using aicore::claude::parse_json_or_python;
using aicore::claude::parse_python_literal;

namespace {

Json parsed(std::string_view text) {
  std::string why;
  auto j = parse_python_literal(text, &why);
  EXPECT_TRUE(j.has_value()) << text << ": " << why;
  return j.value_or(Json("<failed>"));
}

std::string error_of(std::string_view text) {
  std::string why;
  auto j = parse_python_literal(text, &why);
  EXPECT_FALSE(j.has_value()) << text << " parsed as " << (j ? j->dump() : "");
  return why;
}

// Python's repr() of a value, written here independently of the parser: single quotes unless the
// text has a ' and no ", escapes as CPython prints them.
std::string py_repr(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "None";
    case Json::value_t::boolean: return v.get<bool>() ? "True" : "False";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return v.dump();
    case Json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
      std::string o(1, q);
      for (unsigned char c : s) {
        if (c == '\\') o += "\\\\";
        else if (c == static_cast<unsigned char>(q)) o += std::string("\\") + q;
        else if (c == '\n') o += "\\n";
        else if (c == '\r') o += "\\r";
        else if (c == '\t') o += "\\t";
        else if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          o += buf;
        } else o += static_cast<char>(c);
      }
      return o + q;
    }
    case Json::value_t::array: {
      std::string o = "[";
      for (size_t i = 0; i < v.size(); ++i) o += (i ? ", " : "") + py_repr(v[i]);
      return o + "]";
    }
    case Json::value_t::object: {
      std::string o = "{";
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        o += (first ? "" : ", ") + py_repr(Json(it.key())) + ": " + py_repr(it.value());
        first = false;
      }
      return o + "}";
    }
    default: return "None";
  }
}

Json random_value(std::mt19937& rng, int depth) {
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  static const std::vector<std::string> kStrings = {
      "", "hi", "I'm", "say \"x\"", "both ' and \"", "back\\slash", "line\nbreak\ttab\r", "\x01\x1f\x7f",
      "ünïcödé — ☃", "😀 emoji", "{'not': 'a dict'}", "True", "None", "\\u0041 literal"};
  switch (depth > 3 ? pick(5) : pick(7)) {
    case 0: return nullptr;
    case 1: return pick(2) == 0;
    case 2: return static_cast<int64_t>(std::uniform_int_distribution<int64_t>(-1000000000000LL, 1000000000000LL)(rng));
    case 3: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
    case 4: return kStrings[static_cast<size_t>(pick(static_cast<int>(kStrings.size())))];
    case 5: {
      Json a = Json::array();
      for (int i = pick(4); i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      for (int i = pick(4); i > 0; --i) o[kStrings[static_cast<size_t>(pick(static_cast<int>(kStrings.size())))] + std::to_string(i)] = random_value(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace

TEST(PythonLiteral, ReferenceExamples) {
  EXPECT_EQ(parsed("{'contentBlockDelta': {'delta': {'text': 'hi'}}}"),
            Json::parse(R"({"contentBlockDelta":{"delta":{"text":"hi"}}})"));
  EXPECT_EQ(parsed("{'contentBlockDelta': {'delta': {'text': \" I'm fine\"}, 'contentBlockIndex': 0}}"),
            Json::parse(R"({"contentBlockDelta":{"delta":{"text":" I'm fine"},"contentBlockIndex":0}})"));
  EXPECT_EQ(parsed("{'messageStop': {'stopReason': 'end_turn', 'additionalModelResponseFields': None}}"),
            Json::parse(R"({"messageStop":{"stopReason":"end_turn","additionalModelResponseFields":null}})"));
  EXPECT_EQ(parsed("{'a': True, 'b': False, 'c': None, 'd': [1, -2, 3.5, 1e3, -0.25E-2]}"),
            Json::parse(R"({"a":true,"b":false,"c":null,"d":[1,-2,3.5,1000.0,-0.0025]})"));
}

TEST(PythonLiteral, KeyOrderIsKept) {
  EXPECT_EQ(parsed("{'z': 1, 'a': 2, 'm': 3}").dump(), R"({"z":1,"a":2,"m":3})");
}

TEST(PythonLiteral, StringEscapes) {
  EXPECT_EQ(parsed(R"('a\'b')"), "a'b");
  EXPECT_EQ(parsed(R"("a\"b")"), "a\"b");
  EXPECT_EQ(parsed(R"('\\ \n \r \t \a \b \f \v \0 \x41 \101 \u00e9 \U0001F600')"),
            std::string("\\ \n \r \t \a \b \f \v ") + std::string(1, '\0') + " A A \xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(parsed(R"('\d\q')"), "\\d\\q");          // unknown escapes stay, as in Python
  EXPECT_EQ(parsed(R"('\ud83d\ude00')"), "😀");      // a JSON-style surrogate pair is combined
  EXPECT_EQ(parsed(R"('\ud83d x')"), "\xef\xbf\xbd x");  // a lone surrogate becomes U+FFFD
  EXPECT_EQ(parsed("'line \\\ncontinued'"), "line continued");
  EXPECT_EQ(parsed("'ünïcödé — ☃'"), "ünïcödé — ☃");  // printable non-ASCII is raw UTF-8 in repr
}

TEST(PythonLiteral, PrefixesTripleQuotesAndConcatenation) {
  EXPECT_EQ(parsed(R"(r'a\nb')"), "a\\nb");
  EXPECT_EQ(parsed(R"(u'x')"), "x");
  EXPECT_EQ(parsed("'''it's \"here\"\nok'''"), "it's \"here\"\nok");
  EXPECT_EQ(parsed(R"("""a""")"), "a");
  EXPECT_EQ(parsed("'a' \"b\" 'c'"), "abc");
  EXPECT_EQ(parsed(R"(b'\x00\xffhi')"), "AP9oaQ==");  // bytes become base64, as in Converse JSON
  EXPECT_EQ(parsed(R"(b'\u0041')"), "XHUwMDQx");     // \u is not an escape in bytes
  EXPECT_FALSE(parse_python_literal("'a' b'b'").has_value());
}

TEST(PythonLiteral, Numbers) {
  EXPECT_EQ(parsed("12345678901234567890").get<uint64_t>(), 12345678901234567890ULL);
  EXPECT_EQ(parsed("-9223372036854775808").get<int64_t>(), INT64_MIN);
  EXPECT_TRUE(parsed("123456789012345678901234567890").is_number_float());
  EXPECT_EQ(parsed("1_000_000"), 1000000);
  EXPECT_EQ(parsed("0x1F"), 31);
  EXPECT_EQ(parsed("0o17"), 15);
  EXPECT_EQ(parsed("0b101"), 5);
  EXPECT_EQ(parsed("-0x10"), -16);
  EXPECT_EQ(parsed(".5"), 0.5);
  EXPECT_EQ(parsed("5."), 5.0);
  EXPECT_EQ(parsed("+3"), 3);
  EXPECT_EQ(parsed("0.1"), 0.1);
}

TEST(PythonLiteral, ContainersTuplesTrailingCommasAndKeys) {
  EXPECT_EQ(parsed("(1, 2,)"), Json::parse("[1,2]"));
  EXPECT_EQ(parsed("(1,)"), Json::parse("[1]"));
  EXPECT_EQ(parsed("()"), Json::array());
  EXPECT_EQ(parsed("[1, [2, {'a': ()}],]"), Json::parse(R"([1,[2,{"a":[]}]])"));
  EXPECT_EQ(parsed("{1: 'one', True: 'yes', None: 0}"), Json::parse(R"({"1":"one","true":"yes","null":0})"));
  EXPECT_EQ(parsed(" \t\n{ }\n "), Json::object());
}

TEST(PythonLiteral, JsonIsAcceptedToo) {
  const char* docs[] = {R"({"a":[1,2.5,-3e-7,true,false,null],"b":"\u00e9\ud83d\ude00\n"})", "[]", "\"x\"", "0",
                        R"({"nested":{"deep":[[[]]]}})"};
  for (const char* d : docs) {
    EXPECT_EQ(parsed(d), Json::parse(d)) << d;
    EXPECT_EQ(*parse_json_or_python(d), Json::parse(d)) << d;
  }
}

TEST(PythonLiteral, RejectsWithAReason) {
  EXPECT_EQ(error_of("{'a' 1}"), "offset 5: expected ':'");
  EXPECT_EQ(error_of("{'a': 1"), "offset 7: expected ',' or '}'");
  EXPECT_EQ(error_of("'open"), "offset 5: unterminated string");
  EXPECT_EQ(error_of("[1] 2"), "offset 4: unexpected text after the value");
  EXPECT_EQ(error_of("{[1]: 2}"), "offset 4: dict key must be a string or a number");
  EXPECT_EQ(error_of("nan"), "offset 0: unknown name 'nan'");
  EXPECT_EQ(error_of("'\\x4'"), "offset 4: bad hex escape");
  EXPECT_EQ(error_of("'a\nb'"), "offset 2: newline in a string");
  EXPECT_EQ(error_of(""), "offset 0: unexpected end of input");
  EXPECT_EQ(error_of("{1, 2}"), "offset 2: expected ':'");  // sets are not JSON
  EXPECT_EQ(error_of("0xZZ"), "offset 0: bad integer literal");
}

TEST(PythonLiteral, DepthIsLimited) {
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_python_literal(ok).has_value());
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string why;
  EXPECT_FALSE(parse_python_literal(deep, &why).has_value());
  EXPECT_NE(why.find("nested deeper than 64 levels"), std::string::npos);
  EXPECT_FALSE(parse_json_or_python(deep).has_value());
  std::string one_more = std::string(65, '[') + std::string(65, ']');
  EXPECT_FALSE(parse_python_literal(one_more).has_value());
  EXPECT_FALSE(parse_json_or_python(one_more).has_value());
}

// Random values written as Python reprs read back as the same values.
TEST(PythonLiteral, RandomReprsRoundTrip) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    Json v = random_value(rng, 0);
    std::string text = py_repr(v);
    auto back = parse_python_literal(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(*back, v) << text;
  }
}

// Fuzz: mutated reprs either parse or fail with a reason; nothing throws or crashes.
TEST(PythonLiteral, MutatedInputNeverThrows) {
  static const char kBytes[] = "{}[]()'\":,\\0123456789.-+eExuUbrTFN \n\t\x01\xff";
  std::mt19937 rng(99);
  const std::string seed = fixture("converse_tools.python.sse");
  for (int round = 0; round < 20000; ++round) {
    std::string s = seed.substr(std::uniform_int_distribution<size_t>(0, seed.size() / 2)(rng), 400);
    int edits = std::uniform_int_distribution<int>(1, 6)(rng);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      size_t at = std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng);
      char b = kBytes[std::uniform_int_distribution<size_t>(0, sizeof(kBytes) - 2)(rng)];
      switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
        case 0: s[at] = b; break;
        case 1: s.erase(at, 1); break;
        case 2: s.insert(at, 1, b); break;
        default: s.resize(at); break;
      }
    }
    std::string why;
    auto j = parse_json_or_python(s, &why);
    if (!j) ASSERT_FALSE(why.empty()) << s;
    else (void)j->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}
