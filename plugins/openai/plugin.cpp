// The openai module's single exported symbol, acp_plugin_entry. Everything else lives in
// aicore_openai_core so the tests link the same code.
#include "provider.hpp"

#include <aicore/plugin.hpp>

ACP_PLUGIN("openai", "0.1.0", "OpenAI GPT, o-series and embeddings deployments on SAP AI Core (Azure OpenAI)",
           ACP_PROVIDER(aicore::openai::OpenAIProvider));
