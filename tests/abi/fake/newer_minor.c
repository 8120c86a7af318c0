/* Claims ABI 1.<host minor + 1> without the SDK's own check: the host must refuse it, since it
 * may call host functions this host does not have. */
#include <aicore/abi.h>

static const acp_plugin_descriptor desc = {sizeof(acp_plugin_descriptor), ACP_ABI_VERSION_MAJOR,
                                           ACP_ABI_VERSION_MINOR + 1, "newer", "1.1.0", "from a newer SDK", 0, 0};

__attribute__((visibility("default"))) const acp_plugin_descriptor* acp_plugin_entry(const acp_host_api* host) {
  (void)host;
  return &desc;
}
