// The Qdrant store's HTTP conversation, against a scripted server that answers as Qdrant does (no Qdrant
// server is available from the registries this project installs from; see docs/ARCHITECTURE.md, "Server
// stores"). The requests are checked as Qdrant's REST API defines them, and Qdrant-shaped replies are parsed.

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "qdrant/qdrant_translate.h"
#include "support/scripted_server.h"

namespace alith::store {
namespace {

using alith::testing::RecordedRequest;
using alith::testing::ScriptedReply;
using alith::testing::ScriptedServer;

ScriptedReply ok(const Json& result) {
  return ScriptedReply::http(200, Json{{"result", result}, {"status", "ok"}, {"time", 0.001}}.dump());
}

ScriptedReply error(int status, const std::string& message) {
  return ScriptedReply::http(status, Json{{"status", {{"error", message}}}, {"time", 0.001}}.dump());
}

Json collection_info(size_t size, const std::string& distance, const Json& metadata = Json::object()) {
  return {{"status", "green"},
          {"points_count", 0},
          {"config",
           {{"params", {{"vectors", {{"size", size}, {"distance", distance}}}}}, {"metadata", metadata}}}};
}

// Routes requests by "METHOD path" to replies; unrouted requests fail the test.
class QdrantScript {
 public:
  explicit QdrantScript(ScriptedServer& server) {
    server.set_handler([this](const RecordedRequest& r) {
      std::lock_guard lock(mutex_);
      const auto it = routes_.find(r.method + " " + r.path);
      if (it == routes_.end()) {
        ADD_FAILURE() << "unexpected request " << r.method << " " << r.path;
        return error(500, "unscripted");
      }
      return it->second;
    });
  }
  void route(const std::string& key, ScriptedReply reply) {
    std::lock_guard lock(mutex_);
    routes_[key] = std::move(reply);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, ScriptedReply> routes_;
};

Json body_of(const ScriptedServer& server, const std::string& method, const std::string& path) {
  for (const auto& r : server.requests())
    if (r.method == method && r.path == path) return Json::parse(r.body);
  ADD_FAILURE() << "no request " << method << " " << path;
  return Json();
}

StoreOptions options(Metric metric = Metric::cosine, std::string model = "") {
  StoreOptions o;
  o.collection = "docs";
  o.metric = metric;
  o.embedding_model = std::move(model);
  return o;
}

TEST(QdrantStore, FirstUpsertCreatesTheCollectionAndWritesPointsWithUuidIds) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route("GET /collections/docs", error(404, "Not found: Collection `docs` doesn't exist!"));
  script.route("PUT /collections/docs", ok(true));
  script.route("PUT /collections/docs/points?wait=true", ok({{"operation_id", 1}, {"status", "completed"}}));
  auto store = open_store("qdrant:" + server.url(), options(Metric::dot, "minilm"));
  EXPECT_EQ(store->dimensions(), 0u);
  EXPECT_EQ(store->count(), 0u);  // no collection yet: nothing to ask
  std::vector<Record> records = {{"doc-1", {1, 2, 3}, "hello", {{"page", 1}}}, {"doc-2", {4, 5, 6}, "", {}}};
  store->upsert(records);
  EXPECT_EQ(store->dimensions(), 3u);

  EXPECT_EQ(body_of(server, "PUT", "/collections/docs"),
            Json::parse(
                R"({"vectors":{"size":3,"distance":"Dot"},"metadata":{"alith_embedding_model":"minilm"}})"));
  const Json points = body_of(server, "PUT", "/collections/docs/points?wait=true")["points"];
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0]["id"], "8ea68ba4-268a-5711-af60-27b451750177");
  EXPECT_EQ(points[0]["vector"], Json::parse("[1.0,2.0,3.0]"));
  EXPECT_EQ(points[0]["payload"], Json::parse(R"({"id":"doc-1","text":"hello","metadata":{"page":1}})"));
  EXPECT_EQ(points[1]["payload"]["metadata"], Json::object());

  std::vector<Record> wrong = {{"doc-3", {1, 2}, "", {}}};
  EXPECT_THROW(store->upsert(wrong), InvalidArgumentError);
}

TEST(QdrantStore, AnExistingCollectionKeepsItsSettings) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route("GET /collections/docs",
               ok(collection_info(4, "Euclid", {{"alith_embedding_model", "minilm"}})));
  auto store = open_store("qdrant:" + server.url() + "/", options(Metric::cosine, "minilm"));
  EXPECT_EQ(store->metric(), Metric::l2);
  EXPECT_EQ(store->dimensions(), 4u);
  EXPECT_EQ(store->ref(), "qdrant:" + server.url() + "/");
  EXPECT_THROW(open_store("qdrant:" + server.url(), options(Metric::cosine, "other")), InvalidArgumentError);
  EXPECT_THROW(store->search(std::vector<float>{1, 0}, 3), InvalidArgumentError);
}

TEST(QdrantStore, AModelIsRecordedOnACollectionWithoutOne) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route("GET /collections/docs", ok(collection_info(4, "Cosine")));
  script.route("PATCH /collections/docs", ok(true));
  open_store("qdrant:" + server.url(), options(Metric::cosine, "minilm"));
  EXPECT_EQ(body_of(server, "PATCH", "/collections/docs"),
            Json::parse(R"({"metadata":{"alith_embedding_model":"minilm"}})"));
}

TEST(QdrantStore, SearchSendsTheFilterAndNegatesEuclidDistances) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route("GET /collections/docs", ok(collection_info(2, "Euclid")));
  script.route(
      "POST /collections/docs/points/query",
      ok({{"points",
           {{{"id", qdrant::point_id("a")},
             {"version", 3},
             {"score", 0.5},
             {"payload", {{"id", "a"}, {"text", "alpha"}, {"metadata", {{"lang", "en"}}}}}},
            {{"id", qdrant::point_id("b")},
             {"version", 3},
             {"score", 2.0},
             {"payload", {{"id", "b"}, {"text", "beta"}, {"metadata", {{"lang", "en"}, {"n", 2}}}}}}}}}));
  auto store = open_store("qdrant:" + server.url(), options());
  auto hits = store->search(std::vector<float>{1, 0}, 5, Filter::from_json({{"lang", "en"}}));
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, "a");
  EXPECT_FLOAT_EQ(hits[0].score, -0.5f);
  EXPECT_EQ(hits[0].text, "alpha");
  EXPECT_EQ(hits[1].id, "b");
  EXPECT_FLOAT_EQ(hits[1].score, -2.0f);
  EXPECT_EQ(hits[1].metadata, Json({{"lang", "en"}, {"n", 2}}));
  EXPECT_EQ(body_of(server, "POST", "/collections/docs/points/query"),
            Json::parse(R"({"query":[1.0,0.0],"limit":5,"with_payload":["id","text","metadata"],
                            "filter":{"must":[{"key":"metadata.lang","match":{"value":"en"}}]}})"));
  // A filter that matches nothing never reaches the server.
  const size_t before = server.request_count();
  EXPECT_TRUE(store->search(std::vector<float>{1, 0}, 5, Filter::from_json({{"x", {{"$in", Json::array()}}}}))
                  .empty());
  EXPECT_EQ(server.request_count(), before);
}

TEST(QdrantStore, GetCountAndRemove) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route("GET /collections/docs", ok(collection_info(2, "Cosine")));
  script.route("POST /collections/docs/points",
               ok({{{"id", qdrant::point_id("a")},
                    {"vector", {0.6, 0.8}},
                    {"payload", {{"id", "a"}, {"text", "alpha"}, {"metadata", {{"k", {1, 2}}}}}}}}));
  script.route("POST /collections/docs/points/count", ok({{"count", 7}}));
  script.route("POST /collections/docs/points/delete?wait=true",
               ok({{"operation_id", 2}, {"status", "completed"}}));
  auto store = open_store("qdrant:" + server.url(), options());

  auto got = store->get("a");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->id, "a");
  EXPECT_EQ(got->vector, (std::vector<float>{0.6f, 0.8f}));
  EXPECT_EQ(got->metadata, Json({{"k", {1, 2}}}));
  EXPECT_EQ(body_of(server, "POST", "/collections/docs/points"),
            Json({{"ids", {qdrant::point_id("a")}}, {"with_payload", true}, {"with_vector", true}}));

  EXPECT_EQ(store->count(Filter::from_json({{"k", {{"$gt", 1}}}})), 7u);
  EXPECT_EQ(body_of(server, "POST", "/collections/docs/points/count"),
            Json::parse(R"({"exact":true,"filter":{"must":[{"key":"metadata.k","range":{"gt":1}}]}})"));

  // Of the two ids only "a" exists (the lookup answers one point), so one is deleted and counted.
  std::vector<std::string> ids = {"a", "zzz"};
  EXPECT_EQ(store->remove(ids), 1u);
  EXPECT_EQ(body_of(server, "POST", "/collections/docs/points/delete?wait=true"),
            Json({{"points", {qdrant::point_id("a")}}}));
  EXPECT_EQ(store->remove_where(Filter()), 0u);
  EXPECT_THROW(store->keyword_search("alpha", 3), UnsupportedError);
}

TEST(QdrantStore, ErrorsAreTyped) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route("GET /collections/docs", ok(collection_info(2, "Cosine")));
  script.route("PUT /collections/docs/points?wait=true",
               error(400, "Wrong input: Vector dimension error: expected dim: 2, got 3"));
  script.route("POST /collections/docs/points/count", error(500, "Service internal error"));
  auto store = open_store("qdrant:" + server.url(), options());
  try {
    std::vector<Record> records = {{"a", {1, 2}, "", {}}};
    store->upsert(records);
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("Vector dimension error"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store->count(), IoError);
  EXPECT_THROW(open_store("qdrant:http://127.0.0.1:1", options()), IoError);
  EXPECT_THROW(open_store("qdrant:localhost:6333", options()), InvalidArgumentError);
}

TEST(QdrantStore, NamedVectorCollectionsAreRefused) {
  ScriptedServer server;
  QdrantScript script(server);
  script.route(
      "GET /collections/docs",
      ok({{"config", {{"params", {{"vectors", {{"dense", {{"size", 4}, {"distance", "Dot"}}}}}}}}}}));
  EXPECT_THROW(open_store("qdrant:" + server.url(), options()), UnsupportedError);
}

}  // namespace
}  // namespace alith::store
