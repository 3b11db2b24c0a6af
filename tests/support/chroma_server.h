#pragma once

// Starts a Chroma server (`chroma run`, PyPI chromadb from scripts/store-peers) on 127.0.0.1 with a free port
// and a temporary data folder, waits for its heartbeat, and stops it and removes the folder on destruction.

#include <string>

#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::testing {

class ChromaServer {
 public:
  // The `chroma` command: $ALITH_CHROMA_BIN, else the link scripts/store-peers makes in the cache
  // (~/.cache/alith/peers/chroma, or under $ALITH_CACHE_DIR). Empty when absent.
  static std::string binary();

  // Throws std::runtime_error with the server's log when it does not come up.
  ChromaServer();
  ~ChromaServer();
  ChromaServer(const ChromaServer&) = delete;
  ChromaServer& operator=(const ChromaServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>"
  int port() const { return port_; }

 private:
  TempDir dir_{"alith-chroma-"};  // data and log; declared before child_, so removed after it stops
  int port_ = 0;
  ChildProcess child_;
};

}  // namespace alith::testing
