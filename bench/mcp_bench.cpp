// tools/call round trip over stdio with an echo tool: `alith mcp serve` against the TypeScript SDK's
// McpServer (bench/mcp_sdk_server.mjs), both spawned and driven by the same C++ client in one run, so client
// overhead is identical: it writes one request line to the child's stdin and times until the reply line.
// Measured twice: as the scheduler places the processes, and with all of them pinned to one CPU.
//
//   mcp_bench [--iterations N]      prints p50/p90 per server and "ratio sdk/alith p50: X" per placement
//
// The SDK side needs node and scripts/mcp-peers (skipped, with a note, when missing). Without the alith CLI
// built (ALITH_CLI_PATH), the bench serves alith from itself (`mcp_bench --serve`, the same library code).

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "alith/core/json.h"
#include "alith/mcp/server.h"
#include "support/child_process.h"

namespace {

using Clock = std::chrono::steady_clock;

// A child with both stdin and stdout piped.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 2);
      for (int fd : {in[0], in[1], out[0], out[1], devnull}) ::close(fd);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~Child() {
    ::close(to_);  // end of input: both servers exit
    int status;
    ::waitpid(pid_, &status, 0);
    ::close(from_);
  }
  void send(const std::string& line) {
    std::string_view data(line);
    while (!data.empty()) {
      ssize_t n = ::write(to_, data.data(), data.size());
      if (n <= 0) throw std::runtime_error("the server's stdin closed");
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  std::string receive() {
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      char chunk[65536];
      ssize_t n = ::read(from_, chunk, sizeof chunk);
      if (n <= 0) throw std::runtime_error("the server's stdout closed");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string buffer_;
};

struct Stats {
  double p50, p90, mean;
};

Stats stats(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  return {us[us.size() / 2], us[us.size() * 9 / 10], sum / static_cast<double>(us.size())};
}

// One server under test: started and initialized once, then called in blocks.
class Driver {
 public:
  explicit Driver(const std::vector<std::string>& command) : child_(command) {
    child_.send(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcp_bench","version":"1"}}})"
        "\n");
    auto init = alith::parse_json(child_.receive());
    if (!init || !init->contains("result")) throw std::runtime_error("initialize failed");
    child_.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
  }
  // n round trips; their times in microseconds are appended to us (when given).
  void calls(int n, std::vector<double>* us) {
    for (int i = 0; i < n; ++i) {
      std::string request =
          R"({"jsonrpc":"2.0","id":)" + std::to_string(++id_) +
          R"(,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello, mcp"}}})"
          "\n";
      auto start = Clock::now();
      child_.send(request);
      std::string reply = child_.receive();
      auto end = Clock::now();
      if (id_ == 1 && reply.find("hello, mcp") == std::string::npos)
        throw std::runtime_error("bad reply: " + reply);
      if (us) us->push_back(std::chrono::duration<double, std::micro>(end - start).count());
    }
  }

 private:
  Child child_;
  int id_ = 0;
};

void print(const char* name, const Stats& s) {
  std::printf("%-28s p50 %8.1f us   p90 %8.1f us   mean %8.1f us\n", name, s.p50, s.p90, s.mean);
}

std::shared_ptr<alith::agent::Tool> echo_tool() {
  return alith::agent::make_tool(
      "echo", "Returns the given text unchanged.",
      alith::Json{{"type", "object"},
                  {"properties", {{"text", {{"type", "string"}}}}},
                  {"required", {"text"}},
                  {"additionalProperties", false}},
      [](const alith::Json& args, const alith::agent::ToolContext&) { return args.at("text"); });
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 5000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--serve") {  // the alith server when the CLI is not built
      std::ios::sync_with_stdio(false);
      alith::mcp::Server server({echo_tool()});
      alith::mcp::serve_stdio(server, std::cin, std::cout);
      return 0;
    }
    if (a == "--iterations" && i + 1 < argc) iterations = std::stoi(argv[++i]);
    if (a == "--in-process") {  // the server's own cost per call: serve_stdio over in-memory streams
      const int n = 200000;
      std::string input =
          R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcp_bench","version":"1"}}})"
          "\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
      for (int k = 1; k <= n; ++k) {
        input += R"({"jsonrpc":"2.0","id":)" + std::to_string(k) +
                 R"(,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello, mcp"}}})"
                 "\n";
      }
      std::istringstream in(input);
      struct Discard : std::streambuf {
        int overflow(int c) override { return c; }
        std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
      } discard;
      std::ostream out(&discard);
      alith::mcp::Server server({echo_tool()});
      auto start = Clock::now();
      alith::mcp::serve_stdio(server, in, out);
      double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n;
      std::printf("alith server in process (no pipes): %.2f us per tools/call\n", us);
      return 0;
    }
  }
  try {
    std::vector<std::string> alith_cmd;
    std::string config =
        (std::filesystem::temp_directory_path() / ("mcp_bench_" + std::to_string(::getpid()) + ".yaml"))
            .string();
#ifdef ALITH_CLI_PATH
    std::ofstream(config) << "tools: [echo]\n";
    alith_cmd = {ALITH_CLI_PATH, "mcp", "serve", "--config", config};
    const char* alith_name = "alith mcp serve";
#else
    alith_cmd = {std::filesystem::read_symlink("/proc/self/exe").string(), "--serve"};
    const char* alith_name = "alith (mcp_bench --serve)";
#endif
    std::string node = alith::testing::find_in_path("node");
    std::string modules = alith::testing::peers_dir() + "/mcp-node";
    std::string script = (std::filesystem::path(__FILE__).parent_path() / "mcp_sdk_server.mjs").string();
    bool sdk = !node.empty() &&
               std::filesystem::exists(modules + "/@modelcontextprotocol/sdk/package.json") &&
               std::filesystem::exists(script);
    // Two placements. As the scheduler places them: what a user sees, but on a VM a wake-up of an idle vCPU
    // costs tens of microseconds, and where each server lands varies between runs. All on one CPU (affinity,
    // inherited by both servers): every hand-off is a plain context switch, so the figure is the software's.
    for (bool one_cpu : {false, true}) {
      cpu_set_t all;
      ::sched_getaffinity(0, sizeof all, &all);
      if (one_cpu) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(::sched_getcpu(), &one);
        ::sched_setaffinity(0, sizeof one, &one);
      }
      std::printf(
          "%s: tools/call echo round trip over stdio, %d calls each (after warm-up), in 10 alternating "
          "blocks\n",
          one_cpu ? "one CPU (client and servers pinned together)" : "as scheduled", iterations);
      Driver alith_server(alith_cmd);
      std::optional<Driver> sdk_server;
      if (sdk)
        sdk_server.emplace(
            std::vector<std::string>{node, script, std::filesystem::canonical(modules).string()});
      // Warm-up (node's JIT, caches), then blocks taken in turn so that load from elsewhere on the machine
      // falls on both alike.
      alith_server.calls(std::max(200, iterations / 5), nullptr);
      if (sdk_server) sdk_server->calls(std::max(200, iterations / 5), nullptr);
      std::vector<double> a_us, s_us;
      for (int block = 0; block < 10; ++block) {
        alith_server.calls(iterations / 10, &a_us);
        if (sdk_server) sdk_server->calls(iterations / 10, &s_us);
      }
      Stats a = stats(a_us);
      print(alith_name, a);
      if (!sdk_server) {
        std::printf("TypeScript SDK server skipped: needs node and scripts/mcp-peers\n");
      } else {
        Stats s = stats(s_us);
        print("TypeScript SDK McpServer", s);
        std::printf("ratio sdk/alith p50: %.1f%s\n", s.p50 / a.p50, one_cpu ? " (one CPU)" : "");
        std::printf("ratio sdk/alith p90: %.1f%s\n", s.p90 / a.p90, one_cpu ? " (one CPU)" : "");
      }
      ::sched_setaffinity(0, sizeof all, &all);
    }
    std::filesystem::remove(config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcp_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
