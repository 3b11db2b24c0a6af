// The engine against the real Gemma 3 270M model: determinism, prefix reuse, session save/restore, batching.

#include "alith/inference/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "alith/core/error.h"
#include "alith/core/json.h"
#include "model_fixture.h"

namespace alith::inference {
namespace {

using testing::gemma;
using testing::greedy;

std::shared_ptr<Engine> engine(int sequences = 2) {
  EngineOptions o;
  o.sequences = sequences;
  o.context_per_sequence = 1024;
  return Engine::create(gemma(), o);
}

// A plain completion the model is sure of: greedy picks with wide margins, so no last-bit difference between
// batch shapes can flip a token.
GenerateRequest completion(const Engine& e, const std::string& text, int max_tokens = 16) {
  GenerateRequest r;
  r.prompt = e.tokenize(text);
  r.sampling = greedy();
  r.max_tokens = max_tokens;
  return r;
}

GenerateRequest request(const Engine& e, const std::string& text, int max_tokens = 24) {
  GenerateRequest r;
  r.prompt = e.tokenize("<start_of_turn>user\n" + text + "<end_of_turn>\n<start_of_turn>model\n");
  r.sampling = greedy();
  r.max_tokens = max_tokens;
  return r;
}

TEST(Engine, ModelMetadata) {
  const auto& m = gemma()->metadata();
  EXPECT_EQ(m.architecture, "gemma3");
  EXPECT_GT(m.parameters, 200'000'000u);
  EXPECT_LT(m.parameters, 400'000'000u);
  EXPECT_GE(m.context_length, 8192);
  EXPECT_NE(m.quantization.find("Q4_K"), std::string::npos) << m.quantization;
  EXPECT_GT(m.size_bytes, 100'000'000u);
  EXPECT_TRUE(m.has_decoder);
  EXPECT_EQ(m.gguf.at("general.architecture"), "gemma3");
}

TEST(Engine, GreedyIsDeterministic) {
  // The same request through the same path (a fresh slot) gives the same tokens every time. (A request whose
  // prefix is already cached evaluates fewer tokens per batch, which changes float summation order in
  // llama.cpp's kernels; on near-tie logits that may pick another token, so like is compared with like.)
  std::vector<Token> first;
  for (int i = 0; i < 3; ++i) {
    auto e = engine(i + 1);
    const auto result = e->generate(request(*e, "Name three colors."));
    ASSERT_FALSE(result.tokens.empty());
    if (i == 0) first = result.tokens;
    EXPECT_EQ(result.tokens, first) << "run " << i;
  }
}

TEST(Engine, FixedSeedRepeatsAndTemperatureChangesTheDistribution) {
  auto sampled = [&](float temperature, uint32_t seed) {
    auto e = engine(1);
    auto r = request(*e, "Write one word.", 12);
    r.sampling = SamplingParams{};
    r.sampling.temperature = temperature;
    r.sampling.top_k = 0;
    r.sampling.top_p = 1;
    r.sampling.min_p = 0;
    r.sampling.seed = seed;
    return e->generate(r).tokens;
  };
  EXPECT_EQ(sampled(1.0f, 42), sampled(1.0f, 42));
  // At a very low temperature every seed gives the greedy answer; at a high one, the seeds disagree.
  std::set<std::vector<Token>> cold, hot;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    cold.insert(sampled(0.01f, seed));
    hot.insert(sampled(3.0f, seed));
  }
  EXPECT_EQ(cold.size(), 1u);
  EXPECT_GE(hot.size(), 4u);
}

TEST(Engine, NextTurnEvaluatesOnlyNewTokens) {
  auto e = engine(1);
  auto r1 = request(*e, "Say hello.", 16);
  const auto first = e->generate(r1);
  EXPECT_EQ(first.stats.reused_tokens, 0);
  EXPECT_EQ(first.stats.evaluated_tokens, static_cast<int>(r1.prompt.size()));

  // The next turn: the whole first exchange, then a new user message.
  GenerateRequest r2 = r1;
  r2.prompt.insert(r2.prompt.end(), first.tokens.begin(), first.tokens.end());
  const auto tail = e->tokenize(
      "<end_of_turn>\n<start_of_turn>user\nAnd goodbye?<end_of_turn>\n<start_of_turn>model\n", false);
  r2.prompt.insert(r2.prompt.end(), tail.begin(), tail.end());
  const auto second = e->generate(r2);
  // Everything that was evaluated before is reused: the first prompt and the reply's tokens except the last
  // one sampled (never evaluated).
  const int expected_reused = static_cast<int>(r1.prompt.size() + first.tokens.size()) - 1;
  EXPECT_EQ(second.stats.reused_tokens, expected_reused);
  EXPECT_EQ(second.stats.evaluated_tokens, static_cast<int>(r2.prompt.size()) - expected_reused);

  // The same request again reuses all but the last prompt token (its logits start generation).
  const auto third = e->generate(r2);
  EXPECT_EQ(third.stats.evaluated_tokens, 1);
  EXPECT_EQ(third.text, second.text);

  // A diverging prompt trims the cache back to the shared prefix.
  auto r4 = request(*e, "Say something else entirely.", 8);
  const auto fourth = e->generate(r4);
  size_t shared = 0;
  while (shared < r4.prompt.size() && r4.prompt[shared] == r2.prompt[shared]) ++shared;
  EXPECT_EQ(fourth.stats.reused_tokens, static_cast<int>(shared));
}

TEST(Engine, SessionSaveRestoreContinuesIdentically) {
  auto e = engine(2);
  const auto dir = std::filesystem::temp_directory_path() / ("alith-session-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "turn1.state";

  auto session = e->open_session();
  auto r1 = request(*e, "Count from one to five.", 20);
  const auto first = session->generate(r1);
  session->save(file);
  const auto cached = session->cached_tokens();

  GenerateRequest r2 = r1;
  r2.prompt = cached;
  const auto tail = e->tokenize(
      "<end_of_turn>\n<start_of_turn>user\nNow backwards.<end_of_turn>\n<start_of_turn>model\n", false);
  r2.prompt.insert(r2.prompt.end(), tail.begin(), tail.end());
  const auto continued = session->generate(r2);

  // A new engine (as after a restart, same configuration) restores the state and continues the same way,
  // evaluating only the tail.
  auto e2 = engine(2);
  auto restored = e2->open_session();
  restored->restore(file);
  EXPECT_EQ(restored->cached_tokens(), cached);
  const auto again = restored->generate(r2);
  EXPECT_EQ(again.text, continued.text);
  EXPECT_EQ(again.stats.evaluated_tokens, static_cast<int>(tail.size()));

  EXPECT_THROW(restored->restore(dir / "missing.state"), IoError);
  std::filesystem::resize_file(file, 100);
  EXPECT_THROW(restored->restore(file), ParseError);
  std::filesystem::remove_all(dir);
}

TEST(Engine, BatchedSequencesMatchEachAlone) {
  const std::vector<std::string> prompts = {"1, 2, 3, 4, 5,", "Monday, Tuesday, Wednesday,",
                                            "January, February, March,", "The capital of France is"};
  std::vector<std::string> alone;
  for (const auto& p : prompts) {
    auto e = engine(1);
    alone.push_back(e->generate(completion(*e, p)).text);
  }
  auto e = engine(4);
  std::vector<std::future<GenerateResult>> futures;
  std::vector<GenerateRequest> requests;
  for (const auto& p : prompts) requests.push_back(completion(*e, p));
  for (auto& r : requests) futures.push_back(std::async(std::launch::async, [&] { return e->generate(r); }));
  for (size_t i = 0; i < prompts.size(); ++i) EXPECT_EQ(futures[i].get().text, alone[i]) << prompts[i];
  EXPECT_GE(e->counters().max_step_sequences, 2u) << "the requests were never decoded in one batch";
}

TEST(Engine, StopStringsAndMaxTokens) {
  auto e = engine(1);
  auto r = completion(*e, "1, 2, 3, 4, 5,", 24);
  const auto full = e->generate(r);
  ASSERT_NE(full.text.find("8"), std::string::npos) << full.text;
  r.stop = {"8"};
  std::string streamed;
  r.on_text = [&](std::string_view piece) { streamed += piece; };
  const auto stopped = e->generate(r);
  EXPECT_EQ(stopped.reason, StopReason::stop_string);
  EXPECT_EQ(stopped.text, full.text.substr(0, full.text.find('8')));
  EXPECT_EQ(streamed, stopped.text);

  r.stop.clear();
  r.on_text = nullptr;
  r.max_tokens = 3;
  const auto short_reply = e->generate(r);
  EXPECT_EQ(short_reply.reason, StopReason::max_tokens);
  EXPECT_EQ(short_reply.tokens.size(), 3u);
}

TEST(Engine, CancelBetweenTokens) {
  auto e = engine(1);
  auto r = request(*e, "Write a long story about a dragon.", 400);
  r.cancel = CancelToken::create();
  int pieces = 0;
  r.on_text = [&](std::string_view) {
    if (++pieces == 3) r.cancel.cancel();
  };
  const auto result = e->generate(r);
  EXPECT_EQ(result.reason, StopReason::cancelled);
  EXPECT_LT(result.tokens.size(), 10u);
}

TEST(Engine, GrammarConstrainsOutput) {
  auto e = engine(1);
  auto r = request(*e, "Is water wet?", 8);
  r.constraint = Constraint::from_gbnf(R"(root ::= "yes" | "no")");
  const auto answer = e->generate(r);
  EXPECT_TRUE(answer.text == "yes" || answer.text == "no") << answer.text;

  r.constraint = Constraint::from_json_schema(
      R"({"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]})");
  r.max_tokens = 40;
  const auto json = e->generate(r);
  const auto parsed = Json::parse(json.text);
  EXPECT_TRUE(parsed.at("n").is_number_integer()) << json.text;

  r.constraint = Constraint::from_gbnf("root ::= (");
  EXPECT_THROW(e->generate(r), SchemaError);
  EXPECT_THROW(Constraint::from_json_schema("{not json"), SchemaError);
}

TEST(Engine, BadRequests) {
  auto e = engine(1);
  GenerateRequest empty;
  EXPECT_THROW(e->generate(empty), InvalidArgumentError);
  GenerateRequest huge;
  huge.prompt.assign(5000, 1);
  EXPECT_THROW(e->generate(huge), InvalidArgumentError);
}

TEST(Engine, Utf8PiecesAreWholeCharacters) {
  auto e = engine(1);
  auto r = request(*e, "Write three emoji and the word café in Japanese.", 40);
  std::vector<std::string> pieces;
  r.on_text = [&](std::string_view p) { pieces.emplace_back(p); };
  e->generate(r);
  for (const auto& p : pieces) {
    EXPECT_NO_THROW((void)Json(p).dump()) << "piece is not valid UTF-8";
  }
}

}  // namespace
}  // namespace alith::inference
