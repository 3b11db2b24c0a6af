#pragma once

// How an MCP client reaches its server: a Transport moves whole JSON-RPC messages both ways. Two are built
// in:
//   StdioTransport            spawns the server and speaks newline-delimited JSON over its stdin/stdout
//   StreamableHttpTransport   POSTs each message; replies come as application/json or text/event-stream
//
// Contract (for implementations and for mcp::Client, their one user):
//  - start() is called once, before any send(); from then on the transport delivers every message it receives
//    to on_message, from a thread of its own, in arrival order per stream.
//  - When the connection ends (the child exits, a fatal HTTP error, a message over the size cap...), on_close
//    is called exactly once with the reason (ErrorCode io, too_large...) and nothing is delivered afterwards.
//  - send() is thread-safe; it throws IoError once the transport is closed.
//  - close() is idempotent, waits for the transport's threads and never throws; the destructor calls it.
//    on_close is not called for a close() the owner asked for.
//  - Secrets (env values, header values) are never logged or put into error messages.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "alith/core/http.h"
#include "alith/mcp/protocol.h"

namespace alith::mcp {

struct TransportHandlers {
  std::function<void(Message&&)> on_message;
  std::function<void(const ErrorInfo& reason)> on_close;
  // A request that was sent but whose reply cannot come (an HTTP error without a JSON-RPC body, a dropped
  // stream that could not be resumed): the caller waiting for that id fails with `error`.
  std::function<void(const RequestId& id, const ErrorInfo& error)> on_request_failed;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void start(TransportHandlers handlers) = 0;
  virtual void send(const Message& message) = 0;
  virtual void close() noexcept = 0;
  // Called by the client once initialize has agreed on a version (HTTP sends it as MCP-Protocol-Version).
  virtual void set_protocol_version(const std::string& version) { (void)version; }
  // The client gave up on this request (timeout, cancellation): a transport may free what serves it.
  virtual void abandon(const RequestId& id) { (void)id; }
  // A short description for error messages: the command or the URL, never env values or headers.
  virtual std::string describe() const = 0;
};

struct StdioOptions {
  std::string command;                                   // a path, or a name looked up on $PATH
  std::vector<std::string> args;                         // arguments after the command
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing in) the inherited env
  std::string cwd;                                       // empty: the current directory
  size_t max_message_bytes = default_max_message_bytes;  // a longer line closes the transport (too_large)
  // The server's stderr is drained continuously (so it never blocks) into this file (appended), or
  // discarded when empty; its last few KiB are kept and quoted when the server exits unexpectedly.
  std::string stderr_log;
  std::chrono::milliseconds stop_grace{2000};  // close(): stdin closed, then SIGTERM, then SIGKILL after this
  // A server that stops reading its stdin cannot block a sender for longer than this (IoError).
  std::chrono::milliseconds write_timeout{30'000};
};

// Spawns the server in start(). If the program cannot be executed, start() throws IoError.
class StdioTransport final : public Transport {
 public:
  explicit StdioTransport(StdioOptions options);
  ~StdioTransport() override;
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  void start(TransportHandlers handlers) override;
  void send(const Message& message) override;
  void close() noexcept override;
  std::string describe() const override;
  int pid() const noexcept;  // the child's pid, 0 before start()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct HttpTransportOptions {
  std::string url;        // the server's MCP endpoint, e.g. http://127.0.0.1:3001/mcp
  http::Headers headers;  // sent with every request (e.g. Authorization); never logged
  size_t max_message_bytes = default_max_message_bytes;
  std::chrono::milliseconds connect_timeout{10'000};
  // Open the optional GET stream on which a server may send notifications and requests outside any POST
  // (a 405 answer is fine: the server has none).
  bool listen = true;
  int max_resume_attempts = 3;  // reconnects with Last-Event-ID when a stream drops before its reply
};

// The Streamable HTTP transport (MCP 2025-03-26 and later). Each request's POST runs on a thread of its own,
// so a long call does not hold up others; notifications and responses are POSTed synchronously (202). The
// Mcp-Session-Id the server assigns at initialize is kept and sent; close() DELETEs the session.
class StreamableHttpTransport final : public Transport {
 public:
  explicit StreamableHttpTransport(HttpTransportOptions options);
  ~StreamableHttpTransport() override;
  StreamableHttpTransport(const StreamableHttpTransport&) = delete;
  StreamableHttpTransport& operator=(const StreamableHttpTransport&) = delete;

  void start(TransportHandlers handlers) override;
  void send(const Message& message) override;
  void close() noexcept override;
  void set_protocol_version(const std::string& version) override;
  void abandon(const RequestId& id) override;
  std::string describe() const override;
  std::string session_id() const;  // empty until the server assigned one

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace alith::mcp
