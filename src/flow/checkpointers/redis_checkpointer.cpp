// Checkpoints in Redis. Every key of a thread starts with "alith:cp:<n>:<thread>", n being the thread id's
// length in bytes, so that no thread id (they may hold ':') can produce another thread's keys:
//
//   alith:threads                sorted set, all scores 0: the thread ids, in byte order
//   alith:cp:<n>:<thread>:docs   hash: checkpoint id -> the checkpoint's JSON (to_json)
//   alith:cp:<n>:<thread>:order  list of checkpoint ids, the last put first
//   alith:cp:<n>:<thread>:wcps   set: the checkpoint ids that have writes (what delete_thread removes)
//   alith:cp:<n>:<thread>:w:<id> hash: "<kind>:<task id>" -> "<seq> <value JSON>"; "#" -> the last seq given
//
// Every call is one command or one Lua script, and Redis runs a script with nothing else interleaved; its
// effects reach the AOF and replicas wrapped in MULTI/EXEC, which a restart loads whole or not at all. So a
// put (or a whole put_batch) is stored entirely or not at all, and a duplicate id is rejected by the same
// script that would store it, with no window for a second writer.

#include <algorithm>
#include <mutex>
#include <string_view>
#include <utility>

#include "alith/core/error.h"
#include "alith/core/json.h"
#include "backends.h"
#include "redis_connection.h"

namespace alith::flow::detail {
namespace {

using redis::Reply;
using redis::Retry;

constexpr std::string_view kThreadsKey = "alith:threads";

// Checkpoints and writes in one go.
// KEYS: the threads set; docs and order of each checkpoint; the writes hash and wcps set of each write.
// ARGV: the number of checkpoints; id, document and thread id of each; checkpoint id, field and value of
// each write.
// Nothing is written unless every checkpoint id is new (and none comes twice): 0 when all was stored, else
// the 1-based position of the first duplicate. A replaced write keeps the seq of its first put, so a call
// with writes only may run twice with the effect of once.
constexpr std::string_view kStoreScript = R"lua(
local nc = tonumber(ARGV[1])
local seen = {}
for i = 0, nc - 1 do
  local docs, id = KEYS[2 + 2 * i], ARGV[2 + 3 * i]
  local ids = seen[docs] or {}
  seen[docs] = ids
  if ids[id] or redis.call('HEXISTS', docs, id) == 1 then return i + 1 end
  ids[id] = true
end
for i = 0, nc - 1 do
  local id = ARGV[2 + 3 * i]
  redis.call('HSET', KEYS[2 + 2 * i], id, ARGV[3 + 3 * i])
  redis.call('LPUSH', KEYS[3 + 2 * i], id)
  redis.call('ZADD', KEYS[1], 0, ARGV[4 + 3 * i])
end
local k, a = 2 + 2 * nc, 2 + 3 * nc
while k < #KEYS do
  local hash, field = KEYS[k], ARGV[a + 1]
  local old = redis.call('HGET', hash, field)
  local seq
  if old then
    seq = string.sub(old, 1, string.find(old, ' ', 1, true) - 1)
  else
    seq = tostring(redis.call('HINCRBY', hash, '#', 1))
  end
  redis.call('HSET', hash, field, seq .. ' ' .. ARGV[a + 2])
  redis.call('SADD', KEYS[k + 1], ARGV[a])
  k, a = k + 2, a + 3
end
return 0
)lua";

// KEYS: docs, order. The newest document, or nil.
constexpr std::string_view kLatestScript = R"lua(
local id = redis.call('LINDEX', KEYS[2], 0)
if not id then return false end
return redis.call('HGET', KEYS[1], id)
)lua";

// KEYS: docs, order. ARGV: the last list index (-1: all). The documents, newest first. HMGET in chunks:
// unpack() of a very long list would overflow Lua's stack.
constexpr std::string_view kListScript = R"lua(
local ids = redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[1]))
local out = {}
for i = 1, #ids, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #ids) do chunk[#chunk + 1] = ids[j] end
  local docs = redis.call('HMGET', KEYS[1], unpack(chunk))
  for j = 1, #chunk do
    if docs[j] then out[#out + 1] = docs[j] end
  end
end
return out
)lua";

// KEYS: docs, order, wcps, threads. ARGV: the prefix of the thread's write keys, the thread id.
constexpr std::string_view kDeleteScript = R"lua(
for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[2])
return 1
)lua";

Checkpoint parse_checkpoint(const std::string& document) {
  auto json = parse_json(document);
  if (!json.ok())
    throw ParseError("redis checkpointer: a stored checkpoint is not JSON: " + json.error().message);
  return checkpoint_from_json(json.value()).value();
}

// The keys of one thread.
struct Keys {
  explicit Keys(const std::string& thread_id)
      : base("alith:cp:" + std::to_string(thread_id.size()) + ":" + thread_id),
        docs(base + ":docs"),
        order(base + ":order"),
        wcps(base + ":wcps") {}
  std::string writes(const std::string& checkpoint_id) const { return base + ":w:" + checkpoint_id; }

  std::string base;
  std::string docs;
  std::string order;
  std::string wcps;
};

// A write to store, by reference: put_writes and put_batch hold theirs in different shapes.
struct WriteRef {
  const std::string& thread_id;
  const std::string& checkpoint_id;
  const TaskWrite& write;
};

class RedisCheckpointer final : public Checkpointer {
 public:
  explicit RedisCheckpointer(redis::Endpoint endpoint) : connection_(std::move(endpoint)) {}

  void put(const Checkpoint& checkpoint) override { store({&checkpoint}, {}); }

  // One script: the whole batch is stored, or (a duplicate id) none of it.
  void put_batch(const std::vector<Checkpoint>& checkpoints,
                 const std::vector<PendingWrite>& writes) override {
    std::vector<const Checkpoint*> cs;
    cs.reserve(checkpoints.size());
    for (const auto& c : checkpoints) cs.push_back(&c);
    std::vector<WriteRef> ws;
    ws.reserve(writes.size());
    for (const auto& w : writes) ws.push_back({w.thread_id, w.checkpoint_id, w.write});
    store(cs, ws);
  }

  std::optional<Checkpoint> get(const std::string& thread_id, const std::string& checkpoint_id) override {
    const Keys keys(thread_id);
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      reply = checkpoint_id.empty() ? connection_.command({"EVAL", kLatestScript, "2", keys.docs, keys.order})
                                    : connection_.command({"HGET", keys.docs, checkpoint_id});
    }
    if (reply.type != Reply::Type::string) return std::nullopt;
    return parse_checkpoint(reply.str);
  }

  std::vector<Checkpoint> list(const std::string& thread_id, size_t limit) override {
    const Keys keys(thread_id);
    const std::string last = limit == 0 ? "-1" : std::to_string(limit - 1);
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      reply = connection_.command({"EVAL", kListScript, "2", keys.docs, keys.order, last});
    }
    std::vector<Checkpoint> out;
    out.reserve(reply.elements.size());
    for (const auto& e : reply.elements)
      if (e.type == Reply::Type::string) out.push_back(parse_checkpoint(e.str));
    return out;
  }

  void put_write(const std::string& thread_id, const std::string& checkpoint_id,
                 const TaskWrite& write) override {
    store({}, {WriteRef{thread_id, checkpoint_id, write}});
  }

  // One script: one round trip, and the writes are stored together or not at all.
  void put_writes(const std::string& thread_id, const std::string& checkpoint_id,
                  const std::vector<TaskWrite>& writes) override {
    std::vector<WriteRef> ws;
    ws.reserve(writes.size());
    for (const auto& w : writes) ws.push_back({thread_id, checkpoint_id, w});
    store({}, ws);
  }

  std::vector<TaskWrite> writes(const std::string& thread_id, const std::string& checkpoint_id) override {
    const Keys keys(thread_id);
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      reply = connection_.command({"HGETALL", keys.writes(checkpoint_id)});
    }
    std::vector<std::pair<long long, TaskWrite>> ordered;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      const std::string_view field = reply.elements[i].str;
      const std::string_view stored = reply.elements[i + 1].str;
      if (field == "#") continue;
      const auto colon = field.find(':');
      const auto space = stored.find(' ');
      const auto kind = task_write_kind(field.substr(0, colon));
      if (colon == std::string_view::npos || space == std::string_view::npos || !kind)
        throw ParseError("redis checkpointer: a stored write is malformed");
      auto value = parse_json(stored.substr(space + 1));
      if (!value.ok())
        throw ParseError("redis checkpointer: a stored write is not JSON: " + value.error().message);
      TaskWrite write;
      write.task_id = std::string(field.substr(colon + 1));
      write.kind = *kind;
      write.value = std::move(value).value();
      ordered.emplace_back(std::stoll(std::string(stored.substr(0, space))), std::move(write));
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<TaskWrite> out;
    out.reserve(ordered.size());
    for (auto& [seq, write] : ordered) out.push_back(std::move(write));
    return out;
  }

  void delete_thread(const std::string& thread_id) override {
    const Keys keys(thread_id);
    std::lock_guard lock(mutex_);
    connection_.command({"EVAL", kDeleteScript, "4", keys.docs, keys.order, keys.wcps, kThreadsKey,
                         keys.writes(""), thread_id});
  }

  std::vector<std::string> threads() override {
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      reply = connection_.command({"ZRANGE", kThreadsKey, "0", "-1"});
    }
    std::vector<std::string> out;
    out.reserve(reply.elements.size());
    for (auto& e : reply.elements) out.push_back(std::move(e.str));
    return out;  // all scores are 0, so ZRANGE orders by the bytes of the ids
  }

 private:
  void store(const std::vector<const Checkpoint*>& checkpoints, const std::vector<WriteRef>& writes) {
    if (checkpoints.empty() && writes.empty()) return;
    // Every key and argument first, then views of them: the vectors do not grow while views exist.
    std::vector<std::string> keys = {std::string(kThreadsKey)};
    std::vector<std::string> args = {std::to_string(checkpoints.size())};
    keys.reserve(1 + 2 * (checkpoints.size() + writes.size()));
    args.reserve(1 + 3 * (checkpoints.size() + writes.size()));
    for (const Checkpoint* c : checkpoints) {
      if (c->id.empty()) throw InvalidArgumentError("redis checkpointer: a checkpoint needs an id");
      Keys k(c->thread_id);
      keys.push_back(std::move(k.docs));
      keys.push_back(std::move(k.order));
      args.push_back(c->id);
      args.push_back(checkpoint_document(*c));
      args.push_back(c->thread_id);
    }
    for (const WriteRef& w : writes) {
      Keys k(w.thread_id);
      keys.push_back(k.writes(w.checkpoint_id));
      keys.push_back(std::move(k.wcps));
      args.push_back(w.checkpoint_id);
      args.push_back(std::string(to_string(w.write.kind)) + ":" + w.write.task_id);
      args.push_back(dump_json(w.write.value));
    }
    const std::string key_count = std::to_string(keys.size());
    std::vector<std::string_view> command = {"EVAL", kStoreScript, key_count};
    command.insert(command.end(), keys.begin(), keys.end());
    command.insert(command.end(), args.begin(), args.end());
    // Checkpoints are not sent again after a connection broke mid-flight: had the script run, the second run
    // would report them as duplicates of themselves. Writes alone are idempotent.
    const Retry retry = checkpoints.empty() ? Retry::idempotent : Retry::never;
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      reply = connection_.command(command, retry);
    }
    if (reply.integer > 0) {
      const Checkpoint& c = *checkpoints.at(static_cast<size_t>(reply.integer - 1));
      throw InvalidArgumentError("redis checkpointer: thread " + c.thread_id + " already has checkpoint " +
                                 c.id + (checkpoints.size() > 1 ? " (nothing of the batch was stored)" : ""));
    }
  }

  std::mutex mutex_;
  redis::Connection connection_;
};

}  // namespace

std::shared_ptr<Checkpointer> make_redis_checkpointer(const std::string& uri) {
  return std::make_shared<RedisCheckpointer>(redis::parse_uri(uri));
}

}  // namespace alith::flow::detail
