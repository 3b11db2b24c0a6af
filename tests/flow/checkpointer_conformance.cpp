#include "checkpointer_conformance.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <future>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "alith/core/error.h"

namespace alith::flow::testing {

void CheckpointerConformance::SetUp() {
  ref_ = GetParam().fresh_ref();
  checkpointer_ = open_checkpointer(ref_);
}

std::shared_ptr<Checkpointer> CheckpointerConformance::reopen() const {
  return open_checkpointer(ref_);
}

namespace {

using namespace std::string_literals;

// A distinct, valid id per call (32 hex digits, as new_checkpoint_id makes), in increasing order.
std::string next_id() {
  static std::atomic<uint64_t> counter{1};
  char out[33];
  std::snprintf(out, sizeof out, "%032llx", static_cast<unsigned long long>(counter++));
  return out;
}

std::vector<std::string> ids_of(const std::vector<Checkpoint>& checkpoints) {
  std::vector<std::string> out;
  for (const auto& c : checkpoints) out.push_back(c.id);
  return out;
}

void expect_same(const Checkpoint& got, const Checkpoint& want) {
  EXPECT_EQ(got.thread_id, want.thread_id);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.parent_id, want.parent_id);
  EXPECT_EQ(got.step, want.step);
  EXPECT_EQ(got.state, want.state);
  ASSERT_EQ(got.next.size(), want.next.size());
  for (size_t i = 0; i < want.next.size(); ++i) {
    EXPECT_EQ(got.next[i].id, want.next[i].id) << i;
    EXPECT_EQ(got.next[i].node, want.next[i].node) << i;
    EXPECT_EQ(got.next[i].input, want.next[i].input) << i;
  }
  EXPECT_EQ(got.joins, want.joins);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.metadata, want.metadata);
  EXPECT_EQ(got.created_ms, want.created_ms);
  EXPECT_EQ(to_json(got), to_json(want));
}

void expect_writes(const std::vector<TaskWrite>& got, const std::vector<TaskWrite>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].task_id, want[i].task_id) << i;
    EXPECT_EQ(got[i].kind, want[i].kind) << i;
    EXPECT_EQ(got[i].value, want[i].value) << i;
  }
}

// Runs body(worker) on 8 threads at once and rethrows the first failure.
template <class F>
void on_eight_threads(F body) {
  constexpr int kWorkers = 8;
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::vector<std::future<void>> done;
  for (int w = 0; w < kWorkers; ++w)
    done.push_back(std::async(std::launch::async, [&, w] {
      start.wait();
      body(w);
    }));
  go.set_value();
  for (auto& d : done) d.get();
}

}  // namespace

Checkpoint make_checkpoint(const std::string& thread, std::string id, std::string parent, int64_t step) {
  Checkpoint c;
  c.thread_id = thread;
  c.id = id.empty() ? next_id() : std::move(id);
  c.parent_id = std::move(parent);
  c.step = step;
  c.state = {{"step", step}};
  c.source = step < 0 ? "input" : "loop";
  c.created_ms = 1700000000000 + step;
  return c;
}

TEST_P(CheckpointerConformance, PutThenGetTheLatestAndById) {
  auto& cp = *checkpointer_;
  const auto first = make_checkpoint("t", {}, {}, -1);
  const auto second = make_checkpoint("t", {}, first.id, 0);
  cp.put(first);
  cp.put(second);
  auto latest = cp.get("t");
  ASSERT_TRUE(latest.has_value());
  expect_same(*latest, second);
  auto by_id = cp.get("t", first.id);
  ASSERT_TRUE(by_id.has_value());
  expect_same(*by_id, first);
  EXPECT_FALSE(cp.get("t", next_id()).has_value());
}

TEST_P(CheckpointerConformance, AnUnknownThreadHasNothing) {
  auto& cp = *checkpointer_;
  EXPECT_FALSE(cp.get("nobody").has_value());
  EXPECT_FALSE(cp.get("nobody", next_id()).has_value());
  EXPECT_TRUE(cp.list("nobody").empty());
  EXPECT_TRUE(cp.list("nobody", 3).empty());
  EXPECT_TRUE(cp.writes("nobody", next_id()).empty());
  EXPECT_TRUE(cp.threads().empty());
  cp.delete_thread("nobody");  // nothing to do, no error
  EXPECT_TRUE(cp.threads().empty());
}

TEST_P(CheckpointerConformance, ListIsNewestFirstWithALimit) {
  auto& cp = *checkpointer_;
  std::vector<std::string> put_order;
  std::string parent;
  for (int i = 0; i < 6; ++i) {
    auto c = make_checkpoint("t", {}, parent, i);
    cp.put(c);
    put_order.push_back(c.id);
    parent = c.id;
  }
  std::vector<std::string> newest_first(put_order.rbegin(), put_order.rend());
  EXPECT_EQ(ids_of(cp.list("t")), newest_first);
  EXPECT_EQ(ids_of(cp.list("t", 0)), newest_first);
  EXPECT_EQ(ids_of(cp.list("t", 1)),
            std::vector<std::string>(newest_first.begin(), newest_first.begin() + 1));
  EXPECT_EQ(ids_of(cp.list("t", 4)),
            std::vector<std::string>(newest_first.begin(), newest_first.begin() + 4));
  EXPECT_EQ(ids_of(cp.list("t", 6)), newest_first);
  EXPECT_EQ(ids_of(cp.list("t", 100)), newest_first);
  const auto all = cp.list("t");
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].step, static_cast<int64_t>(all.size() - 1 - i));
}

// "Newest" is the order of puts, not of ids (a fork's ids may sort before its parent's, clocks go back).
TEST_P(CheckpointerConformance, NewestIsTheLastPutNotTheLargestId) {
  auto& cp = *checkpointer_;
  const std::vector<std::string> ids = {
      "ffffffffffffffffffffffffffffffff", "00000000000000000000000000000001",
      "88888888888888888888888888888888", "00000000000000000000000000000000"};
  for (size_t i = 0; i < ids.size(); ++i)
    cp.put(make_checkpoint("t", ids[i], i ? ids[i - 1] : "", static_cast<int64_t>(i)));
  EXPECT_EQ(cp.get("t")->id, ids.back());
  EXPECT_EQ(ids_of(cp.list("t")), std::vector<std::string>(ids.rbegin(), ids.rend()));
  EXPECT_EQ(ids_of(cp.list("t", 2)), (std::vector<std::string>{ids[3], ids[2]}));
}

TEST_P(CheckpointerConformance, ParentLinksWalkTheHistory) {
  auto& cp = *checkpointer_;
  // A run of four steps, then a fork from step 1 (as update_state or a time-travel run does).
  std::vector<Checkpoint> run;
  for (int i = 0; i < 4; ++i) run.push_back(make_checkpoint("t", {}, i ? run.back().id : "", i - 1));
  for (const auto& c : run) cp.put(c);
  auto fork = make_checkpoint("t", {}, run[1].id, 1);
  fork.source = "fork";
  cp.put(fork);
  EXPECT_EQ(cp.get("t")->id, fork.id);
  std::vector<std::string> walked;
  for (auto c = cp.get("t"); c; c = c->parent_id.empty() ? std::nullopt : cp.get("t", c->parent_id))
    walked.push_back(c->id);
  EXPECT_EQ(walked, (std::vector<std::string>{fork.id, run[1].id, run[0].id}));
  EXPECT_EQ(cp.get("t", run[0].id)->parent_id, "");
  EXPECT_EQ(cp.get("t", run[3].id)->parent_id, run[2].id);
  EXPECT_EQ(cp.list("t").size(), 5u);
}

TEST_P(CheckpointerConformance, ADuplicateIdIsAnInvalidArgumentAndReplacesNothing) {
  auto& cp = *checkpointer_;
  auto first = make_checkpoint("t", {}, {}, 0);
  first.state = {{"version", 1}};
  cp.put(first);
  auto later = make_checkpoint("t", {}, first.id, 1);
  cp.put(later);
  auto again = first;
  again.state = {{"version", 2}};
  EXPECT_THROW(cp.put(again), InvalidArgumentError);
  EXPECT_THROW(cp.put(first), InvalidArgumentError);  // the very same checkpoint, too
  EXPECT_EQ(cp.get("t", first.id)->state, (Json{{"version", 1}}));
  EXPECT_EQ(ids_of(cp.list("t")), (std::vector<std::string>{later.id, first.id}));
  EXPECT_EQ(cp.get("t")->id, later.id);  // the failed put did not become the newest
}

TEST_P(CheckpointerConformance, ThreadsDoNotMix) {
  auto& cp = *checkpointer_;
  const auto a1 = make_checkpoint("a", {}, {}, 0);
  const auto b1 = make_checkpoint("b", {}, {}, 0);
  const auto a2 = make_checkpoint("a", {}, a1.id, 1);
  cp.put(a1);
  cp.put(b1);
  cp.put(a2);
  EXPECT_EQ(ids_of(cp.list("a")), (std::vector<std::string>{a2.id, a1.id}));
  EXPECT_EQ(ids_of(cp.list("b")), (std::vector<std::string>{b1.id}));
  EXPECT_EQ(cp.get("b")->id, b1.id);
  EXPECT_FALSE(cp.get("b", a1.id).has_value());
  EXPECT_FALSE(cp.get("a", b1.id).has_value());
  // One id in two threads: two checkpoints (ids are unique per thread).
  auto shared_a = make_checkpoint("a", "0123456789abcdef0123456789abcdef", a2.id, 2);
  auto shared_b = make_checkpoint("b", "0123456789abcdef0123456789abcdef", b1.id, 1);
  shared_b.state = {{"who", "b"}};
  cp.put(shared_a);
  cp.put(shared_b);
  EXPECT_EQ(cp.get("a", shared_a.id)->state, shared_a.state);
  EXPECT_EQ(cp.get("b", shared_b.id)->state, shared_b.state);
  EXPECT_EQ(cp.list("a").size(), 3u);
  EXPECT_EQ(cp.list("b").size(), 2u);
}

// Thread and checkpoint ids are arbitrary strings: separators, braces, quotes, SQL and Lua syntax, unicode.
TEST_P(CheckpointerConformance, IdsWithSeparatorsAndQuotesStayApart) {
  auto& cp = *checkpointer_;
  const std::vector<std::string> threads = {
      "a",       "a:docs", "a:order",  "a:w:x", "1:a", "{a}", "a b", "a'; DROP TABLE alith_checkpoints; --",
      "a\"]]--", "a%_*?",  "日本語 🚀", "a\\b",  "A"};
  std::map<std::string, Checkpoint> by_thread;
  for (const auto& t : threads) {
    auto c = make_checkpoint(t, {}, {}, 0);
    c.state = {{"thread", t}};
    cp.put(c);
    by_thread[t] = c;
  }
  // Checkpoint ids that look like key suffixes, written to thread "a".
  for (std::string id : {"x", "x:docs", ":w:x", "x y", "x'", "é"}) {
    auto c = make_checkpoint("a", id, {}, 1);
    cp.put(c);
    EXPECT_EQ(cp.get("a", id)->id, id);
  }
  for (const auto& t : threads) {
    const auto list = cp.list(t);
    ASSERT_EQ(list.size(), t == "a" ? 7u : 1u) << t;
    expect_same(list.back(), by_thread[t]);
  }
  std::vector<std::string> sorted = threads;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(cp.threads(), sorted);
  cp.delete_thread("a");
  EXPECT_TRUE(cp.list("a").empty());
  for (const auto& t : threads)
    if (t != "a") {
      EXPECT_EQ(cp.list(t).size(), 1u) << t;
    }
}

TEST_P(CheckpointerConformance, EveryFieldRoundTrips) {
  auto& cp = *checkpointer_;
  Checkpoint c;
  c.thread_id = "thread-é-日本-🚀";
  c.id = next_id();
  c.parent_id = next_id();
  c.step = std::numeric_limits<int64_t>::max() / 3;
  c.state = {
      {"text", "quotes \" ' backslash \\ newline \n tab \t nul \0 end"s},
      {"emoji", "🚀 naïve 日本"},
      {"", "empty key"},
      {"clé", {{"nested", {{"deeper", {1, 2, {{"x", nullptr}}}}}}}},
      {"int_max", std::numeric_limits<int64_t>::max()},
      {"int_min", std::numeric_limits<int64_t>::min()},
      {"uint_max", std::numeric_limits<uint64_t>::max()},
      {"tenth", 0.1},
      {"huge", 1e300},
      {"tiny", -5e-324},
      {"bools", {true, false}},
      {"null", nullptr},
      {"empty_object", Json::object()},
      {"empty_array", Json::array()},
  };
  c.next = {
      Task{"cp/0/fan", "fan", std::nullopt},                             // reads the shared state
      Task{"cp/1/worker", "worker", Json{{"item", 1}, {"label", "ü"}}},  // a Send with its own input
      Task{"cp/2/worker", "worker", Json(nullptr)},                      // a Send whose input is null
      Task{"cp/3/worker", "worker", Json::array({1, "two", 3.5})},
      Task{"cp/4/worker", "worker", Json("plain string")},
  };
  c.joins = {{"0", {"left", "right"}}, {"12", Json::array()}};
  c.source = "update";
  c.metadata = {{"workflow", "flows/review.yaml"}, {"user", "Zoë"}, {"tags", {"a", "b"}}};
  c.created_ms = 1767225600123;
  cp.put(c);
  auto got = cp.get(c.thread_id, c.id);
  ASSERT_TRUE(got.has_value());
  expect_same(*got, c);
  ASSERT_EQ(got->next.size(), 5u);
  EXPECT_FALSE(got->next[0].input.has_value());
  ASSERT_TRUE(got->next[2].input.has_value());
  EXPECT_TRUE(got->next[2].input->is_null());
  EXPECT_EQ(got->state["uint_max"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(got->state["int_min"].get<int64_t>(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(got->state["tenth"].get<double>(), 0.1);
  EXPECT_EQ(got->state["text"].get<std::string>().size(), c.state["text"].get<std::string>().size());
  expect_same(*cp.get(c.thread_id), c);
  expect_same(cp.list(c.thread_id).at(0), c);

  // The smallest checkpoint: the input one, nothing but defaults.
  Checkpoint bare;
  bare.thread_id = "bare";
  bare.id = next_id();
  bare.step = -1;
  cp.put(bare);
  expect_same(*cp.get("bare"), bare);
}

TEST_P(CheckpointerConformance, LargeStatesRoundTrip) {
  auto& cp = *checkpointer_;
  auto c = make_checkpoint("big", {}, {}, 3);
  c.state = {{"blob", std::string(1 << 20, 'x')}, {"items", Json::array()}};
  for (int i = 0; i < 10000; ++i) c.state["items"].push_back({{"i", i}, {"s", "item " + std::to_string(i)}});
  cp.put(c);
  expect_same(*cp.get("big"), c);
}

TEST_P(CheckpointerConformance, WritesUpsertAndKeepTheOrderOfFirstPuts) {
  auto& cp = *checkpointer_;
  const auto c = make_checkpoint("t", {}, {}, 0);
  cp.put(c);
  using K = TaskWrite::Kind;
  cp.put_write("t", c.id, write_of("task-b", K::update, {{"b", 1}}));
  cp.put_write("t", c.id, write_of("task-a", K::interrupt, {{"index", 0}, {"payload", "approve?"}}));
  cp.put_write("t", c.id, write_of("task-c", K::update, nullptr));
  EXPECT_EQ(cp.writes("t", c.id).size(), 3u);
  // The same task and kind replaces in place; the same task with another kind is another write.
  cp.put_write("t", c.id, write_of("task-b", K::update, {{"b", 2}}));
  cp.put_write("t", c.id, write_of("task-a", K::resume, {"yes"}));
  cp.put_write("t", c.id, write_of("task-a", K::interrupt, {{"index", 1}, {"payload", "sure?"}}));
  expect_writes(cp.writes("t", c.id),
                {write_of("task-b", K::update, {{"b", 2}}),
                 write_of("task-a", K::interrupt, {{"index", 1}, {"payload", "sure?"}}),
                 write_of("task-c", K::update, nullptr), write_of("task-a", K::resume, {"yes"})});
  // Values of every JSON type, task ids with separators and unicode.
  const std::vector<TaskWrite> odd = {write_of("x:update:y", K::update, "text ü \0"s),
                                      write_of("#", K::update, 42), write_of("a b", K::resume, Json::array()),
                                      write_of("ключ", K::update, 2.5)};
  const auto d = make_checkpoint("t", {}, c.id, 1);
  cp.put(d);
  for (const auto& w : odd) cp.put_write("t", d.id, w);
  expect_writes(cp.writes("t", d.id), odd);
  EXPECT_EQ(cp.writes("t", c.id).size(), 4u);
}

// put_writes is put_write for each in turn, whatever the backend does to batch them.
TEST_P(CheckpointerConformance, WritesPutTogetherAreLikeWritesPutInTurn) {
  auto& cp = *checkpointer_;
  using K = TaskWrite::Kind;
  const auto c = make_checkpoint("t");
  cp.put(c);
  cp.put_writes("t", c.id, {});
  EXPECT_TRUE(cp.writes("t", c.id).empty());
  cp.put_write("t", c.id, write_of("a", K::update, 1));
  cp.put_writes("t", c.id,
                {write_of("b", K::update, 2), write_of("a", K::update, 10), write_of("c", K::interrupt, 3),
                 write_of("b", K::update, 20), write_of("b", K::resume, {"ok"})});
  cp.put_writes("t", c.id, {write_of("d", K::update, 4)});
  expect_writes(cp.writes("t", c.id),
                {write_of("a", K::update, 10), write_of("b", K::update, 20), write_of("c", K::interrupt, 3),
                 write_of("b", K::resume, {"ok"}), write_of("d", K::update, 4)});
  // Many at once, as a wide map-reduce step finishes.
  const auto d = make_checkpoint("t", {}, c.id, 1);
  cp.put(d);
  std::vector<TaskWrite> many;
  for (int i = 0; i < 500; ++i)
    many.push_back(write_of(d.id + "/" + std::to_string(i) + "/map", K::update, i));
  cp.put_writes("t", d.id, many);
  expect_writes(cp.writes("t", d.id), many);
  cp.delete_thread("t");
  EXPECT_TRUE(cp.writes("t", d.id).empty());
}

TEST_P(CheckpointerConformance, APutBatchStoresCheckpointsAndWritesInOrder) {
  auto& cp = *checkpointer_;
  using K = TaskWrite::Kind;
  cp.put_batch({}, {});
  EXPECT_TRUE(cp.threads().empty());
  const auto a1 = make_checkpoint("a", {}, {}, 0);
  const auto b1 = make_checkpoint("b", {}, {}, 0);
  const auto a2 = make_checkpoint("a", {}, a1.id, 1);
  cp.put_batch({a1, b1, a2}, {PendingWrite{"a", a1.id, write_of("t1", K::update, 1)},
                              PendingWrite{"b", b1.id, write_of("t1", K::interrupt, 2)},
                              PendingWrite{"a", a1.id, write_of("t2", K::update, 3)},
                              PendingWrite{"a", a1.id, write_of("t1", K::update, 10)}});
  EXPECT_EQ(ids_of(cp.list("a")), (std::vector<std::string>{a2.id, a1.id}));
  expect_same(*cp.get("b"), b1);
  expect_same(*cp.get("a", a1.id), a1);
  expect_writes(cp.writes("a", a1.id), {write_of("t1", K::update, 10), write_of("t2", K::update, 3)});
  expect_writes(cp.writes("b", b1.id), {write_of("t1", K::interrupt, 2)});
  EXPECT_EQ(cp.threads(), (std::vector<std::string>{"a", "b"}));
  // Writes alone, and checkpoints alone.
  cp.put_batch({}, {PendingWrite{"a", a2.id, write_of("t3", K::resume, {"yes"})}});
  expect_writes(cp.writes("a", a2.id), {write_of("t3", K::resume, {"yes"})});
  const auto a3 = make_checkpoint("a", {}, a2.id, 2);
  cp.put_batch({a3}, {});
  EXPECT_EQ(cp.get("a")->id, a3.id);
}

TEST_P(CheckpointerConformance, APutBatchWithADuplicateIdIsAnInvalidArgument) {
  auto& cp = *checkpointer_;
  using K = TaskWrite::Kind;
  auto first = make_checkpoint("t", {}, {}, 0);
  first.state = {{"version", 1}};
  cp.put(first);
  auto again = first;
  again.state = {{"version", 2}};
  const auto fresh = make_checkpoint("t", {}, first.id, 1);
  const auto other = make_checkpoint("u", {}, {}, 0);
  // The duplicate after a new checkpoint of the same thread and one of another thread, and with a write.
  EXPECT_THROW(
      cp.put_batch({other, fresh, again}, {PendingWrite{"t", first.id, write_of("x", K::update, 1)}}),
      InvalidArgumentError);
  EXPECT_EQ(cp.get("t", first.id)->state, (Json{{"version", 1}}));
  if (GetParam().atomic_batches) {
    EXPECT_EQ(ids_of(cp.list("t")), (std::vector<std::string>{first.id}));
    EXPECT_TRUE(cp.list("u").empty());
    EXPECT_TRUE(cp.writes("t", first.id).empty());
    EXPECT_EQ(cp.threads(), (std::vector<std::string>{"t"}));
  }
  // An id twice within one batch.
  const auto twice = make_checkpoint("v");
  EXPECT_THROW(cp.put_batch({twice, twice}, {}), InvalidArgumentError);
  if (GetParam().atomic_batches) {
    EXPECT_TRUE(cp.list("v").empty());
  } else {
    EXPECT_EQ(cp.list("v").size(), 1u);
  }
}

TEST_P(CheckpointerConformance, WritesOfCheckpointsAndThreadsDoNotMix) {
  auto& cp = *checkpointer_;
  using K = TaskWrite::Kind;
  const auto a = make_checkpoint("a", "0123456789abcdef0123456789abcdef");
  const auto b = make_checkpoint("b", "0123456789abcdef0123456789abcdef");
  const auto a2 = make_checkpoint("a", {}, a.id, 1);
  cp.put(a);
  cp.put(b);
  cp.put(a2);
  cp.put_write("a", a.id, write_of("t1", K::update, "a"));
  cp.put_write("b", b.id, write_of("t1", K::update, "b"));
  cp.put_write("a", a2.id, write_of("t1", K::update, "a2"));
  expect_writes(cp.writes("a", a.id), {write_of("t1", K::update, "a")});
  expect_writes(cp.writes("b", b.id), {write_of("t1", K::update, "b")});
  expect_writes(cp.writes("a", a2.id), {write_of("t1", K::update, "a2")});
  EXPECT_TRUE(cp.writes("b", a2.id).empty());
  EXPECT_TRUE(cp.writes("a", next_id()).empty());
}

TEST_P(CheckpointerConformance, DeleteThreadRemovesItsCheckpointsAndWritesOnly) {
  auto& cp = *checkpointer_;
  using K = TaskWrite::Kind;
  const auto gone = make_checkpoint("gone", {}, {}, 0);
  const auto gone2 = make_checkpoint("gone", {}, gone.id, 1);
  const auto kept = make_checkpoint("kept", {}, {}, 0);
  cp.put(gone);
  cp.put(gone2);
  cp.put(kept);
  cp.put_write("gone", gone.id, write_of("t", K::update, 1));
  cp.put_write("gone", gone2.id, write_of("t", K::interrupt, 2));
  cp.put_write("kept", kept.id, write_of("t", K::update, 3));
  EXPECT_EQ(cp.threads(), (std::vector<std::string>{"gone", "kept"}));

  cp.delete_thread("gone");
  EXPECT_FALSE(cp.get("gone").has_value());
  EXPECT_FALSE(cp.get("gone", gone.id).has_value());
  EXPECT_TRUE(cp.list("gone").empty());
  EXPECT_TRUE(cp.writes("gone", gone.id).empty());
  EXPECT_TRUE(cp.writes("gone", gone2.id).empty());
  EXPECT_EQ(cp.threads(), (std::vector<std::string>{"kept"}));
  expect_same(*cp.get("kept"), kept);
  expect_writes(cp.writes("kept", kept.id), {write_of("t", K::update, 3)});

  // The thread starts over: its old ids are free again, its old writes do not come back.
  cp.put(gone);
  EXPECT_EQ(ids_of(cp.list("gone")), (std::vector<std::string>{gone.id}));
  EXPECT_TRUE(cp.writes("gone", gone.id).empty());
  cp.delete_thread("gone");
  cp.delete_thread("gone");
  EXPECT_EQ(cp.threads(), (std::vector<std::string>{"kept"}));
}

TEST_P(CheckpointerConformance, ThreadsAreSortedAndListedOnce) {
  auto& cp = *checkpointer_;
  const std::vector<std::string> names = {"b", "a", "c", "B", "é", "a-1", "a", "b"};
  for (const auto& n : names) cp.put(make_checkpoint(n));
  // Byte order, as std::string compares: upper case before lower case, UTF-8 after ASCII.
  EXPECT_EQ(cp.threads(), (std::vector<std::string>{"B", "a", "a-1", "b", "c", "é"}));
}

TEST_P(CheckpointerConformance, ConcurrentPutsOnDifferentThreads) {
  auto checkpointer = checkpointer_;
  constexpr int kPuts = 25;
  std::vector<std::vector<std::string>> ids(8);
  on_eight_threads([&](int w) {
    const std::string thread = "worker-" + std::to_string(w);
    std::string parent;
    for (int i = 0; i < kPuts; ++i) {
      auto c = make_checkpoint(thread, {}, parent, i);
      checkpointer->put(c);
      if (i % 5 == 0) {
        auto latest = checkpointer->get(thread);
        if (!latest || latest->id != c.id)
          throw std::runtime_error("the latest is not the last put of " + thread);
      }
      ids[w].push_back(c.id);
      parent = c.id;
    }
  });
  std::vector<std::string> expected_threads;
  for (int w = 0; w < 8; ++w) {
    const std::string thread = "worker-" + std::to_string(w);
    expected_threads.push_back(thread);
    EXPECT_EQ(ids_of(checkpointer->list(thread)), std::vector<std::string>(ids[w].rbegin(), ids[w].rend()));
  }
  EXPECT_EQ(checkpointer->threads(), expected_threads);
}

TEST_P(CheckpointerConformance, ConcurrentPutsOnOneThread) {
  auto checkpointer = checkpointer_;
  constexpr int kPuts = 25;
  std::vector<std::vector<std::string>> ids(8);
  on_eight_threads([&](int w) {
    for (int i = 0; i < kPuts; ++i) {
      auto c = make_checkpoint("shared", {}, {}, i);
      c.metadata = {{"worker", w}};
      checkpointer->put(c);
      ids[w].push_back(c.id);
    }
  });
  const auto all = checkpointer->list("shared");
  ASSERT_EQ(all.size(), 8u * kPuts);
  const auto all_ids = ids_of(all);
  const std::set<std::string> unique(all_ids.begin(), all_ids.end());
  EXPECT_EQ(unique.size(), all.size());
  // Newest first: each worker's checkpoints appear in the reverse of the order it put them.
  std::vector<std::vector<std::string>> seen(8);
  for (const auto& c : all) seen[c.metadata["worker"].get<int>()].push_back(c.id);
  for (int w = 0; w < 8; ++w)
    EXPECT_EQ(seen[w], std::vector<std::string>(ids[w].rbegin(), ids[w].rend())) << w;
  EXPECT_EQ(checkpointer->get("shared")->id, all.front().id);
  EXPECT_EQ(checkpointer->threads(), (std::vector<std::string>{"shared"}));
}

// Eight writers of one id: exactly one stores it.
TEST_P(CheckpointerConformance, ConcurrentPutsOfOneIdStoreItOnce) {
  auto checkpointer = checkpointer_;
  for (int round = 0; round < 5; ++round) {
    const std::string id = next_id();
    std::atomic<int> stored{0}, refused{0};
    on_eight_threads([&](int w) {
      auto c = make_checkpoint("race", id, {}, round);
      c.metadata = {{"worker", w}};
      try {
        checkpointer->put(c);
        ++stored;
      } catch (const InvalidArgumentError&) {
        ++refused;
      }
    });
    EXPECT_EQ(stored.load(), 1) << round;
    EXPECT_EQ(refused.load(), 7) << round;
  }
  EXPECT_EQ(checkpointer->list("race").size(), 5u);
  if (!GetParam().persistent) return;
  // The same race between eight checkpointers (connections, as separate processes would have) over one
  // storage.
  std::vector<std::shared_ptr<Checkpointer>> instances;
  for (int w = 0; w < 8; ++w) instances.push_back(reopen());
  for (int round = 0; round < 3; ++round) {
    const std::string id = next_id();
    std::atomic<int> stored{0}, refused{0};
    on_eight_threads([&](int w) {
      try {
        instances[w]->put(make_checkpoint("race", id, {}, round));
        ++stored;
      } catch (const InvalidArgumentError&) {
        ++refused;
      }
    });
    EXPECT_EQ(stored.load(), 1) << round;
    EXPECT_EQ(refused.load(), 7) << round;
  }
  EXPECT_EQ(checkpointer->list("race").size(), 8u);
}

TEST_P(CheckpointerConformance, ConcurrentWritesAreAllKept) {
  auto checkpointer = checkpointer_;
  const auto c = make_checkpoint("t");
  checkpointer->put(c);
  on_eight_threads([&](int w) {
    for (int i = 0; i < 10; ++i) {
      // Every task writes twice; the second replaces the first.
      const std::string task = c.id + "/" + std::to_string(w * 10 + i) + "/node";
      checkpointer->put_write("t", c.id, write_of(task, TaskWrite::Kind::update, {{"v", 1}}));
      checkpointer->put_write("t", c.id, write_of(task, TaskWrite::Kind::update, {{"v", 2}, {"w", w}}));
    }
  });
  const auto writes = checkpointer->writes("t", c.id);
  ASSERT_EQ(writes.size(), 80u);
  std::set<std::string> tasks;
  for (const auto& w : writes) {
    tasks.insert(w.task_id);
    EXPECT_EQ(w.value["v"], 2) << w.task_id;
  }
  EXPECT_EQ(tasks.size(), 80u);
}

TEST_P(CheckpointerConformance, ASecondCheckpointerSeesTheSameCheckpoints) {
  if (!GetParam().persistent) return;  // "memory:" opens a new, empty store each time
  auto& cp = *checkpointer_;
  const auto first = make_checkpoint("t", {}, {}, 0);
  cp.put(first);
  cp.put_write("t", first.id, write_of("x", TaskWrite::Kind::update, 1));
  auto other = reopen();
  expect_same(*other->get("t"), first);
  expect_writes(other->writes("t", first.id), {write_of("x", TaskWrite::Kind::update, 1)});
  // Both share one order and one set of ids.
  const auto second = make_checkpoint("t", {}, first.id, 1);
  other->put(second);
  EXPECT_EQ(cp.get("t")->id, second.id);
  EXPECT_THROW(cp.put(second), InvalidArgumentError);
  checkpointer_.reset();
  EXPECT_EQ(ids_of(other->list("t")), (std::vector<std::string>{second.id, first.id}));
}

}  // namespace alith::flow::testing
