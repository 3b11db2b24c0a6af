#include "alith/store/vector_store.h"

#include "alith/core/error.h"

namespace alith::store {

std::string_view to_string(Metric metric) noexcept {
  switch (metric) {
    case Metric::cosine:
      return "cosine";
    case Metric::dot:
      return "dot";
    case Metric::l2:
      return "l2";
  }
  return "cosine";
}

Metric metric_from_string(std::string_view name) {
  if (name == "cosine") return Metric::cosine;
  if (name == "dot" || name == "ip") return Metric::dot;
  if (name == "l2" || name == "euclidean") return Metric::l2;
  throw InvalidArgumentError("unknown metric '" + std::string(name) + "': expected cosine, dot or l2");
}

std::vector<Hit> VectorStore::keyword_search(std::string_view, size_t, const Filter&) {
  throw UnsupportedError("store " + ref() + " has no keyword search");
}

}  // namespace alith::store
