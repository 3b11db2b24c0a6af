#include "support/child_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>

#include "alith/core/http.h"

extern char** environ;

namespace alith::testing {

namespace fs = std::filesystem;

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

std::string file_tail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

int http_status(const std::string& url) {
  try {
    http::Client client;
    http::Request request;
    request.url = url;
    request.timeout = std::chrono::milliseconds(2000);
    return client.send(request).status;
  } catch (const std::exception&) {
    return 0;  // not listening yet
  }
}

std::string peers_dir() {
  fs::path cache;
  if (const char* c = std::getenv("ALITH_CACHE_DIR"); c && *c)
    cache = c;
  else if (const char* h = std::getenv("HOME"); h && *h)
    cache = fs::path(h) / ".cache" / "alith";
  return (cache / "peers").string();
}

ChildProcess::ChildProcess(ChildOptions options) : options_(std::move(options)) {
  if (options_.args.empty()) throw std::runtime_error("ChildProcess: no program given");
  // Everything the child needs is built before fork: between fork and exec only async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& a : options_.args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = options_.env;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& o : options_.env) replaced = replaced || std::string_view(o).starts_with(name);
    if (!replaced) env_storage.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  const char* log = options_.log.empty() ? "/dev/null" : options_.log.c_str();
  const bool drop_root = options_.drop_root && ::geteuid() == 0;

  int pipe_fds[2] = {-1, -1};
  if (options_.pipe_stdout && ::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) {
    if (pipe_fds[0] >= 0) {
      ::close(pipe_fds[0]);
      ::close(pipe_fds[1]);
    }
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    const int fd = ::open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(pipe_fds[1] >= 0 ? pipe_fds[1] : fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    if (drop_root && ::unshare(CLONE_NEWUSER) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  if (pipe_fds[1] >= 0) ::close(pipe_fds[1]);
  out_fd_ = pipe_fds[0];
}

ChildProcess::~ChildProcess() {
  stop();
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : options_(std::move(other.options_)),
      pid_(std::exchange(other.pid_, -1)),
      out_fd_(std::exchange(other.out_fd_, -1)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    stop();
    options_ = std::move(other.options_);
    pid_ = std::exchange(other.pid_, -1);
    out_fd_ = std::exchange(other.out_fd_, -1);
  }
  return *this;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

int ChildProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return reaped > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::optional<std::string> ChildProcess::read_line() {
  if (out_fd_ < 0) return std::nullopt;
  std::string line;
  char c = 0;
  while (true) {
    const ssize_t n = ::read(out_fd_, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return line.empty() ? std::nullopt : std::optional<std::string>(line);
    if (c == '\n') return line;
    line += c;
  }
}

void ChildProcess::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, options_.stop_signal);
    const auto deadline = std::chrono::steady_clock::now() + options_.stop_grace;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
}

void wait_until_ready(ChildProcess& child, const std::string& name, std::chrono::seconds timeout,
                      const std::function<bool()>& ready, std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (!child.running()) throw std::runtime_error(name + " exited during start-up:\n" + child.log_tail());
    if (ready()) return;
    if (std::chrono::steady_clock::now() > deadline) {
      child.stop();
      throw std::runtime_error(name + " did not come up in " + std::to_string(timeout.count()) + " s:\n" +
                               child.log_tail());
    }
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace alith::testing
