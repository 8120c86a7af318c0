/* Claims ABI 2.0: the host must refuse it by name and version. */
#include <aicore/abi.h>

static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), 2, 0, "future", "2.0.0", "from the future", 0, 0};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) {
  (void)host;
  return &desc;
}
