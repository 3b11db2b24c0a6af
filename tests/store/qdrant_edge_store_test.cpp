// The Qdrant store against Qdrant's own engine: tests/store/qdrant_edge_server.py serves the REST calls the
// store makes over PyPI qdrant-edge-py (Qdrant Edge, Qdrant's storage, filtering and scoring as a library).
// No registry reachable here ships a Qdrant server; the HTTP layer is the script's, the engine is Qdrant's.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>

#include "alith/core/error.h"
#include "alith/store/vector_store.h"
#include "server_store_checks.h"
#include "store_conformance.h"
#include "support/child_process.h"
#include "support/temp_dir.h"

namespace alith::store {
namespace {

namespace fs = std::filesystem;
using alith::testing::ChildProcess;
using alith::testing::TempDir;
using namespace alith::store::testing;

// The venv scripts/store-peers links as ~/.cache/alith/peers/qdrant-edge; empty when absent.
std::string edge_python() {
  if (const char* v = std::getenv("ALITH_QDRANT_EDGE_PYTHON"); v && *v) return fs::exists(v) ? v : "";
  const auto python = fs::path(alith::testing::peers_dir()) / "qdrant-edge" / "bin" / "python";
  return fs::exists(python) ? python.string() : "";
}

// The script on a free loopback port with a temporary data folder; stopped and removed on destruction.
class EdgeServer {
 public:
  EdgeServer() : port_(alith::testing::free_loopback_port()) {
    child_ = ChildProcess(alith::testing::ChildOptions(
        {edge_python(), ALITH_QDRANT_EDGE_SERVER, dir_.file("data"), std::to_string(port_)},
        dir_.file("server.log")));
    // The script answers 404 for a collection that does not exist: it is up.
    const std::string probe = url() + "/collections/probe";
    alith::testing::wait_until_ready(
        child_, "qdrant_edge_server.py", std::chrono::seconds(60),
        [&] { return alith::testing::http_status(probe) == 404; }, std::chrono::milliseconds(100));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  TempDir dir_{"alith-qdrant-"};  // declared before child_, so removed after it stops
  int port_;
  ChildProcess child_;
};

struct EdgePeer {
  using Server = EdgeServer;
  static bool installed() { return !edge_python().empty(); }
  static std::string ref(const Server& server) { return "qdrant:" + server.url(); }
  static constexpr const char* missing = "qdrant-edge-py is not installed: run scripts/store-peers";
};
using QdrantEdgeTest = ServerStoreTest<EdgePeer>;

TEST_F(QdrantEdgeTest, ScoresFollowTheConventionForEachMetric) {
  const auto cosine = expect_scores_follow_each_metric(opener(), 1e-5);
  // Qdrant stores Cosine vectors normalised; get() returns the vector as given (kept in the payload).
  EXPECT_EQ(cosine->get("long")->vector, (std::vector<float>{3, 4}));
}

// Every filter Qdrant can express gives what Filter::matches gives in memory (arrays aside: Qdrant matches
// their elements). No boolean conditions: qdrant-edge-py turns True into 1 (see qdrant_edge_server.py).
TEST_F(QdrantEdgeTest, FiltersAgreeWithTheInMemoryEvaluation) {
  auto store = open("filters");
  const std::vector<Record> records = {
      {"r4", {0.7f, 0.3f}, "", {{"page", 5}}},
      {"r6", {0.5f, 0.5f}, "", {{"a.b c", 1}}},
      {"r7", {0.4f, 0.6f}, "", {{"page", nullptr}, {"lang", "EN"}}},
  };
  const std::vector<Json> specs = {
      {{"page", {{"$in", {2, "2", 10.5}}}}},
      {{"page", {{"$nin", {2, 5, "2"}}}}},
      {{"a.b c", 1}},
  };
  expect_filters_agree_with_memory(*store, records, specs);
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
INSTANTIATE_TEST_SUITE_P(QdrantEdge, StoreConformance,
                         ::testing::ValuesIn(QdrantEdgeTest::conformance("qdrant_edge",
                                                                         /*keyword_search=*/false)),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::store
