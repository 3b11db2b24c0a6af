#pragma once

// A scripted HTTP/1.1 server on 127.0.0.1 for deterministic protocol tests. Each request gets the next queued
// reply (or the handler's), written as raw bytes: the test controls status lines, headers, chunking, delays,
// truncation and dropped connections exactly. It is a test double for protocol unit tests only; integrations
// are also tested against real peers (tests/integration).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace alith::testing {

struct RecordedRequest {
  std::string method;
  std::string path;                                          // including the query string
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;  // "" when absent
};

struct ScriptedReply {
  std::string raw;                           // the whole response as bytes: status line, headers, body
  size_t chunk_size = 0;                     // 0: one write; otherwise writes of this many bytes ...
  std::chrono::milliseconds chunk_delay{0};  // ... with this pause between them
  std::chrono::milliseconds delay_before{0};
  bool never_respond = false;  // read the request, then hold the connection silently until the server stops
  bool keep_alive = false;     // keep the connection open for another request after writing raw

  // A complete response with Content-Length. Extra headers are "Name: value" lines without CRLF.
  static ScriptedReply http(int status, std::string body, std::string content_type = "application/json",
                            std::vector<std::string> extra_headers = {});
  // A text/event-stream response (no Content-Length; the connection closes at the end). Each element of
  // events is written verbatim followed by "\n\n" (so pass "data: {...}" or "event: x\ndata: y").
  static ScriptedReply sse(const std::vector<std::string>& events,
                           std::vector<std::string> extra_headers = {});
};

class ScriptedServer {
 public:
  ScriptedServer();  // binds 127.0.0.1 on an ephemeral port and starts serving
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:<port>"

  // Queues a reply; requests consume them in order. With none queued and no handler: 500 "no scripted reply".
  void push(ScriptedReply reply);
  // Computes replies instead of the queue (the queue is used first while not empty).
  void set_handler(std::function<ScriptedReply(const RecordedRequest&)> handler);

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  // TCP connections accepted so far (lets keep-alive tests check that a connection was reused).
  size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace alith::testing
