#pragma once

// What every test peer launcher shares: a free loopback port, a child process whose output goes to a log file
// (or, for a ready line, to a pipe), polling until the peer answers with a deadline, and stopping it with a
// signal and then SIGKILL. The launchers (llama_server, chroma_server, postgres_server, the Qdrant Edge and
// http.server launchers in their tests) keep only what is particular to their peer.

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace alith::testing {

// Asks the kernel for a free port on 127.0.0.1. Another process may take it before the peer binds it; on a
// test machine that race is rare and only fails the start-up loudly.
int free_loopback_port();

// The program's absolute path: name itself when it holds a '/', else the first match on $PATH; empty if none.
std::string find_in_path(const std::string& name);

// The last max_bytes of a file (a log to put into an error message); empty when it cannot be read.
std::string file_tail(const std::string& path, size_t max_bytes = 3000);

// The HTTP status of a GET to url, or 0 when nothing answers (within two seconds): a readiness probe.
int http_status(const std::string& url);

struct ChildOptions {
  explicit ChildOptions(std::vector<std::string> args_, std::string log_ = {})
      : args(std::move(args_)), log(std::move(log_)) {}

  std::vector<std::string> args;  // args[0] is the program's path
  // stdout and stderr are appended to this file; empty: both go to /dev/null (or stdout to the pipe).
  std::string log;
  bool pipe_stdout = false;      // stdout goes to a pipe that read_line() reads; then only stderr goes to log
  std::vector<std::string> env;  // "NAME=value": replaces an inherited variable of that name, or adds it
  // As root, start the child in a new user namespace without a uid mapping, where it is the unprivileged
  // "nobody" that still owns what it creates (PostgreSQL refuses to run as root).
  bool drop_root = false;
  int stop_signal = SIGTERM;                    // what stop() sends first
  std::chrono::milliseconds stop_grace{10000};  // how long stop() waits for it before SIGKILL
};

// A started child process, stopped (and reaped) when the object goes away. Default-constructed: no process.
class ChildProcess {
 public:
  ChildProcess() : options_({}) {}
  // fork + exec; throws std::runtime_error when it cannot fork. A program that cannot be executed shows up as
  // an exit with status 127 (126: the user namespace could not be entered).
  explicit ChildProcess(ChildOptions options);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps the child when it has exited (without blocking): false from then on.
  bool running();
  // Blocks until the child exits; its exit status, or -1 when a signal ended it (or there is no child).
  int wait();
  // One line of the piped stdout without its newline (blocking); nullopt at end of output.
  std::optional<std::string> read_line();
  // The tail of the log file, for error messages.
  std::string log_tail() const { return options_.log.empty() ? std::string() : file_tail(options_.log); }

  // Sends stop_signal, waits up to stop_grace, then SIGKILL; reaps it. Does nothing without a child.
  void stop() noexcept;

 private:
  ChildOptions options_;
  pid_t pid_ = -1;
  int out_fd_ = -1;  // read end of the stdout pipe
};

// Polls ready() every interval until it returns true. When the child exits first, or timeout passes, the
// child is stopped and std::runtime_error is thrown: "<name> exited during start-up" or "<name> did not come
// up in N s", followed by the tail of the child's log.
void wait_until_ready(ChildProcess& child, const std::string& name, std::chrono::seconds timeout,
                      const std::function<bool()>& ready,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(200));

// The cache folder scripts/store-peers links peers into: $ALITH_CACHE_DIR/peers, else ~/.cache/alith/peers.
std::string peers_dir();

}  // namespace alith::testing
