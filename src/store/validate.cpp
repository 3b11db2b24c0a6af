#include "validate.h"

#include <cmath>
#include <string>

#include "alith/core/error.h"

namespace alith::store {

size_t check_records(std::span<const Record> records, std::string_view store) {
  const std::string prefix = std::string(store) + ": ";
  const size_t dims = records.empty() ? 0 : records.front().vector.size();
  for (const auto& r : records) {
    if (r.id.empty()) throw InvalidArgumentError(prefix + "a record has an empty id");
    if (r.vector.size() != dims || dims == 0)
      throw InvalidArgumentError(prefix + "record '" + r.id + "' has " + std::to_string(r.vector.size()) +
                                 " dimensions, the others " + std::to_string(dims));
    for (float x : r.vector)
      if (!std::isfinite(x))
        throw InvalidArgumentError(prefix + "record '" + r.id + "' has a non-finite value");
  }
  return dims;
}

void check_dimensions(std::string_view store, size_t got, size_t collection, bool query) {
  if (got == collection) return;
  throw InvalidArgumentError(std::string(store) + (query ? ": the query has " : ": vectors have ") +
                             std::to_string(got) + " dimensions, the collection " +
                             std::to_string(collection));
}

}  // namespace alith::store
