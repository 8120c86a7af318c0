// Chat completion chunks -> Responses API stream events (aicore/mapping/responses.hpp).
//
// Items go out strictly one after another, as the Responses API streams them: a reasoning item
// (summary part + summary text deltas), then the message (one output_text part), then each
// function call (argument deltas); a change of kind closes the open item with its .done events.
#include "json_util.hpp"
#include "responses_shape.hpp"

#include <aicore/mapping/responses.hpp>
#include <aicore/mapping/upstream.hpp>

namespace aicore::mapping {

using namespace detail;
using namespace responses_shape;

ChatToResponsesStream::ChatToResponsesStream(Json echo, bool encrypted)
    : echo_(std::move(echo)), encrypted_(encrypted) {}

void ChatToResponsesStream::event(const Emit& emit, std::string_view type, Json fields) {
  Json e{{"type", type}, {"sequence_number", sequence_++}};
  for (auto& [k, v] : fields.items()) e[k] = std::move(v);
  emit("event: " + std::string(type) + "\ndata: " + dump(e) + "\n\n");
}

Json ChatToResponsesStream::response(std::string_view status) const {
  Json output = Json::array();
  for (const Json& item : output_) output.push_back(item);
  return responses_shape::response(echo_, base_, created_, status, std::move(output), usage_);
}

void ChatToResponsesStream::start(const Json& chunk, const Emit& emit) {
  started_ = true;
  base_ = base_id(chunk);
  created_ = int_or(chunk, "created", 0);
  if (echo_["model"].is_null() || echo_["model"] == "") echo_["model"] = str_or(chunk, "model");
  event(emit, "response.created", {{"response", response("in_progress")}});
  event(emit, "response.in_progress", {{"response", response("in_progress")}});
}

// Item ids stay unique when a kind recurs (reasoning, text, a call, reasoning again): the first
// item of a kind gets the whole response's id, as in a whole response; later ones the output index.
std::string ChatToResponsesStream::item_base() const {
  for (const Json& item : output_)
    if (item["type"] == (open_ == Open::Reasoning ? "reasoning" : "message"))
      return base_ + "_" + std::to_string(output_.size());
  return base_;
}

void ChatToResponsesStream::open_reasoning(const Emit& emit) {
  open_ = Open::Reasoning;
  item_ = reasoning_item(item_base(), "", Json(), false);
  event(emit, "response.output_item.added", {{"output_index", output_.size()}, {"item", item_}});
  event(emit, "response.reasoning_summary_part.added",
        {{"item_id", item_["id"]},
         {"output_index", output_.size()},
         {"summary_index", 0},
         {"part", {{"type", "summary_text"}, {"text", ""}}}});
}

void ChatToResponsesStream::open_message(const Emit& emit) {
  open_ = Open::Message;
  item_ = message_item(item_base(), "in_progress", Json::array());
  event(emit, "response.output_item.added", {{"output_index", output_.size()}, {"item", item_}});
  event(emit, "response.content_part.added",
        {{"item_id", item_["id"]}, {"output_index", output_.size()}, {"content_index", 0}, {"part", text_part("")}});
}

void ChatToResponsesStream::open_call(const Json& call, const Emit& emit) {
  open_ = Open::Call;
  const Json* fn = find(call, "function");
  item_ = call_item(base_, output_.size(), "in_progress", str_or(call, "id"), fn ? str_or(*fn, "name") : "", "");
  calls_[int_or(call, "index", 0)] = output_.size();
  event(emit, "response.output_item.added", {{"output_index", output_.size()}, {"item", item_}});
}

void ChatToResponsesStream::close(const Emit& emit) {
  const size_t index = output_.size();
  const Json id = item_.is_object() ? item_["id"] : Json();
  switch (open_) {
    case Open::None: return;
    case Open::Reasoning:
      event(emit, "response.reasoning_summary_text.done",
            {{"item_id", id}, {"output_index", index}, {"summary_index", 0}, {"text", text_}});
      event(emit, "response.reasoning_summary_part.done",
            {{"item_id", id},
             {"output_index", index},
             {"summary_index", 0},
             {"part", {{"type", "summary_text"}, {"text", text_}}}});
      item_["summary"] = Json::array({{{"type", "summary_text"}, {"text", text_}}});
      if (encrypted_ && !thinking_blocks_.empty()) item_["encrypted_content"] = encode_reasoning(thinking_blocks_);
      thinking_blocks_ = Json::array();
      break;
    case Open::Message:
      event(emit, "response.output_text.done",
            {{"item_id", id},
             {"output_index", index},
             {"content_index", 0},
             {"text", text_},
             {"logprobs", Json::array()}});
      event(emit, "response.content_part.done",
            {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"part", text_part(text_)}});
      item_["status"] = finish_reason_ == "length" ? "incomplete" : "completed";
      item_["content"] = Json::array({text_part(text_)});
      break;
    case Open::Call:
      event(emit, "response.function_call_arguments.done",
            {{"item_id", id}, {"output_index", index}, {"arguments", text_}});
      item_["status"] = "completed";
      item_["arguments"] = text_;
      break;
  }
  event(emit, "response.output_item.done", {{"output_index", index}, {"item", item_}});
  output_.push_back(std::move(item_));
  item_ = Json();
  text_.clear();
  open_ = Open::None;
}

void ChatToResponsesStream::on_chunk(const Json& chunk, const Emit& emit) {
  if (ended_) return;
  if (!started_) start(chunk, emit);
  if (const Json* u = find(chunk, "usage"); u && u->is_object()) usage_ = responses_usage(*u);
  const Json* choices = find(chunk, "choices");
  if (!choices || !choices->is_array() || choices->empty()) return;
  const Json& choice = (*choices)[0];
  if (std::string fr = str_or(choice, "finish_reason"); !fr.empty()) finish_reason_ = fr;
  const Json* delta = find(choice, "delta");
  if (!delta || !delta->is_object()) return;

  if (const Json* blocks = find(*delta, "thinking_blocks"); blocks && blocks->is_array() && !blocks->empty()) {
    // Claude's signed (or redacted) thinking, at the end of its block: kept for encrypted_content.
    if (open_ != Open::Reasoning) {
      close(emit);
      open_reasoning(emit);
    }
    for (const Json& b : *blocks) thinking_blocks_.push_back(b);
  }
  if (std::string r = str_or(*delta, "reasoning_content"); !r.empty()) {
    if (open_ != Open::Reasoning) {
      close(emit);
      open_reasoning(emit);
    }
    text_ += r;
    event(emit, "response.reasoning_summary_text.delta",
          {{"item_id", item_["id"]}, {"output_index", output_.size()}, {"summary_index", 0}, {"delta", r}});
  }
  std::string text = str_or(*delta, "content");
  if (text.empty()) text = str_or(*delta, "refusal");
  if (!text.empty()) {
    if (open_ != Open::Message) {
      close(emit);
      open_message(emit);
    }
    text_ += text;
    event(emit, "response.output_text.delta",
          {{"item_id", item_["id"]},
           {"output_index", output_.size()},
           {"content_index", 0},
           {"delta", text},
           {"logprobs", Json::array()}});
  }
  if (const Json* calls = find(*delta, "tool_calls"); calls && calls->is_array())
    for (const Json& call : *calls) {
      const int64_t index = int_or(call, "index", 0);
      auto known = calls_.find(index);
      if (known == calls_.end()) {
        close(emit);
        open_call(call, emit);
      } else if (open_ != Open::Call || known->second != output_.size()) {
        throw upstream_error("stream: arguments of tool call " + std::to_string(index) + " resumed after another item");
      }
      const Json* fn = find(call, "function");
      const std::string args = fn ? str_or(*fn, "arguments") : "";
      if (args.empty()) continue;
      text_ += args;
      event(emit, "response.function_call_arguments.delta",
            {{"item_id", item_["id"]}, {"output_index", output_.size()}, {"delta", args}});
    }
}

void ChatToResponsesStream::on_error(const Json& error, const Emit& emit) {
  if (ended_) return;
  if (!started_) start(Json::object(), emit);
  finish_reason_ = "length";  // an item cut short is incomplete
  close(emit);
  Json r = response("failed");
  r["error"] = {{"code", error.is_object() && error.contains("code") && error["code"].is_string()
                             ? error["code"].get<std::string>()
                             : str_or(error, "type", "server_error")},
                {"message", str_or(error, "message", "upstream error")}};
  event(emit, "response.failed", {{"response", std::move(r)}});
  ended_ = true;
}

void ChatToResponsesStream::finish(const Emit& emit) {
  if (ended_) return;
  if (!started_) start(Json::object(), emit);
  close(emit);
  Json r = response("completed");
  settle(r, finish_reason_);
  const std::string type = r["status"] == "completed" ? "response.completed" : "response.incomplete";
  event(emit, type, {{"response", std::move(r)}});
  ended_ = true;
}

}  // namespace aicore::mapping
