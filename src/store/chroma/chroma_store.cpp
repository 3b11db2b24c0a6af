// Placeholder until the chroma backend lands (replaced in this change series).
#include "alith/core/error.h"
#include "backends.h"

namespace alith::store {

std::unique_ptr<VectorStore> open_chroma_store(const std::string&, const StoreOptions&) {
  throw UnsupportedError("the chroma store is not built yet");
}

}  // namespace alith::store
