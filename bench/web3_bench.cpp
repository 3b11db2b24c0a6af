// Keccak-256, ECDSA signing and signer recovery: alith (its Keccak, libsecp256k1) against ethers v6 (the
// reference of the web3 tests, @noble/hashes and @noble/curves underneath) on the same inputs, in one run.
//
// Operations, each on one thread:
//   keccak_32   keccak256 of 32 bytes (a hash of a hash, a storage key)
//   keccak_1k   keccak256 of 1 KiB (calldata, a message)
//   sign        sign a 32-byte digest (RFC 6979, low-s, recoverable)
//   recover     recover the signer's address from a digest and signature (ecrecover + keccak of the key)
// ethers runs bench/ethers_crypto.cjs under Node with the peers of scripts/web3-peers; the program prints
// "ratio ethers/alith" (how many times faster alith is) for each operation. --no-ethers skips the reference;
// --ethers-seconds sets its time per operation (default 2). Google Benchmark flags apply to the alith side.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "alith/core/json.h"
#include "alith/web3/keccak.h"
#include "alith/web3/keys.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

#ifndef ALITH_SOURCE_DIR
#define ALITH_SOURCE_DIR "."
#endif

namespace {

using namespace alith::web3;

struct Inputs {
  Bytes short_input, long_input;
  std::vector<Hash> digests;
  PrivateKey key = PrivateKey::random();
  std::vector<Signature> signatures;
};

const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs v;
    std::mt19937_64 rng(7);
    auto fill = [&](size_t n) {
      Bytes b(n);
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
      return b;
    };
    v.short_input = fill(32);
    v.long_input = fill(1024);
    for (int i = 0; i < 256; ++i) v.digests.push_back(keccak256(fill(32)));
    for (const Hash& d : v.digests) v.signatures.push_back(v.key.sign_hash(d));
    return v;
  }();
  return in;
}

void BM_keccak_32(benchmark::State& state) {
  const Bytes& in = inputs().short_input;
  for (auto _ : state) benchmark::DoNotOptimize(keccak256(in));
}
BENCHMARK(BM_keccak_32);

void BM_keccak_1k(benchmark::State& state) {
  const Bytes& in = inputs().long_input;
  for (auto _ : state) benchmark::DoNotOptimize(keccak256(in));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 1024);
}
BENCHMARK(BM_keccak_1k);

void BM_sign(benchmark::State& state) {
  const Inputs& in = inputs();
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(in.key.sign_hash(in.digests[i++ % in.digests.size()]));
}
BENCHMARK(BM_sign);

void BM_recover(benchmark::State& state) {
  const Inputs& in = inputs();
  size_t i = 0;
  for (auto _ : state) {
    size_t k = i++ % in.digests.size();
    benchmark::DoNotOptimize(recover_address(in.digests[k], in.signatures[k]));
  }
}
BENCHMARK(BM_recover);

class Collect : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      std::string name = run.benchmark_name().substr(3);  // drop "BM_"
      ns[name.substr(0, name.find('/'))] = run.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> ns;
};

std::string node_modules() {
  if (const char* env = std::getenv("ALITH_WEB3_NODE_MODULES"); env && *env) return env;
  const char* home = std::getenv("HOME");
  std::filesystem::path link = std::filesystem::path(home ? home : ".") / ".cache/alith/peers/web3-node";
  std::error_code ec;
  auto real = std::filesystem::canonical(link, ec);
  return ec ? std::string() : real.string();
}

}  // namespace

int main(int argc, char** argv) {
  bool with_ethers = true;
  double ethers_seconds = 2;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-ethers")
      with_ethers = false;
    else if (a.rfind("--ethers-seconds=", 0) == 0)
      ethers_seconds = std::stod(a.substr(17));
    else
      args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  Collect alith_side;
  benchmark::RunSpecifiedBenchmarks(&alith_side);
  benchmark::Shutdown();
  if (!with_ethers) return 0;

  std::string modules = node_modules();
  if (modules.empty()) {
    std::fprintf(stderr, "ethers not installed: run scripts/web3-peers (or pass --no-ethers)\n");
    return 1;
  }
  const Inputs& in = inputs();
  alith::Json request = {{"seconds", ethers_seconds},
                         {"key", in.key.reveal_hex()},
                         {"short", to_hex(in.short_input)},
                         {"long", to_hex(in.long_input)},
                         {"digests", alith::Json::array()}};
  for (const Hash& d : in.digests) request["digests"].push_back(to_hex(d));
  alith::testing::TempDir dir("alith-web3-bench-");
  std::string file = dir.write("in.json", alith::dump_json(request)).string();
  auto out = alith::testing::run_command(
      "NODE_PATH='" + modules + "' node '" ALITH_SOURCE_DIR "/bench/ethers_crypto.cjs' < '" + file + "'");
  auto ethers = alith::parse_json(out.out);
  if (out.status != 0 || !ethers) {
    std::fprintf(stderr, "the ethers reference failed (status %d)\n", out.status);
    return 1;
  }
  std::printf("\n%-10s %14s %14s %10s\n", "operation", "alith ns/op", "ethers ns/op", "ethers/alith");
  for (const auto& [op, ns] : alith_side.ns) {
    if (!ethers->contains(op)) continue;
    double reference = (*ethers)[op].get<double>();
    std::printf("%-10s %14.1f %14.1f %10.1f\n", op.c_str(), ns, reference, reference / ns);
    std::printf("ratio ethers/%s: %.2f\n", op.c_str(), reference / ns);
  }
  return 0;
}
