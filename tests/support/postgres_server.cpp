#include "postgres_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

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

// fork + exec with stdout and stderr appended to log. As root the child first enters a new user namespace
// (PostgreSQL will not run as root). Only async-signal-safe calls happen between fork and exec.
pid_t spawn(std::vector<std::string> args, const std::string& log) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const bool root = ::geteuid() == 0;
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    if (root && ::unshare(CLONE_NEWUSER) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::string PostgresServer::binaries() {
  if (const char* v = std::getenv("ALITH_PGSERVER_BIN"); v && *v) return fs::exists(v) ? v : "";
  fs::path cache;
  if (const char* c = std::getenv("ALITH_CACHE_DIR"); c && *c)
    cache = c;
  else if (const char* h = std::getenv("HOME"); h && *h)
    cache = fs::path(h) / ".cache" / "alith";
  const auto bin = cache / "peers" / "postgres-bin";
  return fs::exists(bin / "postgres") && fs::exists(bin / "initdb") ? bin.string() : "";
}

PostgresServer::PostgresServer() {
  const std::string bin = binaries();
  if (bin.empty()) throw std::runtime_error("PostgreSQL with pgvector not found: run scripts/store-peers");
  std::string pattern = (fs::temp_directory_path() / "alith-pg-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
  dir_ = pattern;
  const std::string log = dir_ + "/server.log";
  auto fail = [&](const std::string& what) {
    stop();
    const std::string text = tail_of(log);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw std::runtime_error(what + ":\n" + text);
  };

  const pid_t init = spawn({bin + "/initdb", "-D", dir_ + "/data", "-U", "postgres", "--auth=trust", "-E",
                            "UTF8", "--locale=C", "--no-sync"},
                           log);
  int status = 0;
  ::waitpid(init, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("initdb failed");

  port_ = free_port();
  // Durability settings off: a test cluster is thrown away, and fsync would only slow the tests.
  pid_ = spawn({bin + "/postgres", "-D", dir_ + "/data", "-h", "127.0.0.1", "-p", std::to_string(port_), "-k",
                dir_, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"},
               log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PQping(uri().c_str()) != PQPING_OK) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      fail("postgres exited during start-up");
    }
    if (std::chrono::steady_clock::now() > deadline) fail("postgres did not accept connections in 60 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(uri().c_str()), &PQfinish);
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(conn.get(), "CREATE EXTENSION IF NOT EXISTS vector"), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
    fail(std::string("CREATE EXTENSION vector failed: ") + PQerrorMessage(conn.get()));
}

PostgresServer::~PostgresServer() {
  stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

void PostgresServer::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // "fast" shutdown: ends sessions instead of waiting for clients to leave
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

std::string PostgresServer::uri() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

}  // namespace alith::testing
