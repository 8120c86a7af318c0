// Shared vocabulary of the mapping library.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

#include <aicore/plugin.hpp>
#include <nlohmann/json.hpp>

namespace aicore::mapping {

// Key order is preserved, so mapped bodies and golden fixtures read in the order the specs list.
using Json = nlohmann::ordered_json;

// Where a stream mapping writes: one complete, framed SSE event per call (`data: …\n\n` or
// `event: …\ndata: …\n\n`; the bytes are only valid during the call) and, when it is built on a
// plugin's event sink, the typed events of ABI 1.1 (aicore::Sink: end, upstream_error, usage).
// Built from a plain function (tests, callers that rework the events) those go nowhere.
class Emit {
 public:
  template <class F, std::enable_if_t<
                         !std::is_same_v<std::decay_t<F>, Emit> && std::is_invocable_v<F&, std::string_view>, int> = 0>
  Emit(F&& write) : write_(std::forward<F>(write)) {}
  explicit Emit(const Sink& events) : events_(events) {}

  void operator()(std::string_view event) const {
    if (write_)
      write_(event);
    else
      events_.write(event);
  }
  // The typed events (no-ops without an event sink).
  const Sink& events() const { return events_; }

 private:
  std::function<void(std::string_view)> write_;
  Sink events_{nullptr};
};

}  // namespace aicore::mapping
