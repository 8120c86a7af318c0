/* Says so through the host's log when its entry point runs: a plugin the config disables (or
 * does not enable) must never get that far. */
#include <aicore/abi.h>

static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), ACP_ABI_VERSION_MAJOR, ACP_ABI_VERSION_MINOR,
                                           "loud", "0.1", "logs from its entry point", 0, 0};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) {
  static const char msg[] = "loud: entry point ran";
  host->log(ACP_LOG_WARN, (acp_str){"loud", 4}, (acp_str){msg, sizeof msg - 1});
  return &desc;
}
