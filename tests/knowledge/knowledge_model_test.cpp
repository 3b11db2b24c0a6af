// Indexing and retrieval end to end on real parts: files of every format made here, the local
// all-MiniLM-L6-v2 (scripts/fetch-model minilm) and the embedded SQLite store.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>

#include "agent/scripted_model.h"
#include "alith/agent/tool.h"
#include "alith/inference/local_model.h"
#include "alith/knowledge/embedding_cache.h"
#include "alith/knowledge/indexer.h"
#include "alith/knowledge/retriever.h"
#include "alith/store/vector_store.h"
#include "support/temp_dir.h"

namespace alith::knowledge {
namespace {

namespace fs = std::filesystem;

// Counts the texts that reach the real model.
class Counted : public llm::EmbeddingModel {
 public:
  explicit Counted(std::shared_ptr<llm::EmbeddingModel> inner) : inner_(std::move(inner)) {}
  std::vector<std::vector<float>> embed(const std::vector<std::string>& inputs,
                                        const llm::CallOptions& options) override {
    texts += inputs.size();
    return inner_->embed(inputs, options);
  }
  std::string id() const override { return inner_->id(); }
  std::optional<size_t> count_tokens(std::string_view t) const override { return inner_->count_tokens(t); }
  std::optional<size_t> max_input_tokens() const override { return inner_->max_input_tokens(); }
  std::atomic<size_t> texts{0};

 private:
  std::shared_ptr<llm::EmbeddingModel> inner_;
};

RetrieveOptions top(size_t k) {
  RetrieveOptions o;
  o.k = k;
  return o;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class KnowledgeModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto path = inference::model_cache_dir() / "all-minilm-l6-v2-f16.gguf";
    if (fs::exists(path)) minilm_ = inference::LocalEmbeddingModel::open("minilm");
  }
  static void TearDownTestSuite() { minilm_.reset(); }

  void SetUp() override {
    if (!minilm_) GTEST_SKIP() << "local:minilm is not installed: scripts/setup, then scripts/convert-minilm";
    tmp_.emplace("alith-knowledge-");
    dir_ = tmp_->path();
    docs_ = dir_ / "docs";
    write(docs_ / "guide.md",
          "# Alith guide\n\nAlith builds agents.\n\n## Install\n\nThe steps depend on the system.\n\n"
          "### Linux\n\nOn Debian, install the packages with apt-get and run the setup script.\n\n"
          "## Payments\n\nAgents can pay each other in stablecoins on an EVM chain.\n");
    write(docs_ / "notes.txt",
          "The cafeteria serves lunch from noon to two.\n\nThe parking lot closes at nine.\n");
    write(docs_ / "animals.csv", "name,kind,legs\nrex,dog,4\ntweety,bird,2\nnemo,fish,0\n");
    write(docs_ / "page.html",
          "<html><head><title>Volcanoes</title><script>var x = 'hidden';</script></head><body><nav>menu</nav>"
          "<p>A volcano erupts when magma reaches the surface.</p></body></html>");
    write(docs_ / "broken.json", "{\"records\": [1, 2,");
    write(docs_ / "sub" / "codes.txt", "The door code of the archive room is ZX-4471.\n");
    counted_ = std::make_shared<Counted>(minilm_);
    store_ = store::open_store("sqlite:" + (dir_ / "kb.db").string(), {.embedding_model = minilm_->id()});
  }
  void TearDown() override {
    store_.reset();
    tmp_.reset();
  }

  IndexReport index(IndexOptions options = {}) {
    Indexer indexer(*store_, *counted_, std::move(options));
    return indexer.index({docs_});
  }

  static inline std::shared_ptr<inference::LocalEmbeddingModel> minilm_;
  std::optional<alith::testing::TempDir> tmp_;
  fs::path dir_, docs_;
  std::shared_ptr<Counted> counted_;
  std::shared_ptr<store::VectorStore> store_;
};

TEST_F(KnowledgeModelTest, IndexesEveryFormatAndReportsTheBadFile) {
  std::vector<IndexProgress> seen;
  IndexOptions options;
  options.on_progress = [&](const IndexProgress& p) { seen.push_back(p); };
  const auto report = index(options);
  EXPECT_EQ(report.files_indexed, 5u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_NE(report.failures[0].source.find("broken.json"), std::string::npos);
  EXPECT_EQ(report.failures[0].code, ErrorCode::parse);
  EXPECT_EQ(store_->count(), report.chunks_stored);
  EXPECT_EQ(counted_->texts.load(), report.chunks_stored);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().files_done, 6u);
  EXPECT_EQ(seen.back().files_total, 6u);
  EXPECT_EQ(seen.back().bytes_done, seen.back().bytes_total);
  // A CSV file is a document per row.
  EXPECT_EQ(store_->count(store::Filter().where("format", store::Condition::Op::eq, "csv")), 3u);
  const auto row = store_->get((docs_ / "animals.csv").lexically_normal().string() + "#2:0");
  ASSERT_TRUE(row.has_value());
  EXPECT_NE(row->text.find("tweety"), std::string::npos);
  EXPECT_EQ(row->metadata["line"], 3);
}

TEST_F(KnowledgeModelTest, RetrievesThePassageWithItsSource) {
  index();
  Retriever retriever(store_, minilm_, top(3));
  auto hits = retriever.retrieve("how do I install it on Debian Linux?");
  ASSERT_FALSE(hits.empty());
  EXPECT_NE(hits[0].source.find("guide.md"), std::string::npos);
  EXPECT_EQ(hits[0].headings, (std::vector<std::string>{"Alith guide", "Install", "Linux"}));
  EXPECT_EQ(hits[0].line_begin, 9u);
  EXPECT_NE(hits[0].label().find("guide.md:9-11"), std::string::npos) << hits[0].label();

  hits = retriever.retrieve("When does the volcano erupt?");
  ASSERT_FALSE(hits.empty());
  EXPECT_NE(hits[0].source.find("page.html"), std::string::npos);
  EXPECT_EQ(hits[0].text.find("hidden"), std::string::npos);

  // A threshold no passage reaches.
  auto strict = top(3);
  strict.min_score = 0.9f;
  EXPECT_TRUE(retriever.retrieve("quantum chromodynamics lattice", strict).empty());
  // Filters narrow the search to one source.
  auto text_only = top(5);
  text_only.filter.where("format", store::Condition::Op::eq, "text");
  const auto only_notes = retriever.retrieve("when is lunch", text_only);
  for (const auto& c : only_notes) EXPECT_EQ(fs::path(c.source).extension(), ".txt");
}

TEST_F(KnowledgeModelTest, HybridSearchFindsAnExactCode) {
  index();
  auto hybrid = top(2);
  hybrid.hybrid = true;
  Retriever retriever(store_, minilm_, hybrid);
  const auto hits = retriever.retrieve("ZX-4471");
  ASSERT_FALSE(hits.empty());
  EXPECT_NE(hits[0].source.find("codes.txt"), std::string::npos);
}

TEST_F(KnowledgeModelTest, ASecondRunEmbedsNothingAndAChangedFileIsReplaced) {
  index();
  const size_t before = store_->count();
  const auto notes = (docs_ / "notes.txt").lexically_normal().string();
  const size_t notes_chunks = store_->count(store::Filter().where("source", store::Condition::Op::eq, notes));
  ASSERT_GT(notes_chunks, 0u);
  counted_->texts = 0;
  const auto second = index();
  EXPECT_EQ(second.files_indexed, 0u);
  EXPECT_EQ(second.files_unchanged, 5u);
  EXPECT_EQ(counted_->texts.load(), 0u);
  EXPECT_EQ(store_->count(), before);

  write(docs_ / "notes.txt", "The cafeteria now serves breakfast from seven.\n");
  const auto third = index();
  EXPECT_EQ(third.files_indexed, 1u);
  EXPECT_EQ(third.chunks_removed, notes_chunks);
  EXPECT_EQ(store_->count(), before - notes_chunks + third.chunks_stored);
  Retriever retriever(store_, minilm_, top(1));
  const auto hits = retriever.retrieve("when is breakfast served?");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_NE(hits[0].text.find("breakfast"), std::string::npos);
}

TEST_F(KnowledgeModelTest, TheEmbeddingCacheSurvivesAFreshStore) {
  auto cached = std::make_shared<CachedEmbeddingModel>(counted_, dir_ / "emb.sqlite");
  {
    Indexer indexer(*store_, *cached);
    indexer.index({docs_});
  }
  const size_t embedded = counted_->texts.load();
  auto fresh = store::open_store("sqlite:" + (dir_ / "kb2.db").string(), {.embedding_model = minilm_->id()});
  Indexer again(*fresh, *cached);
  const auto report = again.index({docs_});
  EXPECT_EQ(report.chunks_stored, fresh->count());
  EXPECT_EQ(counted_->texts.load(), embedded);  // every vector came from the cache
  EXPECT_EQ(cached->hits(), report.chunks_stored);
}

TEST_F(KnowledgeModelTest, AnswerFromSourcesCitesThem) {
  index();
  auto retriever = std::make_shared<Retriever>(store_, minilm_, top(2));
  agent::testing::ScriptedModel chat;
  std::string prompt_seen;
  chat.push([&](const llm::ChatRequest& request, const llm::CallOptions&) {
    prompt_seen = request.messages.front().text();
    return agent::testing::text_reply("Use apt-get, then run the setup script [1].");
  });
  const auto answer = answer_from_sources(chat, *retriever, "How do I install on Linux?");
  EXPECT_NE(prompt_seen.find("[1] "), std::string::npos);
  EXPECT_NE(prompt_seen.find("apt-get"), std::string::npos);
  ASSERT_EQ(answer.sources.size(), 2u);
  ASSERT_EQ(answer.cited.size(), 1u);
  EXPECT_EQ(answer.cited[0].number, 1);
  EXPECT_NE(answer.cited[0].source.find("guide.md"), std::string::npos);

  // The agentic path: the same retriever behind a tool.
  auto tool = search_knowledge_tool(retriever);
  const auto outcome = agent::run_tool(*tool, {{"query", "volcano eruption"}, {"k", 1}}, {});
  ASSERT_FALSE(outcome.is_error) << outcome.content;
  EXPECT_NE(outcome.content.find("page.html"), std::string::npos);
  EXPECT_TRUE(agent::run_tool(*tool, {{"k", 1}}, {}).is_error);  // query is required
}

}  // namespace
}  // namespace alith::knowledge
