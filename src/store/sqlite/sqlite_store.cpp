// Placeholder until the sqlite backend lands (replaced in this change series).
#include "alith/core/error.h"
#include "backends.h"

namespace alith::store {

std::unique_ptr<VectorStore> open_sqlite_store(const std::string&, const StoreOptions&) {
  throw UnsupportedError("the sqlite store is not built yet");
}

}  // namespace alith::store
