// Placeholder until the qdrant backend lands (replaced in this change series).
#include "alith/core/error.h"
#include "backends.h"

namespace alith::store {

std::unique_ptr<VectorStore> open_qdrant_store(const std::string&, const StoreOptions&) {
  throw UnsupportedError("the qdrant store is not built yet");
}

}  // namespace alith::store
