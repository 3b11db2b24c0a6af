#include "llama_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "alith/core/http.h"

extern char** environ;

namespace alith::testing {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Asks the kernel for a free port; a race with another process is possible but harmless on a test machine.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  int port = ntohs(addr.sin_port);
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

LlamaServer::LlamaServer(LlamaServerOptions options) {
  const std::string binary =
      !options.binary.empty() ? options.binary : env_or("ALITH_LLAMA_SERVER", ALITH_DEFAULT_LLAMA_SERVER);
  const std::string model =
      !options.model.empty() ? options.model : env_or("ALITH_TEST_MODEL", ALITH_DEFAULT_TEST_MODEL);
  if (binary.empty() || !std::filesystem::exists(binary)) {
    throw std::runtime_error("llama-server not found at '" + binary +
                             "': run scripts/setup (or set ALITH_LLAMA_SERVER)");
  }
  if (model.empty() || !std::filesystem::exists(model)) {
    throw std::runtime_error("test model not found at '" + model +
                             "': run scripts/setup (or set ALITH_TEST_MODEL)");
  }
  port_ = free_port();
  log_path_ =
      (std::filesystem::temp_directory_path() / ("alith-llama-server-" + std::to_string(port_) + ".log"))
          .string();
  std::vector<std::string> args = {binary,
                                   "-m",
                                   model,
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(port_),
                                   "-c",
                                   std::to_string(options.context),
                                   "-np",
                                   std::to_string(options.parallel),
                                   "-t",
                                   std::to_string(options.threads),
                                   "--jinja",
                                   "--no-webui"};
  if (options.tool_template) {
    args.insert(args.end(), {"--chat-template-file", ALITH_SOURCE_DIR "/data/templates/gemma3-tools.jinja"});
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start llama-server: " + std::string(strerror(rc)));

  http::Client client;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("llama-server exited during start-up:\n" + tail_of(log_path_));
    }
    try {
      http::Request health;
      health.url = "http://127.0.0.1:" + std::to_string(port_) + "/health";
      health.timeout = std::chrono::milliseconds(2000);
      if (client.send(health).status == 200) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  stop();
  throw std::runtime_error("llama-server did not become healthy in 120 s:\n" + tail_of(log_path_));
}

LlamaServer::~LlamaServer() {
  stop();
}

void LlamaServer::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
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
}

std::string LlamaServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

}  // namespace alith::testing
