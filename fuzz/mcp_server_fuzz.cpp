// libFuzzer target for the MCP server's message handling: every line of the input is one message to a
// Session (tools/call run on the fuzzer's thread); every reply must be a JSON-RPC 2.0 object, and nothing may
// throw, crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/mcp/server.h"

namespace {

alith::mcp::Server& server() {
  static alith::mcp::Server instance(
      {alith::agent::make_tool(
           "echo", "echo",
           alith::Json{{"type", "object"},
                       {"properties",
                        {{"text", {{"type", "string"}, {"maxLength", 64}}},
                         {"n", {{"type", "integer"}, {"minimum", 0}}}}},
                       {"required", {"text"}}},
           [](const alith::Json& args, const alith::agent::ToolContext&) { return args; }),
       alith::agent::make_tool("boom", "throws", alith::Json{{"type", "object"}},
                               [](const alith::Json&, const alith::agent::ToolContext&) -> alith::Json {
                                 throw std::runtime_error("boom");
                               })},
      {.max_message_bytes = 4096, .page_size = 1, .threads = 1});
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto session = server().open_session();
  // Every emitted message is one valid JSON-RPC object, and a reply names the request it answers.
  alith::mcp::Sink sink = [](const alith::mcp::Outgoing& out) {
    auto reply = alith::parse_json(out.json);
    if (!reply || !reply->is_object() || reply->value("jsonrpc", "") != "2.0") std::abort();
    if (out.answers && (!reply->contains("id") || (*reply)["id"] != alith::mcp::to_json(*out.answers)))
      std::abort();
  };
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    auto message = alith::mcp::parse_message(line, 4096);
    if (message)
      session->handle(*message, sink, /*run_call_here=*/true);
    else
      session->handle(line, sink);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}
