// libFuzzer target for the MCP wire layer: parse_message on arbitrary bytes must never crash or throw; a
// message it accepts must serialize to one line that parses back to the same JSON; every typed decoder must
// survive whatever "params"/"result" holds, and error_response_for must build a reply for any rejection. The
// writers that skip the document (strings, request ids, tool results) must agree with nlohmann's dump.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/mcp/protocol.h"

namespace {

template <class T>
void decode(const alith::Json& json) {
  auto r = alith::mcp::parse<T>(json);
  if (r.ok()) (void)alith::mcp::to_json(r.value());
  if constexpr (std::is_same_v<T, alith::mcp::CallToolResult>) {
    // Replies are written without a document: the text must parse to what the document dumps to.
    if (!r.ok()) return;
    std::string out;
    alith::mcp::append_json(out, r.value());
    auto written = alith::parse_json(out);
    auto expected = alith::parse_json(alith::dump_json(alith::mcp::to_json(r.value())));
    if (!written.ok() || !expected.ok() || *written != *expected) std::abort();
  }
}

void decode_all(const alith::Json& json) {
  using namespace alith::mcp;
  decode<InitializeParams>(json);
  decode<InitializeResult>(json);
  decode<ListToolsResult>(json);
  decode<CallToolResult>(json);
  decode<ContentBlock>(json);
  decode<ListResourcesResult>(json);
  decode<ListResourceTemplatesResult>(json);
  decode<ReadResourceResult>(json);
  decode<ListPromptsResult>(json);
  decode<GetPromptResult>(json);
  decode<ProgressParams>(json);
  (void)progress_token_of(json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The string writer of replies, on arbitrary bytes, against nlohmann's own.
  std::string quoted;
  alith::append_json_string(quoted, text);
  if (quoted != alith::dump_json(alith::Json(std::string(text)))) std::abort();
  auto message = alith::mcp::parse_message(text, 1 << 16);
  if (!message.ok()) {
    auto reply = alith::mcp::error_response_for(text, message.error());
    if (reply.error.code != alith::mcp::rpc_error::parse_error &&
        reply.error.code != alith::mcp::rpc_error::invalid_request) {
      std::abort();
    }
    return 0;
  }
  if (const auto* request = std::get_if<alith::mcp::Request>(&message.value());
      request && alith::mcp::to_string(request->id) != alith::dump_json(alith::mcp::to_json(request->id)))
    std::abort();
  std::string line = alith::mcp::serialize(message.value());
  if (line.find('\n') != std::string::npos) std::abort();
  auto again = alith::mcp::parse_message(line, line.size());
  if (!again.ok() || alith::mcp::to_json(again.value()) != alith::mcp::to_json(message.value())) std::abort();
  std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, alith::mcp::Request> || std::is_same_v<T, alith::mcp::Notification>) {
          decode_all(m.params);
        } else if constexpr (std::is_same_v<T, alith::mcp::Response>) {
          decode_all(m.result);
        }
      },
      message.value());
  return 0;
}
