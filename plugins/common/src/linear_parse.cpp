#include "linear_parse.hpp"

#include <unordered_map>
#include <utility>
#include <vector>

namespace aicore::mapping::detail {
namespace {

using Members = std::vector<std::pair<const std::string, Json>>;  // what ordered_map is built on

// Objects up to this size find a duplicate key by scanning; beyond it through an index.
constexpr size_t kScanMembers = 16;

class Builder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  Builder(Json& root, ParseFailure& failure) : root_(root), failure_(failure) {}

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(number_integer_t v) { return put(v); }
  bool number_unsigned(number_unsigned_t v) { return put(v); }
  bool number_float(number_float_t v, const string_t&) { return put(v); }
  bool string(string_t& v) { return put(std::move(v)); }
  bool binary(binary_t& v) { return put(Json::binary(std::move(v))); }

  bool start_object(size_t) {
    Json* o = place(Json::object());
    stack_.push_back(Frame{o, {}});
    return true;
  }
  bool key(string_t& k) {
    Frame& f = stack_.back();
    Members& m = members(*f.value);
    if (m.size() < kScanMembers) {
      for (auto& [name, value] : m)
        if (name == k) {
          pending_ = &value;  // a duplicate: the last value wins, in the first one's place
          return true;
        }
    } else {
      if (f.index.empty())
        for (size_t i = 0; i < m.size(); ++i) f.index.emplace(m[i].first, i);
      if (auto it = f.index.find(k); it != f.index.end()) {
        pending_ = &m[it->second].second;
        return true;
      }
      f.index.emplace(k, m.size());
    }
    m.emplace_back(std::move(k), Json());
    pending_ = &m.back().second;
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(size_t) {
    Json* a = place(Json::array());
    stack_.push_back(Frame{a, {}});
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }

  template <class Exception>
  bool parse_error(size_t byte, const std::string&, const Exception& e) {
    failure_.failed = true;
    failure_.byte = byte;
    failure_.syntax = e.id >= 101 && e.id <= 199;  // parse_error ids; out_of_range are 4xx
    return false;
  }

 private:
  struct Frame {
    Json* value;
    std::unordered_map<std::string, size_t> index;  // key -> position, for large objects only
  };

  static Members& members(Json& object) { return object.get_ref<Json::object_t&>(); }

  // Stores a scalar (or an empty container) where the next value goes; returns where it went.
  template <class V>
  Json* place(V&& v) {
    if (stack_.empty()) {
      root_ = Json(std::forward<V>(v));
      return &root_;
    }
    Json& top = *stack_.back().value;
    if (top.is_array()) {
      top.get_ref<Json::array_t&>().emplace_back(std::forward<V>(v));
      return &top.get_ref<Json::array_t&>().back();
    }
    *pending_ = Json(std::forward<V>(v));
    return pending_;
  }
  template <class V>
  bool put(V&& v) {
    place(std::forward<V>(v));
    return true;
  }

  Json& root_;
  ParseFailure& failure_;
  std::vector<Frame> stack_;
  Json* pending_ = nullptr;  // the member the next value of the current object goes to
};

}  // namespace

Json parse_linear(std::string_view text, ParseFailure& failure) {
  Json root;
  Builder b(root, failure);
  bool ok = false;
  try {
    ok = Json::sax_parse(text, &b);
  } catch (const nlohmann::json::exception&) {
    ok = false;
    failure.failed = true;
  }
  if (!ok || failure.failed) {
    failure.failed = true;
    return Json(Json::value_t::discarded);
  }
  return root;
}

}  // namespace aicore::mapping::detail
