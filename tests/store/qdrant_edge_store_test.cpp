// The Qdrant store against Qdrant's own engine: tests/store/qdrant_edge_server.py serves the REST calls the
// store makes over PyPI qdrant-edge-py (Qdrant Edge, Qdrant's storage, filtering and scoring as a library).
// No registry reachable here ships a Qdrant server; the HTTP layer is the script's, the engine is Qdrant's.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "alith/core/error.h"
#include "alith/core/http.h"
#include "alith/store/vector_store.h"
#include "store_conformance.h"

namespace alith::store {
namespace {

namespace fs = std::filesystem;

// The venv scripts/store-peers links as ~/.cache/alith/peers/qdrant-edge; empty when absent.
std::string edge_python() {
  if (const char* v = std::getenv("ALITH_QDRANT_EDGE_PYTHON"); v && *v) return fs::exists(v) ? v : "";
  fs::path cache;
  if (const char* c = std::getenv("ALITH_CACHE_DIR"); c && *c)
    cache = c;
  else if (const char* h = std::getenv("HOME"); h && *h)
    cache = fs::path(h) / ".cache" / "alith";
  const auto python = cache / "peers" / "qdrant-edge" / "bin" / "python";
  return fs::exists(python) ? python.string() : "";
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

// The script on a free loopback port with a temporary data folder; stopped and removed on destruction.
class EdgeServer {
 public:
  EdgeServer() {
    std::string pattern = (fs::temp_directory_path() / "alith-qdrant-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    dir_ = pattern;
    port_ = free_port();
    const std::string log = dir_ + "/server.log";
    std::vector<std::string> args = {edge_python(), ALITH_QDRANT_EDGE_SERVER, dir_ + "/data",
                                     std::to_string(port_)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    http::Client client;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      try {
        http::Request probe;
        probe.url = url() + "/collections/probe";
        if (client.send(probe).status == 404) return;
      } catch (const std::exception&) {
        // not listening yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    stop();
    throw std::runtime_error("qdrant_edge_server.py did not come up:\n" + text.str());
  }
  ~EdgeServer() { stop(); }
  EdgeServer(const EdgeServer&) = delete;
  EdgeServer& operator=(const EdgeServer&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  void stop() noexcept {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// One server for the whole binary, started on first use and stopped at exit.
EdgeServer* shared_server() {
  static const std::unique_ptr<EdgeServer> server = std::make_unique<EdgeServer>();
  return server.get();
}

class QdrantEdgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (edge_python().empty()) GTEST_SKIP() << "qdrant-edge-py is not installed: run scripts/store-peers";
  }
  std::unique_ptr<VectorStore> open(const std::string& collection, Metric metric = Metric::cosine) {
    StoreOptions options;
    options.collection = collection;
    options.metric = metric;
    return open_store("qdrant:" + shared_server()->url(), options);
  }
};

std::set<std::string> ids_of(const std::vector<Hit>& hits) {
  std::set<std::string> out;
  for (const auto& h : hits) out.insert(h.id);
  return out;
}

TEST_F(QdrantEdgeTest, ScoresFollowTheConventionForEachMetric) {
  std::vector<Record> records = {
      {"near", {1, 0}, "", {}}, {"far", {-1, 0}, "", {}}, {"long", {3, 4}, "", {}}};
  const std::vector<float> q = {1, 0};
  auto cosine = open("score_cos", Metric::cosine);
  cosine->upsert(records);
  auto hits = cosine->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 1.0, 1e-5);
  EXPECT_NEAR(hits[1].score, 0.6, 1e-5);
  EXPECT_NEAR(hits[2].score, -1.0, 1e-5);
  // Qdrant stores Cosine vectors normalised; get() returns the vector as given (kept in the payload).
  EXPECT_EQ(cosine->get("long")->vector, (std::vector<float>{3, 4}));

  auto dot = open("score_dot", Metric::dot);
  dot->upsert(records);
  hits = dot->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "long");
  EXPECT_NEAR(hits[0].score, 3.0, 1e-5);
  EXPECT_NEAR(hits[2].score, -1.0, 1e-5);

  auto l2 = open("score_l2", Metric::l2);
  l2->upsert(records);
  hits = l2->search(q, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].id, "near");
  EXPECT_NEAR(hits[0].score, 0.0, 1e-5);
  EXPECT_NEAR(hits[1].score, -2.0, 1e-5);
  EXPECT_NEAR(hits[2].score, -std::sqrt(20.0), 1e-4);
}

// Every filter Qdrant can express gives what Filter::matches gives in memory (arrays aside: Qdrant matches
// their elements). No boolean conditions: qdrant-edge-py turns True into 1 (see qdrant_edge_server.py).
TEST_F(QdrantEdgeTest, FiltersAgreeWithTheInMemoryEvaluation) {
  auto store = open("filters");
  std::vector<Record> records = {
      {"r1", {1, 0}, "", {{"page", 2}, {"lang", "en"}, {"draft", true}}},
      {"r2", {0.9f, 0.1f}, "", {{"page", 2.0}, {"lang", "fr"}}},
      {"r3", {0.8f, 0.2f}, "", {{"page", "2"}, {"lang", "de"}, {"draft", false}}},
      {"r4", {0.7f, 0.3f}, "", {{"page", 5}}},
      {"r5", {0.6f, 0.4f}, "", {{"page", 10.5}, {"lang", "en"}, {"it's", "quote\"d"}}},
      {"r6", {0.5f, 0.5f}, "", {{"a.b c", 1}}},
      {"r7", {0.4f, 0.6f}, "", {{"page", nullptr}, {"lang", "EN"}}},
  };
  store->upsert(records);
  const std::vector<Json> specs = {
      Json::object(),
      {{"page", 2}},
      {{"page", 2.0}},
      {{"page", "2"}},
      {{"page", {{"$ne", 2}}}},
      {{"lang", {{"$ne", "en"}}}},
      {{"lang", {{"$in", {"en", "de"}}}}},
      {{"page", {{"$in", {2, "2", 10.5}}}}},
      {{"page", {{"$nin", {2, 5, "2"}}}}},
      {{"lang", {{"$nin", Json::array()}}}},
      {{"lang", {{"$in", Json::array()}}}},
      {{"page", {{"$gte", 2}, {"$lt", 10}}}},
      {{"page", {{"$gt", 2.5}}}},
      {{"lang", "en"}, {"page", {{"$lt", 3}}}},
      {{"it's", "quote\"d"}},
      {{"a.b c", 1}},
  };
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec.dump());
    const Filter filter = Filter::from_json(spec);
    std::set<std::string> expected;
    for (const auto& r : records)
      if (filter.matches(r.metadata)) expected.insert(r.id);
    EXPECT_EQ(store->count(filter), expected.size());
    EXPECT_EQ(ids_of(store->search(std::vector<float>{1, 0}, 10, filter)), expected);
  }
  EXPECT_EQ(store->remove_where(Filter::from_json({{"lang", "en"}})), 2u);
  EXPECT_EQ(store->count(), records.size() - 2);
}

using alith::store::testing::StoreConformance;
using alith::store::testing::StoreFactory;

std::vector<StoreFactory> conformance_factories() {
  if (edge_python().empty()) return {};  // not installed: the tests above say so when they skip
  return {StoreFactory{
      "qdrant_edge",
      [](const StoreOptions& options) { return open_store("qdrant:" + shared_server()->url(), options); },
      /*keyword_search=*/false, /*persistent=*/true}};
}
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(StoreConformance);
INSTANTIATE_TEST_SUITE_P(QdrantEdge, StoreConformance, ::testing::ValuesIn(conformance_factories()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace alith::store
