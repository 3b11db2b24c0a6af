#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "backends.h"

namespace alith::store {

std::unique_ptr<VectorStore> open_store(std::string_view ref, const StoreOptions& options) {
  auto strip = [&](std::string_view prefix) -> std::optional<std::string> {
    if (!ref.starts_with(prefix)) return std::nullopt;
    return std::string(ref.substr(prefix.size()));
  };
  if (auto path = strip("sqlite:")) {
    if (path->empty())
      throw InvalidArgumentError("store reference 'sqlite:' needs a path, e.g. sqlite:./kb.db");
    return open_sqlite_store(*path, options);
  }
  if (ref.starts_with("postgres://") || ref.starts_with("postgresql://"))
    return open_postgres_store(std::string(ref), options);
  if (auto url = strip("chroma:")) return open_chroma_store(*url, options);
  if (auto url = strip("qdrant:")) return open_qdrant_store(*url, options);
  throw InvalidArgumentError("unknown store reference '" + std::string(ref) +
                             "': expected sqlite:PATH, postgres://..., chroma:URL or qdrant:URL");
}

}  // namespace alith::store
