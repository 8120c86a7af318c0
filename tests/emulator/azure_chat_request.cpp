#include "azure_chat_request.hpp"

#include "azure_chat_messages.hpp"
#include "azure_error.hpp"
#include "azure_openai.hpp"
#include "config.hpp"

#include <algorithm>
#include <cctype>

namespace aicore::emulator {

namespace {

bool validToolName(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  return true;
}

// Every top-level field Azure OpenAI chat/completions accepts; anything else is a 400.
// clang-format off
constexpr std::string_view kTopLevel[] = {
    "messages", "model", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "max_tokens",
    "max_completion_tokens", "n", "presence_penalty", "response_format", "seed", "stop", "stream",
    "stream_options", "temperature", "top_p", "tools", "tool_choice", "parallel_tool_calls", "user",
    "function_call", "functions", "reasoning_effort", "modalities", "prediction", "audio", "store",
    "metadata", "service_tier", "verbosity", "web_search_options", "data_sources"};
// clang-format on

void parseTools(const Json& tools, Conversation& conv) {
  checkArray(tools, "tools");
  if (tools.empty()) failEmptyArray("tools");
  for (size_t i = 0; i < tools.size(); ++i) {
    const Json& t = tools[i];
    const std::string tp = indexed("tools", i);
    checkObject(t, tp);
    onlyKeys(t, tp, {"type", "function"});
    const Json& type = requiredField(t, "type", tp);
    checkString(type, tp + ".type");
    if (type.get<std::string>() != "function") failValue(tp + ".type", type.get<std::string>(), {"function"});
    const std::string fp = tp + ".function";
    const Json& fn = requiredField(t, "function", tp);
    checkObject(fn, fp);
    onlyKeys(fn, fp, {"name", "description", "parameters", "strict"});
    const Json& nameJ = requiredField(fn, "name", fp);
    checkString(nameJ, fp + ".name");
    const std::string name = nameJ.get<std::string>();
    if (!validToolName(name))
      azureFail(
          "Invalid '" + fp +
              ".name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
          fp + ".name", "invalid_value");
    if (name.size() > 64)
      azureFail("Invalid '" + fp +
                    ".name': string too long. Expected a string with maximum length 64, but got a string with length " +
                    std::to_string(name.size()) + " instead.",
                fp + ".name", "string_above_max_length");
    if (const Json* d = optionalField(fn, "description")) checkString(*d, fp + ".description");
    const Json* params = optionalField(fn, "parameters");
    if (params) checkObject(*params, fp + ".parameters");
    if (const Json* s = optionalField(fn, "strict")) checkBool(*s, fp + ".strict");
    conv.tools.push_back({name, params ? *params : Json(nullptr)});
  }
}

void parseToolChoice(const Json& v, Conversation& conv) {
  if (conv.tools.empty())
    azureFail("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
              "tool_choice");
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s != "none" && s != "auto" && s != "required") failValue("tool_choice", s, {"none", "auto", "required"});
    conv.toolsDisabled = s == "none";
    return;
  }
  if (!v.is_object()) failType("tool_choice", "one of a string or object", v);
  onlyKeys(v, "tool_choice", {"type", "function"});
  const Json& type = requiredField(v, "type", "tool_choice");
  checkString(type, "tool_choice.type");
  if (type.get<std::string>() != "function") failValue("tool_choice.type", type.get<std::string>(), {"function"});
  const Json& fn = requiredField(v, "function", "tool_choice");
  checkObject(fn, "tool_choice.function");
  onlyKeys(fn, "tool_choice.function", {"name"});
  const Json& name = requiredField(fn, "name", "tool_choice.function");
  checkString(name, "tool_choice.function.name");
  const std::string n = name.get<std::string>();
  if (std::none_of(conv.tools.begin(), conv.tools.end(), [&](const ToolSpec& t) { return t.name == n; }))
    azureFail("Invalid value for 'tool_choice': function '" + n + "' is not among the provided 'tools'.", "tool_choice",
              "invalid_value");
  conv.forcedTool = n;
}

void parseResponseFormat(const Json& v, Conversation& conv, bool mentionsJson) {
  checkObject(v, "response_format");
  onlyKeys(v, "response_format", {"type", "json_schema"});
  const Json& type = requiredField(v, "type", "response_format");
  checkString(type, "response_format.type");
  const std::string t = type.get<std::string>();
  if (t == "text") return;
  if (t == "json_object") {
    if (!mentionsJson)
      azureFail("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                "messages");
    conv.jsonObject = true;
  } else if (t == "json_schema") {
    const Json& js = requiredField(v, "json_schema", "response_format");
    checkObject(js, "response_format.json_schema");
    onlyKeys(js, "response_format.json_schema", {"name", "description", "schema", "strict"});
    checkString(requiredField(js, "name", "response_format.json_schema"), "response_format.json_schema.name");
    const Json* schema = optionalField(js, "schema");
    if (schema) checkObject(*schema, "response_format.json_schema.schema");
    conv.jsonSchema = schema ? *schema : Json{{"type", "object"}};
  } else {
    failValue("response_format.type", t, {"text", "json_object", "json_schema"});
  }
}

void parseStop(const Json& v, Conversation& conv) {
  if (v.is_string()) {
    conv.stop.push_back(v.get<std::string>());
    return;
  }
  if (!v.is_array()) failType("stop", "one of a string or array of strings", v);
  if (v.size() > 4)
    azureFail("Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length " +
                  std::to_string(v.size()) + " instead.",
              "stop", "array_above_max_length");
  for (size_t i = 0; i < v.size(); ++i) {
    checkString(v[i], indexed("stop", i));
    conv.stop.push_back(v[i].get<std::string>());
  }
}

}  // namespace

ChatRequest parseChatRequest(const std::string& text, const Deployment& dep) {
  Json body = Json::parse(text, nullptr, false);
  if (body.is_discarded())
    azureFail(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
        "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)");
  if (!body.is_object()) failType("body", "an object", body);
  for (const auto& [key, _] : body.items())
    if (std::find(std::begin(kTopLevel), std::end(kTopLevel), key) == std::end(kTopLevel)) failUnknownParameter(key);

  ChatRequest out;
  Conversation& conv = out.conversation;
  size_t chars = 0;
  bool mentionsJson = false;
  parseChatMessages(body, out.conversation, chars, mentionsJson);
  auto field = [&](const char* name) { return optionalField(body, name); };

  if (auto v = field("model")) checkString(*v, "model");
  if (auto v = field("frequency_penalty")) checkNumber(*v, "frequency_penalty", -2.0, 2.0);
  if (auto v = field("presence_penalty")) checkNumber(*v, "presence_penalty", -2.0, 2.0);
  if (auto v = field("logit_bias")) {
    checkObject(*v, "logit_bias");
    for (const auto& [k, bias] : v->items()) checkNumber(bias, "logit_bias." + k, -100.0, 100.0);
  }
  if (auto v = field("logprobs")) checkBool(*v, "logprobs");
  if (auto v = field("top_logprobs")) checkInteger(*v, "top_logprobs", 0, 20);
  if (auto v = field("max_tokens")) checkInteger(*v, "max_tokens", 1, std::nullopt);
  if (auto v = field("max_completion_tokens")) checkInteger(*v, "max_completion_tokens", 1, std::nullopt);
  if (auto v = field("n")) {
    checkInteger(*v, "n", 1, 128);
    out.n = v->get<int>();
  }
  if (auto v = field("seed")) checkInteger(*v, "seed", std::nullopt, std::nullopt);
  if (auto v = field("stop")) parseStop(*v, conv);
  if (auto v = field("stream")) {
    checkBool(*v, "stream");
    out.stream = v->get<bool>();
  }
  if (auto v = field("stream_options")) {
    checkObject(*v, "stream_options");
    if (!out.stream)
      azureFail("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options",
                "invalid_value");
    onlyKeys(*v, "stream_options", {"include_usage", "include_obfuscation"});
    if (const Json* u = optionalField(*v, "include_usage")) {
      checkBool(*u, "stream_options.include_usage");
      out.includeUsage = u->get<bool>();
    }
    if (const Json* o = optionalField(*v, "include_obfuscation")) checkBool(*o, "stream_options.include_obfuscation");
  }
  if (auto v = field("temperature")) checkNumber(*v, "temperature", 0.0, 2.0);
  if (auto v = field("top_p")) checkNumber(*v, "top_p", 0.0, 1.0);
  if (auto v = field("tools")) {
    parseTools(*v, conv);
    chars += dump(*v).size();
  }
  if (auto v = field("tool_choice")) parseToolChoice(*v, conv);
  if (auto v = field("parallel_tool_calls")) {
    checkBool(*v, "parallel_tool_calls");
    if (conv.tools.empty())
      azureFail(
          "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
          "parallel_tool_calls");
  }
  if (auto v = field("response_format")) parseResponseFormat(*v, conv, mentionsJson);
  if (auto v = field("user")) checkString(*v, "user");
  if (auto v = field("functions")) {
    checkArray(*v, "functions");
    for (size_t i = 0; i < v->size(); ++i) {
      checkObject((*v)[i], indexed("functions", i));
      checkString(requiredField((*v)[i], "name", indexed("functions", i)), indexed("functions", i) + ".name");
    }
  }
  if (auto v = field("function_call"); v && !v->is_string()) checkObject(*v, "function_call");
  if (auto v = field("reasoning_effort")) checkStringIn(*v, "reasoning_effort", {"minimal", "low", "medium", "high"});
  if (auto v = field("modalities")) {
    checkArray(*v, "modalities");
    for (size_t i = 0; i < v->size(); ++i) checkStringIn((*v)[i], indexed("modalities", i), {"text", "audio"});
  }
  if (auto v = field("prediction")) checkObject(*v, "prediction");
  if (auto v = field("audio")) checkObject(*v, "audio");
  if (auto v = field("store")) checkBool(*v, "store");
  if (auto v = field("metadata")) {
    checkObject(*v, "metadata");
    for (const auto& [k, val] : v->items()) checkString(val, "metadata." + k);
  }
  if (auto v = field("service_tier")) checkString(*v, "service_tier");
  if (auto v = field("verbosity")) checkStringIn(*v, "verbosity", {"low", "medium", "high"});
  if (auto v = field("web_search_options")) checkObject(*v, "web_search_options");
  if (auto v = field("data_sources")) checkArray(*v, "data_sources");

  // Reasoning models (reference §3.2).
  if (isReasoningModel(dep.model)) {
    if (field("max_tokens"))
      azureFail(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          "max_tokens", "unsupported_parameter");
    if (auto t = field("temperature"); t && t->get<double>() != 1.0)
      azureFail("Unsupported value: 'temperature' does not support " + dump(*t) +
                    " with this model. Only the default (1) value is supported.",
                "temperature", "unsupported_value");
  } else if (field("reasoning_effort")) {
    azureFail("Unsupported parameter: 'reasoning_effort' is not supported with this model.", "reasoning_effort",
              "unsupported_parameter");
  }

  if (auto v = field("max_completion_tokens"))
    conv.maxTokens = v->get<int64_t>();
  else if (auto m = field("max_tokens"))
    conv.maxTokens = m->get<int64_t>();
  // Ids depend on the conversation only, so streamed and non-streamed calls agree.
  conv.fingerprint = dump(body["messages"]);
  out.promptTokens = tokensForChars(chars) + 3 * static_cast<int64_t>(body["messages"].size());
  return out;
}

}  // namespace aicore::emulator
