#include "cli/LineDiff.hpp"

#include <algorithm>
#include <vector>

namespace aicore::host {
namespace {

enum class Op { Same, Del, Add };

struct Step {
  Op op;
  size_t old_line;  // 0-based index into the old lines (Same, Del), else where it is in the old text
  size_t new_line;  // 0-based index into the new lines (Same, Add), else where it is in the new text
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// Beyond this many cells the middle is shown as wholly replaced: settings files are small, and a
// quadratic table for a huge one is not worth its memory.
constexpr size_t kMaxCells = size_t(4) << 20;

// The edit script: common prefix and suffix, and a longest common subsequence in between.
std::vector<Step> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  const size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  std::vector<Step> steps;
  for (size_t i = 0; i < pre; ++i) steps.push_back({Op::Same, i, i});
  // lcs[i][j]: the LCS length of a's middle from i and b's middle from j.
  const bool small = (n + 1) * (m + 1) <= kMaxCells;
  std::vector<std::vector<unsigned>> lcs(small ? n + 1 : 0, std::vector<unsigned>(small ? m + 1 : 0, 0));
  for (size_t i = small ? n : 0; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[pre + i] == b[pre + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (small && i < n && j < m && a[pre + i] == b[pre + j]) {
      steps.push_back({Op::Same, pre + i++, pre + j++});
    } else if (i < n && (j == m || !small || lcs[i + 1][j] >= lcs[i][j + 1])) {
      steps.push_back({Op::Del, pre + i++, pre + j});
    } else {
      steps.push_back({Op::Add, pre + i, pre + j++});
    }
  }
  for (size_t k = 0; k < suf; ++k) steps.push_back({Op::Same, pre + n + k, pre + m + k});
  return steps;
}

// "start,count" as a hunk header has it: with no lines, the line before them.
std::string range(size_t first, size_t count) {
  return std::to_string(count == 0 ? first : first + 1) + "," + std::to_string(count);
}

std::string hunk(const std::vector<Step>& s, size_t from, size_t to, const std::vector<std::string>& a,
                 const std::vector<std::string>& b) {
  size_t old_count = 0, new_count = 0;
  std::string body;
  for (size_t k = from; k < to; ++k) {
    if (s[k].op != Op::Add) ++old_count;
    if (s[k].op != Op::Del) ++new_count;
    body += s[k].op == Op::Same  ? " " + a[s[k].old_line] + "\n"
            : s[k].op == Op::Del ? "-" + a[s[k].old_line] + "\n"
                                 : "+" + b[s[k].new_line] + "\n";
  }
  return "@@ -" + range(s[from].old_line, old_count) + " +" + range(s[from].new_line, new_count) + " @@\n" + body;
}

}  // namespace

std::string unified_diff(const std::string& old_text, const std::string& new_text, const std::string& old_label,
                         const std::string& new_label) {
  if (old_text == new_text) return "";
  const auto a = lines_of(old_text), b = lines_of(new_text);
  const auto s = edit_script(a, b);
  constexpr size_t kContext = 3;
  std::string out = "--- " + old_label + "\n+++ " + new_label + "\n";
  size_t k = 0;
  while (k < s.size()) {
    while (k < s.size() && s[k].op == Op::Same) ++k;
    if (k == s.size()) break;
    const size_t from = k >= kContext ? k - kContext : 0;
    // Extend the hunk while the next change is within two contexts of the last one.
    size_t last_change = k;
    for (size_t q = k; q < s.size() && q <= last_change + 2 * kContext; ++q)
      if (s[q].op != Op::Same) last_change = q;
    const size_t to = std::min(s.size(), last_change + kContext + 1);
    out += hunk(s, from, to, a, b);
    k = to;
  }
  if (out.size() == old_label.size() + new_label.size() + 10)  // only the final newline differs
    out += "\\ the files differ only in their final newline\n";
  return out;
}

}  // namespace aicore::host
