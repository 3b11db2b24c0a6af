#include "chroma_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "alith/core/http.h"

extern char** environ;

namespace alith::testing {
namespace {

namespace fs = std::filesystem;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
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

std::string tail_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > 3000 ? s.substr(s.size() - 3000) : s;
}

}  // namespace

std::string ChromaServer::binary() {
  if (const char* v = std::getenv("ALITH_CHROMA_BIN"); v && *v) return fs::exists(v) ? v : "";
  fs::path cache;
  if (const char* c = std::getenv("ALITH_CACHE_DIR"); c && *c)
    cache = c;
  else if (const char* h = std::getenv("HOME"); h && *h)
    cache = fs::path(h) / ".cache" / "alith";
  const auto bin = cache / "peers" / "chroma";
  return fs::exists(bin) ? bin.string() : "";
}

ChromaServer::ChromaServer() {
  const std::string bin = binary();
  if (bin.empty()) throw std::runtime_error("chroma not found: run scripts/store-peers");
  std::string pattern = (fs::temp_directory_path() / "alith-chroma-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
  dir_ = pattern;
  port_ = free_port();
  const std::string log = dir_ + "/server.log";

  std::vector<std::string> args = {bin,      "run",       "--path", dir_ + "/data",
                                   "--host", "127.0.0.1", "--port", std::to_string(port_)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // No telemetry: the test machine has no network, and a test should not phone home anyway.
  std::vector<std::string> env_storage = {"ANONYMIZED_TELEMETRY=False"};
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("ANONYMIZED_TELEMETRY=")) env_storage.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }

  auto fail = [&](const std::string& what) {
    stop();
    const std::string text = tail_of(log);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw std::runtime_error(what + ":\n" + text);
  };
  http::Client client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (true) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      fail("chroma exited during start-up");
    }
    try {
      http::Request heartbeat;
      heartbeat.url = url() + "/api/v2/heartbeat";
      heartbeat.timeout = std::chrono::milliseconds(2000);
      if (client.send(heartbeat).status == 200) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    if (std::chrono::steady_clock::now() > deadline) fail("chroma did not answer its heartbeat in 90 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

ChromaServer::~ChromaServer() {
  stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

void ChromaServer::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string ChromaServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

}  // namespace alith::testing
