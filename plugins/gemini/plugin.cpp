// The gemini module's single exported symbol, acp_plugin_entry. Everything else lives in
// aicore_gemini_core so the tests link the same code.
#include "provider.hpp"

#include <aicore/plugin.hpp>

ACP_PLUGIN("gemini", "0.1.0", "Google Gemini chat and embedding deployments on SAP AI Core (Vertex AI)",
           ACP_PROVIDER(aicore::gemini::GeminiProvider));
