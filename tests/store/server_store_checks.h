#pragma once

// Checks the server-store test files (Chroma, PostgreSQL, Qdrant Edge) run alike against their own server.
// They are not in the conformance suite because each backend runs them with its own data or tolerance (the
// filters each server can express, the precision of its wire format), or because they only make sense against
// a server (several clients of one collection, many concurrent calls).

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "store_conformance.h"

namespace alith::store::testing {

// Opens a collection of the backend under test by name, metric and embedding model.
using OpenCollection =
    std::function<std::unique_ptr<VectorStore>(const std::string&, Metric, const std::string& model)>;

// One peer server for the whole test binary, started on first use and stopped at exit; null when the peer is
// not installed (the tests then skip, saying so).
template <class Server>
Server* shared_peer(bool installed) {
  static const std::unique_ptr<Server> server = installed ? std::make_unique<Server>() : nullptr;
  return server.get();
}

inline StoreOptions collection_options(const std::string& collection, Metric metric,
                                       const std::string& model) {
  StoreOptions options;
  options.collection = collection;
  options.metric = metric;
  options.embedding_model = model;
  return options;
}

// The fixture of a backend's own tests against its peer. P describes the peer:
//   using Server = ...;                          // the launcher (tests/support), started once per binary
//   static bool installed();                     // the peer is there to start
//   static std::string ref(const Server&);       // the store reference that reaches it
//   static constexpr const char* missing = ...;  // the advice when it is not installed
template <class P>
class ServerStoreTest : public ::testing::Test {
 public:
  static typename P::Server* server() { return shared_peer<typename P::Server>(P::installed()); }

  // The conformance suite's factory for this peer, against the same server (each conformance test opens its
  // own collection); none when the peer is not installed, as the fixture's tests then say when they skip. The
  // server itself starts on first use, in a test.
  static std::vector<StoreFactory> conformance(const std::string& name, bool keyword_search) {
    if (!P::installed()) return {};
    return {StoreFactory{name,
                         [](const StoreOptions& options) { return open_store(P::ref(*server()), options); },
                         keyword_search, /*persistent=*/true}};
  }

 protected:
  void SetUp() override {
    server_ = server();
    if (!server_) GTEST_SKIP() << P::missing;
  }
  std::unique_ptr<VectorStore> open(const std::string& collection, Metric metric = Metric::cosine,
                                    const std::string& model = "") {
    return open_store(P::ref(*server_), collection_options(collection, metric, model));
  }
  OpenCollection opener() {
    return [this](const std::string& c, Metric m, const std::string& model) { return open(c, m, model); };
  }
  typename P::Server* server_ = nullptr;
};

inline std::set<std::string> ids_of(const std::vector<Hit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.id);
  return out;
}

// Upsert, get, replace (with replacement as a's new vector, which must come back exactly) and remove by id.
inline void expect_upsert_get_replace_remove(VectorStore& store, const std::vector<float>& replacement) {
  EXPECT_EQ(store.dimensions(), 0u);
  EXPECT_EQ(store.count(), 0u);
  EXPECT_FALSE(store.get("a").has_value());
  std::vector<Record> records = {{"a", {1, 0, 0}, "alpha", {{"n", 1}, {"nested", {{"x", {1, 2}}}}}},
                                 {"b", {0, 1, 0}, "beta", {{"n", 2.5}, {"flag", true}}},
                                 {"c", {0, 0, 1}, "gamma", Json::object()}};
  store.upsert(records);
  EXPECT_EQ(store.dimensions(), 3u);
  EXPECT_EQ(store.count(), 3u);
  auto a = store.get("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->vector, (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(a->text, "alpha");
  EXPECT_EQ(a->metadata, records[0].metadata);
  EXPECT_EQ(store.get("b")->metadata, records[1].metadata);
  EXPECT_EQ(store.get("c")->metadata, Json::object());

  std::vector<Record> replaced = {{"a", replacement, "alpha 2", {{"n", 7}}}};
  store.upsert(replaced);
  EXPECT_EQ(store.count(), 3u);
  a = store.get("a");
  EXPECT_EQ(a->vector, replaced[0].vector);
  EXPECT_EQ(a->text, "alpha 2");
  EXPECT_EQ(a->metadata, Json({{"n", 7}}));

  std::vector<std::string> gone = {"a", "missing", "b"};
  EXPECT_EQ(store.remove(gone), 2u);
  EXPECT_EQ(store.count(), 1u);
  EXPECT_FALSE(store.get("a").has_value());
}

// The score convention of each metric on three 2-d points (cosine: cos; dot: the product; l2: minus the
// distance), within tolerance (the square root of 20 within ten times that). Returns the cosine store.
inline std::unique_ptr<VectorStore> expect_scores_follow_each_metric(const OpenCollection& open,
                                                                     double tolerance) {
  std::vector<Record> records = {
      {"near", {1, 0}, "", {}}, {"far", {-1, 0}, "", {}}, {"long", {3, 4}, "", {}}};
  const std::vector<float> q = {1, 0};

  auto cosine = open("score_cos", Metric::cosine, "");
  EXPECT_EQ(cosine->metric(), Metric::cosine);
  cosine->upsert(records);
  auto hits = cosine->search(q, 3);
  EXPECT_EQ(hits.size(), 3u);
  if (hits.size() != 3u) return cosine;
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 1.0, tolerance);
  EXPECT_EQ(hits[1].id, "long");
  EXPECT_NEAR(hits[1].score, 0.6, tolerance);
  EXPECT_NEAR(hits[2].score, -1.0, tolerance);

  auto dot = open("score_dot", Metric::dot, "");
  EXPECT_EQ(dot->metric(), Metric::dot);
  dot->upsert(records);
  hits = dot->search(q, 3);
  EXPECT_EQ(hits.size(), 3u);
  if (hits.size() != 3u) return cosine;
  EXPECT_EQ(hits[0].id, "long");
  EXPECT_NEAR(hits[0].score, 3.0, tolerance);
  EXPECT_NEAR(hits[1].score, 1.0, tolerance);
  EXPECT_NEAR(hits[2].score, -1.0, tolerance);

  auto l2 = open("score_l2", Metric::l2, "");
  EXPECT_EQ(l2->metric(), Metric::l2);
  l2->upsert(records);
  hits = l2->search(q, 3);
  EXPECT_EQ(hits.size(), 3u);
  if (hits.size() != 3u) return cosine;
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 0.0, tolerance);
  EXPECT_NEAR(hits[1].score, -2.0, tolerance);
  EXPECT_NEAR(hits[2].score, -std::sqrt(20.0), 10 * tolerance);
  return cosine;
}

// The filter check every server store runs: the records below plus the backend's own (`own_records`, ids r4,
// r6 and r7: what its server can store), and the specs below plus the backend's own (`own_specs`: what its
// server can express). For each spec, count and search give exactly the records Filter::matches selects in
// memory; then removing lang == "en" (r1 and r5) leaves the rest.
inline void expect_filters_agree_with_memory(VectorStore& store, const std::vector<Record>& own_records,
                                             const std::vector<Json>& own_specs) {
  std::vector<Record> records = {
      {"r1", {1, 0}, "", {{"page", 2}, {"lang", "en"}, {"draft", true}}},
      {"r2", {0.9f, 0.1f}, "", {{"page", 2.0}, {"lang", "fr"}}},
      {"r3", {0.8f, 0.2f}, "", {{"page", "2"}, {"lang", "de"}, {"draft", false}}},
      {"r5", {0.6f, 0.4f}, "", {{"page", 10.5}, {"lang", "en"}, {"it's", "quote\"d"}}},
  };
  records.insert(records.end(), own_records.begin(), own_records.end());
  store.upsert(records);
  std::vector<Json> specs = {
      Json::object(),
      {{"page", 2}},
      {{"page", 2.0}},
      {{"page", "2"}},
      {{"page", {{"$ne", 2}}}},
      {{"lang", {{"$ne", "en"}}}},
      {{"lang", {{"$in", {"en", "de"}}}}},
      {{"lang", {{"$nin", Json::array()}}}},
      {{"lang", {{"$in", Json::array()}}}},
      {{"page", {{"$gte", 2}, {"$lt", 10}}}},
      {{"page", {{"$gt", 2.5}}}},
      {{"lang", "en"}, {"page", {{"$lt", 3}}}},
      {{"it's", "quote\"d"}},
  };
  specs.insert(specs.end(), own_specs.begin(), own_specs.end());
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec.dump());
    const Filter filter = Filter::from_json(spec);
    std::set<std::string> expected;
    for (const auto& r : records)
      if (filter.matches(r.metadata)) expected.insert(r.id);
    EXPECT_EQ(store.count(filter), expected.size());
    EXPECT_EQ(ids_of(store.search(std::vector<float>{1, 0}, 10, filter)), expected);
  }
  EXPECT_EQ(store.remove_where(Filter::from_json({{"lang", "en"}})), 2u);
  EXPECT_EQ(store.count(), records.size() - 2);
}

// Mixed dimensions in one call, then a dimension other than the collection's, in upserts and in a query. The
// store is left with one 2-d record, "a".
inline void expect_dimension_mismatches_rejected(VectorStore& store) {
  std::vector<Record> mixed = {{"a", {1, 0}, "", {}}, {"b", {1, 0, 0}, "", {}}};
  EXPECT_THROW(store.upsert(mixed), InvalidArgumentError);
  EXPECT_EQ(store.dimensions(), 0u);  // nothing of the rejected call was kept
  std::vector<Record> two = {{"a", {1, 0}, "", {}}};
  store.upsert(two);
  std::vector<Record> three = {{"c", {1, 0, 0}, "", {}}};
  EXPECT_THROW(store.upsert(three), InvalidArgumentError);
  EXPECT_THROW(store.search(std::vector<float>{1, 0, 0}, 1), InvalidArgumentError);
}

// A reopened collection keeps its metric, dimension, records and embedding model, whatever the new options
// say.
inline void expect_reopen_keeps_the_settings(const OpenCollection& open) {
  {
    auto store = open("reopen", Metric::l2, "minilm");
    std::vector<Record> records = {{"a", {1, 2, 3}, "x", {}}};
    store->upsert(records);
  }
  auto again = open("reopen", Metric::cosine, "");
  EXPECT_EQ(again->metric(), Metric::l2);
  EXPECT_EQ(again->dimensions(), 3u);
  EXPECT_EQ(again->count(), 1u);
  EXPECT_NO_THROW(open("reopen", Metric::cosine, "minilm"));
  EXPECT_THROW(open("reopen", Metric::cosine, "other-model"), InvalidArgumentError);
}

// Beyond a server's page size: a k of 250 of 300, and a selective filter that still yields k matches, in
// order.
inline void expect_large_k_returns_every_match(VectorStore& store) {
  std::vector<Record> records;
  for (int i = 0; i < 300; ++i)
    records.push_back(
        {"p" + std::to_string(i), {std::cos(i * 0.01f), std::sin(i * 0.01f), 1}, "", {{"i", i}}});
  store.upsert(records);
  EXPECT_EQ(store.search(std::vector<float>{1, 0, 1}, 250).size(), 250u);
  auto hits = store.search(std::vector<float>{1, 0, 1}, 50, Filter::from_json({{"i", {{"$gte", 200}}}}));
  EXPECT_EQ(hits.size(), 50u);
  for (size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score);
}

// Four threads upserting and searching on one store, rounds times each: every record arrives.
inline void expect_concurrent_calls_on_one_store(VectorStore& store, int rounds) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        std::vector<Record> one = {
            {std::to_string(t) + "-" + std::to_string(i), {float(t), float(i), 1}, "", {}}};
        store.upsert(one);
        store.search(std::vector<float>{1, 1, 1}, 3);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store.count(), static_cast<size_t>(4 * rounds));
}

}  // namespace alith::store::testing
