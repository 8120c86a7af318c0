// The claude module's single exported symbol, acp_plugin_entry. Everything else lives in
// aicore_claude_core so the tests link the same code.
#include "provider.hpp"

#include <aicore/plugin.hpp>

ACP_PLUGIN("claude", "0.1.0", "Anthropic Claude deployments on SAP AI Core (AWS Bedrock invoke and Converse)",
           ACP_PROVIDER(aicore::claude::ClaudeProvider));
