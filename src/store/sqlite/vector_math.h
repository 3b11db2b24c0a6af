#pragma once

// Exact similarity scores in the store's convention (higher is more similar): cosine similarity, inner
// product, negated Euclidean distance. Vectors come straight from SQLite blobs, which need not be aligned for
// float, so they are read through memcpy (compiled to plain unaligned loads).

#include <cmath>
#include <cstddef>
#include <cstring>
#include <span>
#include <vector>

#include "alith/store/vector_store.h"

namespace alith::store::sqlite {

class Scorer {
 public:
  Scorer(Metric metric, std::span<const float> query) : metric_(metric), query_(query.begin(), query.end()) {
    for (float x : query_) query_norm2_ += x * x;
  }

  float score(const std::byte* vector) const {
    // Eight independent partial sums let the compiler vectorize without reassociating one long sum.
    constexpr size_t kLanes = 8;
    float a[kLanes] = {}, b[kLanes] = {};
    const size_t n = query_.size();
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      float v[kLanes];
      std::memcpy(v, vector + i * sizeof(float), sizeof v);
      for (size_t l = 0; l < kLanes; ++l) {
        if (metric_ == Metric::l2) {
          const float d = query_[i + l] - v[l];
          a[l] += d * d;
        } else {
          a[l] += query_[i + l] * v[l];
          b[l] += v[l] * v[l];
        }
      }
    }
    float sa = 0, sb = 0;
    for (size_t l = 0; l < kLanes; ++l) sa += a[l], sb += b[l];
    for (; i < n; ++i) {
      float v;
      std::memcpy(&v, vector + i * sizeof(float), sizeof v);
      if (metric_ == Metric::l2) {
        sa += (query_[i] - v) * (query_[i] - v);
      } else {
        sa += query_[i] * v;
        sb += v * v;
      }
    }
    switch (metric_) {
      case Metric::l2:
        return -std::sqrt(sa);
      case Metric::dot:
        return sa;
      case Metric::cosine:
        break;
    }
    const float norms = std::sqrt(query_norm2_ * sb);
    return norms > 0 ? sa / norms : 0.0f;
  }

 private:
  Metric metric_;
  std::vector<float> query_;
  float query_norm2_ = 0;
};

}  // namespace alith::store::sqlite
