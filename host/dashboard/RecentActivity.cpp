#include "dashboard/RecentActivity.hpp"

#include <algorithm>

#include "log/Log.hpp"
#include "quota/QuotaBook.hpp"  // utc_day, utc_month

namespace aicore::host::dashboard {

void TokenTotals::add(const Usage& u) {
  ++requests;
  input += std::max<int64_t>(u.input_tokens, 0);
  output += std::max<int64_t>(u.output_tokens, 0);
  cache_read += std::max<int64_t>(u.cache_read_tokens, 0);
  cache_write += std::max<int64_t>(u.cache_write_tokens, 0);
}

TokenTotals& TokenTotals::operator+=(const TokenTotals& o) {
  requests += o.requests;
  input += o.input;
  output += o.output;
  cache_read += o.cache_read;
  cache_write += o.cache_write;
  return *this;
}

RecentActivity& RecentActivity::process() {
  static RecentActivity r;
  return r;
}

void RecentActivity::count_(const UsageRow& row) {
  if (row.model.empty()) return;  // refused before a model was found: no tokens to show
  auto it = totals_.find({row.key, row.model});
  if (it == totals_.end()) {
    if (totals_.size() >= kMaxTotals) return;
    it = totals_.emplace(std::make_pair(row.key, row.model), Periods{}).first;
  }
  Periods& p = it->second;
  const int64_t day = utc_day(row.time_ms);
  if (day < p.day) return;  // an older day's row (seeding is in time order; this is a clock step back)
  if (day != p.day) {
    p.day = day;
    p.today = {};
    if (const int64_t month = utc_month(row.time_ms); month != p.month) {
      p.month = month;
      p.this_month = {};
    }
  }
  p.today.add(row.usage);
  p.this_month.add(row.usage);
}

void RecentActivity::push_(const UsageRow& row) {
  ring_[next_] = row;  // copy-assign: the slot's strings reuse their buffers
  next_ = (next_ + 1) % kRecent;
  filled_ = std::min(filled_ + 1, kRecent);
}

void RecentActivity::request(const UsageRow& row) {
  std::lock_guard lock(m_);
  push_(row);
  count_(row);
}

void RecentActivity::seed(const std::vector<KeyModelTotals>& totals, const std::vector<UsageRow>& last,
                          int64_t now_ms) {
  const int64_t day = utc_day(now_ms), month = utc_month(now_ms);
  std::lock_guard lock(m_);
  for (const auto& t : totals) {
    if (totals_.size() >= kMaxTotals && !totals_.contains({t.key, t.model})) continue;
    Periods& p = totals_[{t.key, t.model}];
    if (p.month != month) {
      p.month = month;
      p.this_month = {};
    }
    if (p.day != day) {
      p.day = day;
      p.today = {};
    }
    p.today += t.today;
    p.this_month += t.month;
  }
  // The ledger's last rows go before what the ring holds already.
  std::vector<UsageRow> keep = recent_();
  std::reverse(keep.begin(), keep.end());
  ring_ = {};
  next_ = filled_ = 0;
  const size_t from = last.size() > kRecent ? last.size() - kRecent : 0;
  for (size_t i = from; i < last.size(); ++i) push_(last[i]);
  for (const auto& row : keep) push_(row);
}

void RecentActivity::upstream_error(const std::string& subaccount, const std::string& deployment, int status,
                                    std::string_view outcome, std::string_view message, int64_t now_ms) {
  UpstreamError e{now_ms, status, std::string(outcome), redact(message.substr(0, kMessageChars))};
  std::lock_guard lock(m_);
  auto& list = errors_[{subaccount, deployment}];
  list.insert(list.begin(), std::move(e));
  if (list.size() > kErrorsPerDeployment) list.pop_back();
}

std::vector<RecentActivity::KeyModelTotals> RecentActivity::totals(int64_t now_ms) const {
  const int64_t day = utc_day(now_ms), month = utc_month(now_ms);
  std::vector<KeyModelTotals> out;
  std::lock_guard lock(m_);
  out.reserve(totals_.size());
  for (const auto& [km, p] : totals_) {
    KeyModelTotals t{km.first, km.second, p.day == day ? p.today : TokenTotals{},
                     p.month == month ? p.this_month : TokenTotals{}};
    if (t.month.requests > 0) out.push_back(std::move(t));
  }
  return out;
}

std::vector<UsageRow> RecentActivity::recent() const {
  std::lock_guard lock(m_);
  return recent_();
}

std::vector<UsageRow> RecentActivity::recent_() const {
  std::vector<UsageRow> out;
  out.reserve(filled_);
  for (size_t i = 1; i <= filled_; ++i) out.push_back(ring_[(next_ + kRecent - i) % kRecent]);
  return out;
}

std::map<std::pair<std::string, std::string>, std::vector<UpstreamError>> RecentActivity::errors() const {
  std::lock_guard lock(m_);
  return errors_;
}

}  // namespace aicore::host::dashboard
