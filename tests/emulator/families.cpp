// The registry of model families. Each family lives in its own file and exposes one function
// returning its routes. To add a family: write the file, list it in CMakeLists.txt and add one
// line to kFamilies below.
#include "family.hpp"

namespace aicore::emulator {

RouteList azureOpenAIRoutes();  // azure_openai.cpp: chat/completions, embeddings
RouteList vertexRoutes();       // vertex.cpp: Gemini generateContent, streamGenerateContent, predict
RouteList bedrockRoutes();      // bedrock.cpp: Claude invoke, invoke-with-response-stream, converse, converse-stream

namespace {
using FamilyFn = RouteList (*)();
constexpr FamilyFn kFamilies[] = {
    &azureOpenAIRoutes,
    &vertexRoutes,
    &bedrockRoutes,
};
}  // namespace

const RouteList& familyRoutes() {
  static const RouteList all = [] {
    RouteList routes;
    for (FamilyFn family : kFamilies) {
      RouteList more = family();
      routes.insert(routes.end(), more.begin(), more.end());
    }
    return routes;
  }();
  return all;
}

}  // namespace aicore::emulator
