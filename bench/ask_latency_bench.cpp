// `alith ask` with a remote model: time from process start to the request arriving at the server (target:
// ≤10 ms). The reference, measured in the same run, is curl(1) sending the same POST: the cost of starting a
// process that links libcurl and makes one request. The ratio alith/curl is printed at the end.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "support/scripted_server.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

const char* const kReply =
    R"({"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant",)"
    R"("content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}})";

// Spawns argv with stdout/stderr to /dev/null and returns seconds from spawn to the server seeing the
// request.
double time_to_request(alith::testing::ScriptedServer& server, std::atomic<int64_t>& arrival_ns,
                       std::vector<std::string> args) {
  arrival_ns = 0;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  auto start = Clock::now();
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  (void)server;
  if (arrival_ns == 0) return -1;
  return static_cast<double>(arrival_ns.load() - start.time_since_epoch().count()) / 1e9;
}

struct Fixture {
  alith::testing::ScriptedServer server;
  std::atomic<int64_t> arrival_ns{0};
  Fixture() {
    server.set_handler([this](const alith::testing::RecordedRequest&) {
      arrival_ns = Clock::now().time_since_epoch().count();
      return alith::testing::ScriptedReply::http(200, kReply);
    });
  }
};

Fixture& fixture() {
  static Fixture f;  // bench-only shared server
  return f;
}

double g_alith_mean = 0, g_curl_mean = 0;  // bench-only results for the closing ratio

void run(benchmark::State& state, const std::vector<std::string>& args, double& mean_out) {
  double total = 0;
  int64_t n = 0;
  for (auto _ : state) {
    double s = time_to_request(fixture().server, fixture().arrival_ns, args);
    if (s < 0) {
      state.SkipWithError("the process never reached the server");
      return;
    }
    state.SetIterationTime(s);
    total += s;
    ++n;
  }
  if (n) mean_out = total / static_cast<double>(n);
  state.counters["ms_to_request"] = n ? 1e3 * total / static_cast<double>(n) : 0;
}

void BM_AlithAskStartToRequest(benchmark::State& state) {
  auto url = fixture().server.url() + "/v1";
  run(state, {ALITH_CLI_PATH, "ask", "--base-url", url, "--model", "m", "hello"}, g_alith_mean);
}
BENCHMARK(BM_AlithAskStartToRequest)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(30);

void BM_CurlStartToRequest(benchmark::State& state) {
  auto url = fixture().server.url() + "/v1/chat/completions";
  run(state,
      {"curl", "-s", "-o", "/dev/null", "-H", "Content-Type: application/json", "-d",
       R"({"model":"m","messages":[{"role":"user","content":"hello"}]})", url},
      g_curl_mean);
}
BENCHMARK(BM_CurlStartToRequest)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(30);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_alith_mean > 0 && g_curl_mean > 0) {
    std::printf(
        "ratio alith-ask/curl start-to-request: %.2f (alith %.2f ms, curl %.2f ms; target alith <= 10 ms)\n",
        g_alith_mean / g_curl_mean, g_alith_mean * 1e3, g_curl_mean * 1e3);
  }
  return 0;
}
