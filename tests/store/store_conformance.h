#pragma once

// The behaviour every VectorStore backend shares, as one value-parameterized suite. A backend's test file
// instantiates it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance, ::testing::Values(StoreFactory{...}));
//
// Vectors are small (4 to 8 dimensions) and data sets a handful of records, so the suite runs in well under a
// second against the embedded store.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "alith/store/vector_store.h"

namespace alith::store::testing {

struct StoreFactory {
  std::string name;
  // Opens a fresh, empty collection each call (options.collection is already unique when the suite calls it);
  // reopening with the same options must see the same collection when persistent.
  std::function<std::unique_ptr<VectorStore>(const StoreOptions&)> open;
  bool keyword_search = false;  // the backend supports keyword_search
  bool persistent = true;       // reopening with the same options sees the same data
};

// Lets gtest print the parameter by name.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) {
  *os << factory.name;
}

class StoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  // A collection name unique to this test and backend in this process.
  StoreOptions fresh_options(Metric metric = Metric::cosine, std::string embedding_model = {}) const;
  std::unique_ptr<VectorStore> open_fresh(Metric metric = Metric::cosine);
};

}  // namespace alith::store::testing
