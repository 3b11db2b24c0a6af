#pragma once

// Runs the registered benchmarks and then prints, for each pair (A, B), the ratio of their real times per
// iteration measured in this same run: "ratio A/B: 1.23". The machine is shared and noisy, so a target is
// judged by a ratio against a reference measured alongside it, never by an absolute time.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace alith::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      std::string name = run.benchmark_name();
      times_[name.substr(0, name.find('/'))] = run.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  const std::map<std::string, double>& times() const { return times_; }

 private:
  std::map<std::string, double> times_;
};

inline int run_with_ratios(int argc, char** argv,
                           const std::vector<std::pair<std::string, std::string>>& pairs) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  for (const auto& [a, b] : pairs) {
    auto ia = reporter.times().find(a), ib = reporter.times().find(b);
    if (ia == reporter.times().end() || ib == reporter.times().end() || ib->second <= 0) continue;
    std::printf("ratio %s/%s (time per iteration): %.3f\n", a.c_str(), b.c_str(), ia->second / ib->second);
  }
  return 0;
}

}  // namespace alith::bench
