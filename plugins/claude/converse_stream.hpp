// Bedrock /converse-stream -> Anthropic stream events.
//
// SAP prints each Converse event as a Python dict literal (reference §3.1), sometimes as JSON:
// both are read (python_literal.hpp). Each event is an object with one key:
//   messageStart                      -> message_start (id, the client's model, usage zeros)
//   contentBlockStart{toolUse}        -> content_block_start tool_use {id,name,input:{}}
//   contentBlockDelta{text}           -> (content_block_start text) + text_delta
//   contentBlockDelta{toolUse.input}  -> input_json_delta (the fragment is already a JSON string)
//   contentBlockDelta{reasoningContent.text | .signature | .redactedContent}
//                                     -> (content_block_start thinking) + thinking_delta /
//                                        signature_delta; redactedContent -> redacted_thinking block
//   contentBlockStop                  -> content_block_stop
//   messageStop{stopReason}           -> remembered (guardrail_intervened, content_filtered ->
//                                        refusal)
//   metadata{usage}                   -> message_delta {stop_reason, usage} + message_stop
//   *Exception                        -> error (and nothing after it)
// Block indices are renumbered 0,1,2… in the order blocks open; a block left open when another
// starts is closed first. A stream that ends after messageStop without metadata still gets its
// message_delta and message_stop from finish(); one that ends before messageStop gets nothing
// (the consumer reports the truncation).
#pragma once

#include "anthropic_events.hpp"

#include <aicore/sse.hpp>

#include <cstdint>
#include <map>
#include <optional>

namespace aicore::claude {

// Converse stopReason -> Anthropic stop_reason.
std::string_view anthropic_stop_reason_for_converse(std::string_view stop_reason);

class ConverseEventSource final : public EventSource {
 public:
  // `model`: reported in message_start; `id_seed`: makes the message id (msg_bdrk_…) unique.
  ConverseEventSource(std::string model, uint64_t id_seed);

  void feed(std::string_view bytes, const OnEvent& on_event) override;
  void finish(const OnEvent& on_event) override;

  // Handles one parsed Converse event (exposed for tests).
  void on_converse_event(const Json& event, const OnEvent& on_event);

 private:
  void on_sse(const SseEvent& e, const OnEvent& on_event);
  void ensure_started(const OnEvent& on_event);
  // Our index for Converse's block `index`, opening a block of `block` shape if none is open.
  int64_t open_block(int64_t index, Json block, const OnEvent& on_event);
  void close_open_block(const OnEvent& on_event);
  void emit_end(const OnEvent& on_event);

  SseParser parser_;
  std::string model_;
  uint64_t id_seed_;
  bool started_ = false;
  bool stopped_ = false;  // messageStop seen
  bool done_ = false;     // message_stop or error emitted
  std::string stop_reason_ = "end_turn";
  std::optional<Json> usage_;
  int64_t open_converse_index_ = -1;  // Converse index of the open block, -1 none
  int64_t open_index_ = -1;           // our index of the open block
  std::string open_type_;
  int64_t next_index_ = 0;
};

}  // namespace aicore::claude
