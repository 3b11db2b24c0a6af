// The JSON form of checkpoints (the one every backend stores) and checkpoint ids.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "alith/flow/checkpointer.h"

namespace alith::flow {

std::string_view to_string(TaskWrite::Kind kind) noexcept {
  switch (kind) {
    case TaskWrite::Kind::update:
      return "update";
    case TaskWrite::Kind::interrupt:
      return "interrupt";
    case TaskWrite::Kind::resume:
      return "resume";
  }
  return "update";
}

std::optional<TaskWrite::Kind> task_write_kind(std::string_view name) noexcept {
  for (auto kind : {TaskWrite::Kind::update, TaskWrite::Kind::interrupt, TaskWrite::Kind::resume}) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string default_task_id(const std::string& checkpoint_id, size_t index, const std::string& node) {
  return checkpoint_id + "/" + std::to_string(index) + "/" + node;
}

namespace {

// Whether id is default_task_id(checkpoint_id, index, node), without building it: every stored document asks
// this once per task.
bool is_default_task_id(std::string_view id, std::string_view checkpoint_id, size_t index,
                        std::string_view node) {
  char digits[24];
  const int n = std::snprintf(digits, sizeof digits, "%zu", index);
  const std::string_view number(digits, static_cast<size_t>(n));
  return id.size() == checkpoint_id.size() + number.size() + node.size() + 2 &&
         id.starts_with(checkpoint_id) && id[checkpoint_id.size()] == '/' &&
         id.substr(checkpoint_id.size() + 1, number.size()) == number &&
         id[checkpoint_id.size() + 1 + number.size()] == '/' && id.ends_with(node);
}

}  // namespace

Json to_json(const Checkpoint& c) {
  Json tasks = Json::array();
  for (size_t i = 0; i < c.next.size(); ++i) {
    const Task& t = c.next[i];
    Json task = {{"node", t.node}};
    // The engine's task ids follow from the checkpoint: stored only when they do not (a wide step's document
    // would otherwise repeat the checkpoint id once per task).
    if (!is_default_task_id(t.id, c.id, i, t.node)) task["id"] = t.id;
    if (t.input) task["input"] = *t.input;
    tasks.push_back(std::move(task));
  }
  return {{"thread_id", c.thread_id}, {"id", c.id},
          {"parent_id", c.parent_id}, {"step", c.step},
          {"state", c.state},         {"next", std::move(tasks)},
          {"joins", c.joins},         {"source", c.source},
          {"metadata", c.metadata},   {"created_ms", c.created_ms}};
}

namespace {

// A JSON string literal as dump_json writes it. Ids and node names are plain ASCII: those are copied as they
// are; anything else goes through nlohmann (escapes, invalid UTF-8 replaced).
void append_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    out += dump_json(Json(s));
    return;
  }
  out += '"';
  out += s;
  out += '"';
}

}  // namespace

std::string checkpoint_document(const Checkpoint& c) {
  // The keys in to_json's order: nlohmann's objects are std::maps, so dump_json writes them sorted.
  std::string out;
  out.reserve(256);
  out += "{\"created_ms\":";
  out += std::to_string(c.created_ms);
  out += ",\"id\":";
  append_string(out, c.id);
  out += ",\"joins\":";
  out += dump_json(c.joins);
  out += ",\"metadata\":";
  out += dump_json(c.metadata);
  out += ",\"next\":[";
  for (size_t i = 0; i < c.next.size(); ++i) {
    const Task& t = c.next[i];
    if (i > 0) out += ',';
    out += '{';
    if (!is_default_task_id(t.id, c.id, i, t.node)) {
      out += "\"id\":";
      append_string(out, t.id);
      out += ',';
    }
    if (t.input) {
      out += "\"input\":";
      out += dump_json(*t.input);
      out += ',';
    }
    out += "\"node\":";
    append_string(out, t.node);
    out += '}';
  }
  out += "],\"parent_id\":";
  append_string(out, c.parent_id);
  out += ",\"source\":";
  append_string(out, c.source);
  out += ",\"state\":";
  out += dump_json(c.state);
  out += ",\"step\":";
  out += std::to_string(c.step);
  out += ",\"thread_id\":";
  append_string(out, c.thread_id);
  out += '}';
  return out;
}

namespace {

ErrorInfo bad(const std::string& what) {
  return make_error(ErrorCode::parse, "checkpoint document: " + what);
}

bool get_string(const Json& json, const char* key, std::string& out) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool get_int(const Json& json, const char* key, int64_t& out) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}

}  // namespace

Result<Checkpoint> checkpoint_from_json(const Json& json) {
  if (!json.is_object()) return bad("not an object");
  Checkpoint c;
  if (!get_string(json, "thread_id", c.thread_id)) return bad("thread_id must be a string");
  if (!get_string(json, "id", c.id) || c.id.empty()) return bad("id must be a non-empty string");
  if (!get_string(json, "parent_id", c.parent_id)) return bad("parent_id must be a string");
  if (!get_string(json, "source", c.source)) return bad("source must be a string");
  if (!get_int(json, "step", c.step)) return bad("step must be an integer");
  if (!get_int(json, "created_ms", c.created_ms)) return bad("created_ms must be an integer");
  for (const char* key : {"state", "joins", "metadata"}) {
    auto it = json.find(key);
    if (it == json.end() || !it->is_object()) return bad(std::string(key) + " must be an object");
  }
  c.state = json["state"];
  c.joins = json["joins"];
  c.metadata = json["metadata"];
  auto next = json.find("next");
  if (next == json.end() || !next->is_array()) return bad("next must be an array");
  c.next.reserve(next->size());
  for (const auto& t : *next) {
    Task task;
    if (!t.is_object() || !get_string(t, "node", task.node)) return bad("each task needs a string node");
    if (!t.contains("id")) {
      task.id = default_task_id(c.id, c.next.size(), task.node);
    } else if (!get_string(t, "id", task.id)) {
      return bad("a task id must be a string");
    }
    if (auto input = t.find("input"); input != t.end()) task.input = *input;
    c.next.push_back(std::move(task));
  }
  return c;
}

std::string new_checkpoint_id() {
  // A per-thread engine seeded once from the OS: ids must not collide across processes, and reading
  // /dev/urandom for every step would cost more than the step itself.
  thread_local std::mt19937_64 engine{std::random_device{}() ^
                                      (static_cast<uint64_t>(std::random_device{}()) << 32)};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const uint64_t a = engine(), b = engine();
  char out[33];
  std::snprintf(out, sizeof out, "%012llx%04llx%016llx",
                static_cast<unsigned long long>(ms) & 0xffffffffffffULL,
                static_cast<unsigned long long>(a & 0xffff), static_cast<unsigned long long>(b));
  return std::string(out, 32);
}

}  // namespace alith::flow
