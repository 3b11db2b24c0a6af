// The Embedder against the real all-MiniLM-L6-v2 GGUF (local:minilm, scripts/fetch-model minilm and
// `alith convert`): dimensions, normalization, batch independence, semantic ordering, pooling, truncation
// and errors, on both backends (llama.cpp and the oneDNN encoder), and the backends against each other.
// Skipped when the GGUF is not installed. The ctest entry inference.embedder_onednn_f32 runs the oneDNN cases
// again with oneDNN capped below bf16 (ONEDNN_MAX_CPU_ISA), so the fp32 path runs on every machine.

#include "alith/inference/embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/core/error.h"
#include "alith/inference/local_model.h"
#include "alith/inference/model.h"

namespace alith::inference {
namespace {

std::filesystem::path minilm_path() {
  return model_cache_dir() / find_in_catalog("minilm")->file;
}

std::shared_ptr<Model> minilm() {
  static ModelRegistry registry;  // test-binary scope: one load for every test
  static std::shared_ptr<Model> model = registry.load(minilm_path());
  return model;
}

EmbedderOptions with(EmbedderBackend backend) {
  EmbedderOptions o;
  o.backend = backend;
  return o;
}

bool onednn_built() {
  static const bool built = [] {
    try {
      Embedder::create(minilm(), with(EmbedderBackend::onednn));
      return true;
    } catch (const UnsupportedError&) {
      return false;
    }
  }();
  return built;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

double norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

// Deterministic prose of n words, varied enough that every word adds tokens.
std::string long_text(int words) {
  static const char* const kWords[] = {"river",   "mountain", "quantum", "bicycle", "harbor",  "lantern",
                                       "glacier", "whisper",  "copper",  "meadow",  "orchard", "thunder",
                                       "velvet",  "compass",  "falcon",  "prism"};
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (i) out += ' ';
    out += kWords[(i * 7 + i / 16) % 16];
  }
  return out;
}

bool minilm_installed() {
  return std::filesystem::exists(minilm_path());
}

// Every case runs on each backend.
class EmbedderTest : public ::testing::TestWithParam<EmbedderBackend> {
 protected:
  void SetUp() override {
    if (!minilm_installed()) {
      GTEST_SKIP() << "local:minilm not installed (" << minilm_path() << "); scripts/fetch-model minilm";
    }
    if (GetParam() == EmbedderBackend::onednn && !onednn_built())
      GTEST_SKIP() << "alith built without oneDNN";
  }
  EmbedderOptions options() const { return with(GetParam()); }
  Embedder& embedder() {
    static std::map<EmbedderBackend, std::unique_ptr<Embedder>> embedders;
    auto& e = embedders[GetParam()];
    if (!e) e = Embedder::create(minilm(), options());
    return *e;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, EmbedderTest,
                         ::testing::Values(EmbedderBackend::llama, EmbedderBackend::onednn),
                         [](const auto& info) {
                           return std::string(info.param == EmbedderBackend::llama ? "llama" : "onednn");
                         });

TEST_P(EmbedderTest, HasMiniLmDimensionsAndMeanPooling) {
  EXPECT_EQ(embedder().dimensions(), 384);
  EXPECT_EQ(embedder().pooling(), Pooling::mean);  // the GGUF's own pooling type
  const auto v = embedder().embed({"This is an example sentence."});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].size(), 384u);
}

TEST_P(EmbedderTest, VectorsAreUnitLength) {
  const auto v = embedder().embed({"Hello world.", "Why?", "A man is playing a guitar on the stage."});
  ASSERT_EQ(v.size(), 3u);
  for (const auto& x : v) EXPECT_NEAR(norm(x), 1.0, 1e-4);
}

TEST_P(EmbedderTest, NoNormalizeKeepsTheRawPooledVector) {
  EmbedderOptions o = options();
  o.normalize = false;
  auto raw = Embedder::create(minilm(), o);
  const auto r = raw->embed({"Hello world."});
  const auto n = embedder().embed({"Hello world."});
  EXPECT_GT(std::abs(norm(r[0]) - 1.0), 1e-2);
  EXPECT_GE(cosine(r[0], n[0]), 0.9999);
}

TEST_P(EmbedderTest, BatchingDoesNotChangeTheResult) {
  const std::string probe = "The quick brown fox jumps over the lazy dog.";
  const auto alone = embedder().embed({probe});
  std::vector<std::string> batch;
  for (int i = 0; i < 40; ++i) {
    switch (i % 4) {
      case 0:
        batch.push_back("Sentence number " + std::to_string(i) + " about the weather today.");
        break;
      case 1:
        batch.push_back(long_text(5 + i * 3));
        break;
      case 2:
        batch.push_back("Q" + std::to_string(i) + "?");
        break;
      default:
        batch.push_back("Stock markets moved " + std::to_string(i) + "% after the central bank's decision.");
    }
  }
  // In the first decode (32 sequences per decode by default) and in the second.
  batch[5] = probe;
  batch[37] = probe;
  const auto all = embedder().embed(batch);
  ASSERT_EQ(all.size(), 40u);
  EXPECT_GE(cosine(alone[0], all[5]), 0.9999);
  EXPECT_GE(cosine(alone[0], all[37]), 0.9999);
  // Every other text also matches its own single embedding.
  for (size_t i : {0u, 1u, 2u, 3u, 33u, 39u}) {
    EXPECT_GE(cosine(embedder().embed({batch[i]})[0], all[i]), 0.9999) << batch[i];
  }
}

TEST_P(EmbedderTest, SimilarSentencesScoreHigherThanUnrelatedOnes) {
  const auto v =
      embedder().embed({"A man is playing a guitar.", "Someone plays an acoustic guitar on stage.",
                        "The central bank raised interest rates.", "How do I bake sourdough bread?"});
  const double similar = cosine(v[0], v[1]);
  EXPECT_GT(similar, 0.5);
  EXPECT_GT(similar, cosine(v[0], v[2]) + 0.2);
  EXPECT_GT(similar, cosine(v[0], v[3]) + 0.2);
  EXPECT_GT(cosine(v[2], v[2]), 0.9999);
}

TEST_P(EmbedderTest, ClsPoolingDiffersFromMean) {
  EmbedderOptions o = options();
  o.pooling = Pooling::cls;
  auto cls = Embedder::create(minilm(), o);
  EXPECT_EQ(cls->pooling(), Pooling::cls);
  const std::string text = "Each sentence is converted to a vector.";
  const auto c = cls->embed({text});
  const auto m = embedder().embed({text});
  ASSERT_EQ(c[0].size(), 384u);
  EXPECT_NEAR(norm(c[0]), 1.0, 1e-4);
  EXPECT_LT(cosine(c[0], m[0]), 0.99);
}

TEST_P(EmbedderTest, TextLongerThanTheContextIsTruncated) {
  ASSERT_LE(minilm()->metadata().context_length, 512);
  // ~1200 and ~1800 words: both far past 512 tokens, identical in their first 512 tokens.
  const auto v = embedder().embed({long_text(1200), long_text(1800), long_text(40)});
  ASSERT_EQ(v.size(), 3u);
  EXPECT_NEAR(norm(v[0]), 1.0, 1e-4);
  EXPECT_GE(cosine(v[0], v[1]), 0.9999);  // only the first 512 tokens count
  EXPECT_LT(cosine(v[0], v[2]), 0.9999);  // a short prefix is not the same text
}

TEST_P(EmbedderTest, EmptyTextIsInvalidArgument) {
  EXPECT_THROW(embedder().embed({""}), InvalidArgumentError);
  EXPECT_THROW(embedder().embed({"fine", ""}), InvalidArgumentError);
  EXPECT_TRUE(embedder().embed({}).empty());
}

TEST_P(EmbedderTest, CancelledTokenThrowsCancelledError) {
  auto cancel = CancelToken::create();
  cancel.cancel();
  EXPECT_THROW(embedder().embed({"Hello."}, cancel), CancelledError);
  // The embedder stays usable.
  EXPECT_EQ(embedder().embed({"Hello."}).size(), 1u);
}

TEST_P(EmbedderTest, LocalEmbeddingModelMatchesTheEmbedder) {
  auto model = LocalEmbeddingModel::open("minilm");
  EXPECT_EQ(model->id(), "local:minilm");
  EXPECT_EQ(model->dimensions(), 384);
  const std::string text = "Machine learning models run with llama.cpp.";
  EXPECT_GE(cosine(model->embed({text})[0], embedder().embed({text})[0]), 0.9999);
  llm::CallOptions options;
  options.cancel = CancelToken::create();
  options.cancel.cancel();
  EXPECT_THROW(model->embed({text}, options), CancelledError);
}

// The two backends compute the same model: bf16 matmuls with fp32 accumulation stay within 1e-3 of fp32.
class EmbedderBackends : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!minilm_installed()) GTEST_SKIP() << "local:minilm not installed";
    if (!onednn_built()) GTEST_SKIP() << "alith built without oneDNN";
  }
};

TEST_F(EmbedderBackends, OneDnnMatchesLlamaCpp) {
  auto llama = Embedder::create(minilm(), with(EmbedderBackend::llama));
  auto onednn = Embedder::create(minilm(), with(EmbedderBackend::onednn));
  std::vector<std::string> texts = {"Hi",
                                    "The quick brown fox jumps over the lazy dog.",
                                    "Ünïcödé text, emoji 🙂 and CJK 日本語 mixed in.",
                                    "def add(a, b):\n    return a + b  # code is text too",
                                    long_text(30),
                                    long_text(150),
                                    long_text(2000)};  // truncated to the context on both
  const auto a = llama->embed(texts);
  const auto b = onednn->embed(texts);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_GE(cosine(a[i], b[i]), 0.999) << texts[i];
}

TEST_F(EmbedderBackends, AutomaticPicksOneDnnForBert) {
  auto e = Embedder::create(minilm());
  EXPECT_EQ(e->backend_name().rfind("onednn-", 0), 0u) << e->backend_name();
  EXPECT_EQ(Embedder::create(minilm(), with(EmbedderBackend::llama))->backend_name(), "llama.cpp");
  // The f32 ctest entry caps oneDNN below bf16 and says so.
  if (const char* expect = std::getenv("ALITH_EXPECT_EMBEDDER_BACKEND")) {
    EXPECT_EQ(e->backend_name(), expect);
  }
}

// Calls on one embedder serialize; separate embedders run side by side (each caller thread gets its own
// OpenMP team). Either way every thread gets the vectors a lone call gives.
TEST_F(EmbedderBackends, ConcurrentCallsGiveTheSameVectors) {
  auto shared = Embedder::create(minilm(), with(EmbedderBackend::onednn));
  auto own = Embedder::create(minilm(), with(EmbedderBackend::onednn));
  const std::vector<std::string> texts = {"The river runs to the sea.", long_text(60), "Why?"};
  const auto expected = shared->embed(texts);
  std::vector<std::vector<std::vector<float>>> got(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      Embedder& e = i == 3 ? *own : *shared;
      for (int round = 0; round < 5; ++round) got[i] = e.embed(texts);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& vectors : got) {
    ASSERT_EQ(vectors.size(), texts.size());
    for (size_t j = 0; j < texts.size(); ++j) EXPECT_GE(cosine(vectors[j], expected[j]), 0.9999) << texts[j];
  }
}

TEST_F(EmbedderBackends, LastTokenPoolingStaysOnLlamaCpp) {
  EmbedderOptions o;
  o.pooling = Pooling::last;
  EXPECT_EQ(Embedder::create(minilm(), o)->backend_name(), "llama.cpp");
  o.backend = EmbedderBackend::onednn;
  EXPECT_THROW(Embedder::create(minilm(), o), UnsupportedError);
}

TEST_F(EmbedderBackends, OneDnnRefusesADecoderModel) {
  static ModelRegistry registry;
  const std::filesystem::path gemma = ALITH_DEFAULT_TEST_MODEL;
  if (!std::filesystem::exists(gemma)) GTEST_SKIP() << "Gemma GGUF not installed";
  auto model = registry.load(gemma);
  try {
    Embedder::create(model, with(EmbedderBackend::onednn));
    FAIL() << "expected UnsupportedError";
  } catch (const UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("not bert"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alith::inference
