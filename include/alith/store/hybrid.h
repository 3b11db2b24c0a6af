#pragma once

// Hybrid retrieval: a vector search and a keyword search over the same store, fused by reciprocal rank fusion
// (RRF), optionally reranked. RRF needs no score calibration between the two lists (cosine similarities and
// BM25 scores live on unrelated scales); it only uses ranks.

#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "alith/store/filter.h"
#include "alith/store/vector_store.h"

namespace alith::store {

// Reorders (and may trim) candidates for a query, e.g. with a cross-encoder; returns best first.
using Reranker = std::function<std::vector<Hit>(std::string_view query, std::vector<Hit> candidates)>;

struct HybridOptions {
  size_t k = 10;           // hits returned
  size_t candidates = 50;  // hits taken from each of the vector and keyword searches
  double rrf_k = 60;       // RRF's damping constant (60 in the original paper)
  Filter filter;           // applied to both searches
  Reranker reranker;       // optional; sees the fused candidates, before the cut to k
};

// Fuses ranked lists: a hit's score is the sum over the lists it appears in of 1 / (rrf_k + rank), rank
// 1-based. Hits are identified by id (text and metadata come from the first list that has the id); ties are
// broken by id, so the result is deterministic. Returns the k best with their RRF scores.
std::vector<Hit> reciprocal_rank_fusion(const std::vector<std::vector<Hit>>& ranked_lists, double rrf_k,
                                        size_t k);

// Vector search for query_vector and keyword search for query_text, fused with RRF. A store without keyword
// search (UnsupportedError) contributes its vector list alone; an empty query_text skips the keyword search.
std::vector<Hit> hybrid_search(VectorStore& store, std::span<const float> query_vector,
                               std::string_view query_text, const HybridOptions& options);

}  // namespace alith::store
