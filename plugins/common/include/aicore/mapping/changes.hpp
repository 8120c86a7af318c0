// What a request conversion changed, gathered so each request logs one debug line ("dropped
// metadata, context_management (not accepted by Bedrock); adaptive thinking -> budget 16384")
// and one warning for what a user would miss (server tools). Every provider plugin logs its
// conversions this way.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aicore::mapping {

class Changes {
 public:
  // `field` was removed for `reason`; fields with the same reason are listed together.
  void drop(std::string_view reason, std::string_view field);
  void note(std::string note);
  void warn(std::string warning);

  // One debug line and, if any, one warning line, prefixed with `what` ("anthropic.messages for
  // 'anthropic--claude-4.5-sonnet'").
  void log(std::string_view what) const;

  bool empty() const { return drops_.empty() && notes_.empty() && warnings_.empty(); }
  std::string summary() const;  // the debug line's text, for tests
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<std::pair<std::string, std::string>> drops_;
  std::vector<std::string> notes_;
  std::vector<std::string> warnings_;
};

}  // namespace aicore::mapping
