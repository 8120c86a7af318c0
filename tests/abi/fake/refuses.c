/* Refuses the host (returns NULL) after logging why. */
#include <aicore/abi.h>

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) {
  static const char msg[] = "needs a newer host";
  if (host && host->log) host->log(ACP_LOG_ERROR, (acp_str){"refuses", 7}, (acp_str){msg, sizeof msg - 1});
  return 0;
}
