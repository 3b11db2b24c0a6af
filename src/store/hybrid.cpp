#include "alith/store/hybrid.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "alith/core/error.h"

namespace alith::store {

std::vector<Hit> reciprocal_rank_fusion(const std::vector<std::vector<Hit>>& ranked_lists, double rrf_k,
                                        size_t k) {
  if (rrf_k < 0) throw InvalidArgumentError("reciprocal_rank_fusion: rrf_k must not be negative");
  std::unordered_map<std::string, size_t> slot;  // id -> index in fused
  std::vector<Hit> fused;
  std::vector<double> scores;  // summed in double: float would tie hits that differ in the last rank
  for (const auto& list : ranked_lists) {
    std::unordered_map<std::string, bool> seen;  // a list naming an id twice counts its best rank only
    for (size_t rank = 1; rank <= list.size(); ++rank) {
      const Hit& hit = list[rank - 1];
      if (!seen.emplace(hit.id, true).second) continue;
      auto [it, fresh] = slot.emplace(hit.id, fused.size());
      if (fresh) {
        fused.push_back(hit);
        scores.push_back(0);
      }
      scores[it->second] += 1.0 / (rrf_k + static_cast<double>(rank));
    }
  }
  std::vector<size_t> order(fused.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    return fused[a].id < fused[b].id;
  });
  std::vector<Hit> out;
  out.reserve(std::min(k, order.size()));
  for (size_t i = 0; i < order.size() && out.size() < k; ++i) {
    Hit hit = std::move(fused[order[i]]);
    hit.score = static_cast<float>(scores[order[i]]);
    out.push_back(std::move(hit));
  }
  return out;
}

std::vector<Hit> hybrid_search(VectorStore& store, std::span<const float> query_vector,
                               std::string_view query_text, const HybridOptions& options) {
  std::vector<std::vector<Hit>> lists;
  const size_t n = std::max(options.candidates, options.k);
  lists.push_back(store.search(query_vector, n, options.filter));
  if (!query_text.empty()) {
    try {
      lists.push_back(store.keyword_search(query_text, n, options.filter));
    } catch (const UnsupportedError&) {
      // A store without full-text search still answers with its vector ranking.
    }
  }
  if (!options.reranker) return reciprocal_rank_fusion(lists, options.rrf_k, options.k);
  auto reranked =
      options.reranker(query_text, reciprocal_rank_fusion(lists, options.rrf_k, n * lists.size()));
  if (reranked.size() > options.k) reranked.resize(options.k);
  return reranked;
}

}  // namespace alith::store
