#pragma once

// Input checks the server backends (Chroma, PostgreSQL, Qdrant) make alike before they talk to their server,
// so that every backend rejects the same bad input with the same InvalidArgumentError. `store` names the
// backend at the start of each message ("chroma store").

#include <cstddef>
#include <span>
#include <string_view>

#include "alith/store/vector_store.h"

namespace alith::store {

// Every record has an id and a vector of finite values, all of one non-zero dimension, which is returned.
size_t check_records(std::span<const Record> records, std::string_view store);

// An upsert's vectors (or, with query true, a query) against the collection's dimension.
void check_dimensions(std::string_view store, size_t got, size_t collection, bool query = false);

}  // namespace alith::store
