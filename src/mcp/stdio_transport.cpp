// StdioTransport: the server as a child process speaking newline-delimited JSON-RPC over stdin/stdout.
//
// The child is spawned with posix_spawnp (safe in a threaded process) in a process group of its own, so
// close() can stop the server together with anything it started (npx, a shell wrapper). One thread reads
// stdout and splits lines; another drains stderr so the child never blocks on a full pipe. Both poll a wake
// pipe as well, so close() never waits on a read that a stray grandchild keeps open.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "alith/mcp/transport.h"
#include "core/sigpipe_block.h"
#include "core/unique_fd.h"

extern char** environ;

namespace alith::mcp {

namespace {

struct Pipe {
  Fd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw IoError(std::string("mcp: pipe failed: ") + std::strerror(errno));
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

// Writes to the child's stdin run under a SigpipeBlock (core/sigpipe_block.h): the child may have exited.
using ::alith::detail::SigpipeBlock;

// The environment of the child: the inherited one with the overrides applied.
std::vector<std::string> child_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [key, value] : overrides) replaced = replaced || key == name;
    if (!replaced) out.emplace_back(entry);
  }
  for (const auto& [key, value] : overrides) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

struct StdioTransport::Impl {
  StdioOptions options;
  TransportHandlers handlers;
  pid_t pid = 0;
  Fd stdin_fd, stdout_fd, stderr_fd;
  Pipe wake;
  std::thread reader, drainer;
  std::mutex write_mutex;
  std::mutex state_mutex;
  bool reaped = false;
  int wait_status = 0;
  std::atomic<bool> closing{false};
  std::atomic<bool> closed{false};
  std::mutex tail_mutex;
  std::string stderr_tail;  // the last few KiB of the child's stderr

  static constexpr size_t tail_bytes = 4096;

  std::string tail() {
    std::lock_guard lock(tail_mutex);
    std::string t = stderr_tail;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
  }

  // Reaps the child when it has exited (block: wait for it). True when reaped.
  bool reap(bool block) {
    std::lock_guard lock(state_mutex);
    if (reaped || pid <= 0) return reaped;
    int status = 0;
    pid_t r;
    do {
      r = waitpid(pid, &status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid || (r < 0 && errno == ECHILD)) {
      reaped = true;
      wait_status = status;
    }
    return reaped;
  }

  std::string exit_description() {
    // The child normally exits right after closing stdout; give it a moment to be reaped.
    for (int i = 0; i < 50 && !reap(false); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::string what = "MCP server " + describe() + " ";
    if (!reaped) {
      what += "closed its stdout";
    } else if (WIFEXITED(wait_status)) {
      what += "exited with status " + std::to_string(WEXITSTATUS(wait_status));
    } else if (WIFSIGNALED(wait_status)) {
      what += "was killed by signal " + std::to_string(WTERMSIG(wait_status));
    } else {
      what += "ended";
    }
    std::string t = tail();
    if (!t.empty()) what += "; its stderr ends with: " + t;
    return what;
  }

  std::string describe() const { return "'" + options.command + "'"; }

  void finish(const ErrorInfo& reason) {
    if (closed.exchange(true)) return;
    if (!closing && handlers.on_close) handlers.on_close(reason);
  }

  // Waits until fd is readable or the wake pipe fires. False: woken (closing).
  bool wait_readable(int fd) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake.read.get(), POLLIN, 0}};
    while (true) {
      int r = poll(fds, 2, -1);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return false;
      if (fds[1].revents) return false;
      return true;
    }
  }

  void read_loop() {
    std::string buffer;
    std::string line;
    char chunk[65536];
    while (true) {
      if (!wait_readable(stdout_fd.get())) return;
      ssize_t n = ::read(stdout_fd.get(), chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::string_view data(chunk, static_cast<size_t>(n));
      while (!data.empty()) {
        size_t nl = data.find('\n');
        std::string_view part = data.substr(0, nl);
        line.append(part);
        if (line.size() > options.max_message_bytes) {
          finish(make_error(ErrorCode::too_large, "MCP server " + describe() + " sent a message over " +
                                                      std::to_string(options.max_message_bytes) + " bytes"));
          return;
        }
        if (nl == std::string_view::npos) break;
        data.remove_prefix(nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && !closing) {
          auto message = parse_message(line, options.max_message_bytes);
          // A line that is not a message (a server logging to stdout) is skipped, not fatal.
          if (message && handlers.on_message) handlers.on_message(std::move(message).value());
        }
        line.clear();
      }
    }
    finish(make_error(ErrorCode::io, exit_description()));
  }

  void drain_loop() {
    std::ofstream log;
    if (!options.stderr_log.empty()) log.open(options.stderr_log, std::ios::app | std::ios::binary);
    char chunk[8192];
    while (true) {
      if (!wait_readable(stderr_fd.get())) return;
      ssize_t n = ::read(stderr_fd.get(), chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      if (log) log.write(chunk, n).flush();
      std::lock_guard lock(tail_mutex);
      stderr_tail.append(chunk, static_cast<size_t>(n));
      if (stderr_tail.size() > tail_bytes) stderr_tail.erase(0, stderr_tail.size() - tail_bytes);
    }
  }

  void spawn() {
    Pipe in = make_pipe(), out = make_pipe(), err = make_pipe();
    wake = make_pipe();
    std::vector<std::string> argv_s{options.command};
    argv_s.insert(argv_s.end(), options.args.begin(), options.args.end());
    std::vector<std::string> env_s = child_environment(options.env);
    auto argv = pointers(argv_s);
    auto envp = pointers(env_s);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);  // a caller's blocked SIGPIPE must not leak into the server
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t child = 0;
    int rc = posix_spawnp(&child, options.command.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw IoError("mcp: cannot start " + describe() + ": " + std::strerror(rc));
    pid = child;
    stdin_fd = std::move(in.write);
    ::fcntl(stdin_fd.get(), F_SETFL, ::fcntl(stdin_fd.get(), F_GETFL) | O_NONBLOCK);  // see send()
    stdout_fd = std::move(out.read);
    stderr_fd = std::move(err.read);
  }

  void stop_child() {
    if (pid <= 0) return;
    auto wait_exit = [&](std::chrono::milliseconds limit) {
      auto deadline = std::chrono::steady_clock::now() + limit;
      while (!reap(false)) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      return true;
    };
    {
      std::lock_guard lock(write_mutex);
      stdin_fd.reset();  // a well-behaved server exits on EOF
    }
    if (!wait_exit(options.stop_grace)) {
      ::kill(-pid, SIGTERM);
      if (!wait_exit(options.stop_grace)) {
        ::kill(-pid, SIGKILL);
        reap(true);
      }
    }
    // Whatever the server started in its group goes too (a wrapper's children).
    ::kill(-pid, SIGKILL);
  }
};

StdioTransport::StdioTransport(StdioOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.command.empty()) throw InvalidArgumentError("mcp: a stdio server needs a command");
  impl_->options = std::move(options);
}

StdioTransport::~StdioTransport() {
  close();
}

void StdioTransport::start(TransportHandlers handlers) {
  if (impl_->pid != 0) throw InvalidArgumentError("mcp: transport already started");
  impl_->handlers = std::move(handlers);
  impl_->spawn();
  Impl* impl = impl_.get();
  impl_->reader = std::thread([impl] { impl->read_loop(); });
  impl_->drainer = std::thread([impl] { impl->drain_loop(); });
}

void StdioTransport::send(const Message& message) {
  std::string line = serialize(message);
  line.push_back('\n');
  std::lock_guard lock(impl_->write_mutex);
  if (impl_->closed || impl_->closing || impl_->stdin_fd.get() < 0) {
    throw IoError("mcp: connection to " + impl_->describe() + " is closed");
  }
  SigpipeBlock block;
  std::string_view rest = line;
  const auto deadline = std::chrono::steady_clock::now() + impl_->options.write_timeout;
  while (!rest.empty()) {
    ssize_t n = ::write(impl_->stdin_fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // The pipe is full: the server is not reading. Wait for room, but not forever.
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw IoError("mcp: " + impl_->describe() + " stopped reading its input");
      pollfd p{impl_->stdin_fd.get(), POLLOUT, 0};
      ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
      continue;
    }
    if (n < 0) throw IoError("mcp: writing to " + impl_->describe() + " failed: " + std::strerror(errno));
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

void StdioTransport::close() noexcept {
  if (!impl_ || impl_->closing.exchange(true)) return;
  try {
    impl_->stop_child();
  } catch (...) {
  }
  if (impl_->wake.write.get() >= 0) {
    char c = 1;
    [[maybe_unused]] ssize_t n = ::write(impl_->wake.write.get(), &c, 1);
  }
  if (impl_->reader.joinable()) impl_->reader.join();
  if (impl_->drainer.joinable()) impl_->drainer.join();
  impl_->closed = true;
}

std::string StdioTransport::describe() const {
  return impl_->describe();
}

int StdioTransport::pid() const noexcept {
  return impl_->pid;
}

}  // namespace alith::mcp
