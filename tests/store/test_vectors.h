#pragma once

// Deterministic test vectors that look like sentence embeddings: a mixture of Gaussian clusters around random
// centres, normalized to unit length.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace alith::store::testing {

inline std::vector<std::vector<float>> clustered_vectors(size_t n, size_t dim, size_t clusters, uint32_t seed,
                                                         float spread = 0.35f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<float>> centres(clusters, std::vector<float>(dim));
  for (auto& c : centres)
    for (auto& x : c) x = normal(rng);
  std::uniform_int_distribution<size_t> pick(0, clusters - 1);
  std::vector<std::vector<float>> out(n, std::vector<float>(dim));
  for (auto& v : out) {
    const auto& c = centres[pick(rng)];
    double norm = 0;
    for (size_t i = 0; i < dim; ++i) {
      v[i] = c[i] + spread * normal(rng);
      norm += static_cast<double>(v[i]) * v[i];
    }
    for (auto& x : v) x = static_cast<float>(x / std::sqrt(norm));
  }
  return out;
}

}  // namespace alith::store::testing
