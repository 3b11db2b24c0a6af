#pragma once

// The backends open_store dispatches to; each lives in its own folder.

#include <memory>
#include <string>

#include "alith/store/vector_store.h"

namespace alith::store {

std::unique_ptr<VectorStore> open_sqlite_store(const std::string& path, const StoreOptions& options);
std::unique_ptr<VectorStore> open_postgres_store(const std::string& uri, const StoreOptions& options);
std::unique_ptr<VectorStore> open_chroma_store(const std::string& base_url, const StoreOptions& options);
std::unique_ptr<VectorStore> open_qdrant_store(const std::string& base_url, const StoreOptions& options);

}  // namespace alith::store
