#include "alith/knowledge/embedding_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "support/temp_dir.h"

namespace alith::knowledge {
namespace {

// A deterministic model that records every text it is asked to embed.
class CountingModel : public llm::EmbeddingModel {
 public:
  explicit CountingModel(std::string id) : id_(std::move(id)) {}
  std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                        const llm::CallOptions&) override {
    std::lock_guard lock(mutex_);
    std::vector<std::vector<float>> out;
    for (const auto& text : inputs) {
      seen.push_back(text);
      out.push_back({static_cast<float>(text.size()), static_cast<float>(text.empty() ? 0 : text[0]), 0.5f});
    }
    ++calls;
    return out;
  }
  std::string id() const override { return id_; }
  std::vector<std::string> seen;
  int calls = 0;

 private:
  std::string id_;
  std::mutex mutex_;
};

class EmbeddingCacheTest : public ::testing::Test {
 protected:
  // A fresh folder per test (the fixture is made anew for each); the cache makes its own "sub" folder.
  std::filesystem::path file() const { return dir_.path() / "sub" / "cache.sqlite"; }
  alith::testing::TempDir dir_{"alith-embcache-"};
};

TEST_F(EmbeddingCacheTest, SecondPassCostsNothing) {
  auto model = std::make_shared<CountingModel>("test:model");
  {
    CachedEmbeddingModel cached(model, file(), 2);
    const auto first = cached.embed({"alpha", "beta", "gamma"});
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[1], (std::vector<float>{4, 'b', 0.5f}));
    EXPECT_EQ(model->calls, 2);  // batches of two
    EXPECT_EQ(cached.misses(), 3u);
  }
  // A new process would see the same file.
  CachedEmbeddingModel reopened(model, file());
  const auto again = reopened.embed({"gamma", "alpha", "delta"});
  EXPECT_EQ(again[0], (std::vector<float>{5, 'g', 0.5f}));
  EXPECT_EQ(again[2], (std::vector<float>{5, 'd', 0.5f}));
  EXPECT_EQ(reopened.hits(), 2u);
  EXPECT_EQ(reopened.misses(), 1u);
  EXPECT_EQ(model->seen.back(), "delta");
  EXPECT_EQ(model->seen.size(), 4u);
}

TEST_F(EmbeddingCacheTest, KeyedByModelId) {
  auto a = std::make_shared<CountingModel>("test:a");
  auto b = std::make_shared<CountingModel>("test:b");
  CachedEmbeddingModel(a, file()).embed({"same text"});
  CachedEmbeddingModel cached_b(b, file());
  cached_b.embed({"same text"});
  EXPECT_EQ(b->calls, 1);
  EXPECT_EQ(cached_b.id(), "test:b");
}

TEST_F(EmbeddingCacheTest, DuplicateTextsInOneCallAreEmbeddedOnce) {
  auto model = std::make_shared<CountingModel>("test:model");
  CachedEmbeddingModel cached(model, file());
  const auto out = cached.embed({"x", "y", "x", "x"});
  EXPECT_EQ(model->seen, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(out[3], out[0]);
  EXPECT_EQ(out[1][1], 'y');
}

TEST_F(EmbeddingCacheTest, ConcurrentCallsAgree) {
  auto model = std::make_shared<CountingModel>("test:model");
  CachedEmbeddingModel cached(model, file());
  std::vector<std::thread> threads;
  std::vector<std::vector<std::vector<float>>> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { results[t] = cached.embed({"shared", "text " + std::to_string(t)}); });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(results[t][0], results[0][0]);
}

}  // namespace
}  // namespace alith::knowledge
