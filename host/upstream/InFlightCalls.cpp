#include "upstream/InFlightCalls.hpp"

#include <sys/socket.h>

#include "upstream/UpstreamErrors.hpp"
#include "upstream/UpstreamSession.hpp"

namespace aicore::host {

InFlightCalls& InFlightCalls::process() {
  static InFlightCalls calls;
  return calls;
}

InFlightCalls::Entry::Entry(InFlightCalls& calls, UpstreamSession& s) : calls_(&calls), s_(&s) {
  std::lock_guard lock(calls_->mu_);
  if (calls_->aborted_) {
    calls_ = nullptr;
    throw UpstreamAborted();
  }
  calls_->live_.insert(s_);
}

void InFlightCalls::Entry::leave() {
  if (!calls_) return;
  std::lock_guard lock(calls_->mu_);
  calls_->live_.erase(s_);
  calls_ = nullptr;
}

void InFlightCalls::abort_all() {
  std::lock_guard lock(mu_);
  aborted_ = true;
  // The owner thread may be blocked reading (TLS included): a shutdown(2) of the descriptor wakes
  // it with end-of-file or an error, and writes nothing on the TLS layer from this thread. Its
  // session leaves this set (under the lock) before it closes the descriptor. A session not yet
  // connected has none; it checks aborted() after connecting, and main() repeats abort_all().
  for (UpstreamSession* s : live_) s->shutdown_socket();
  cv_.notify_all();
}

bool InFlightCalls::aborted() const {
  std::lock_guard lock(mu_);
  return aborted_;
}

void InFlightCalls::check() const {
  if (aborted()) throw UpstreamAborted();
}

bool InFlightCalls::sleep_for(std::chrono::steady_clock::duration d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return aborted_; });
}

size_t InFlightCalls::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

}  // namespace aicore::host
