// `alith history THREAD` (a run's checkpoints, newest first) and `alith threads` (the runs kept).

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "commands.h"
#include "flow_support.h"

namespace alith::cli {
namespace {

struct HistoryOptions {
  std::string thread;
  size_t limit = 0;
  bool json = false;
  CheckpointOptions checkpoints;
};

struct ThreadsOptions {
  bool json = false;
  CheckpointOptions checkpoints;
};

// Cuts text to at most `width` bytes without splitting a UTF-8 character, marking the cut.
std::string cut(const std::string& text, size_t width) {
  if (text.size() <= width) return text;
  size_t end = width > 3 ? width - 3 : 0;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

// "draft="A short...", approved=true": enough to tell checkpoints apart.
std::string summary(const Json& state, size_t width = 80) {
  if (!state.is_object() || state.empty()) return "{}";
  std::string out;
  for (const auto& [key, value] : state.items()) {
    std::string part = key + "=" + cut(dump_json(value), 24);
    if (!out.empty()) part = ", " + part;
    if (out.size() + part.size() > width) return out + ", ...";
    out += part;
  }
  return out;
}

std::string next_nodes(const flow::Checkpoint& checkpoint) {
  if (checkpoint.next.empty()) return "-";
  std::string out;
  for (const auto& task : checkpoint.next) {
    if (out.find(task.node) != std::string::npos) continue;  // Sends repeat a node
    out += (out.empty() ? "" : ",") + task.node;
  }
  return out;
}

Json checkpoint_json(const flow::Checkpoint& c) {
  Json next = Json::array();
  for (const auto& task : c.next) next.push_back(task.node);
  return {{"id", c.id},
          {"parent_id", c.parent_id},
          {"step", c.step},
          {"source", c.source},
          {"next", next},
          {"created", format_time(c.created_ms) + "Z"},
          {"created_ms", c.created_ms},
          {"state", c.state}};
}

int history(const HistoryOptions& options) {
  auto checkpointer = options.checkpoints.open();
  const auto checkpoints = checkpointer->list(options.thread, options.limit);
  if (checkpoints.empty()) {
    throw InvalidArgumentError("no thread '" + options.thread + "' in " + options.checkpoints.ref() +
                               " (`alith threads` lists them)");
  }
  if (options.json) {
    Json out = Json::array();
    for (const auto& c : checkpoints) out.push_back(checkpoint_json(c));
    std::cout << dump_json(out, 2) << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(34) << "CHECKPOINT" << std::setw(6) << "STEP" << std::setw(8)
            << "SOURCE" << std::setw(16) << "NEXT" << std::setw(21) << "TIME (UTC)"
            << "STATE\n";
  for (const auto& c : checkpoints) {
    std::cout << std::left << std::setw(34) << c.id << std::setw(6) << c.step << std::setw(8) << c.source
              << std::setw(16) << cut(next_nodes(c), 15) << std::setw(21) << format_time(c.created_ms)
              << summary(c.state) << "\n";
  }
  return 0;
}

int threads(const ThreadsOptions& options) {
  auto checkpointer = options.checkpoints.open();
  Json out = Json::array();
  for (const auto& thread : checkpointer->threads()) {
    auto last = checkpointer->get(thread);
    if (!last) continue;
    const Json flow = last->metadata.is_object() ? last->metadata.value("flow", Json()) : Json();
    Json next = Json::array();
    for (const auto& task : last->next) next.push_back(task.node);
    out.push_back({{"thread", thread},
                   {"step", last->step},
                   {"status", last->next.empty() ? "done" : "pending"},
                   {"next", next},
                   {"updated", format_time(last->created_ms) + "Z"},
                   {"updated_ms", last->created_ms},
                   {"flow", flow.is_object() ? flow.value("path", "") : ""}});
  }
  // Most recently active first.
  std::sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return a["updated_ms"].get<int64_t>() > b["updated_ms"].get<int64_t>();
  });
  if (options.json) {
    std::cout << dump_json(out, 2) << "\n";
    return 0;
  }
  std::cout << std::left << std::setw(20) << "THREAD" << std::setw(6) << "STEP" << std::setw(24) << "STATUS"
            << std::setw(21) << "UPDATED (UTC)"
            << "FLOW\n";
  for (const auto& t : out) {
    std::string status = t["status"].get<std::string>();
    if (!t["next"].empty()) {
      std::string nodes;
      for (const auto& n : t["next"]) nodes += (nodes.empty() ? "" : ",") + n.get<std::string>();
      status += ": " + nodes;
    }
    std::cout << std::left << std::setw(20) << t["thread"].get<std::string>() << std::setw(6)
              << t["step"].get<int64_t>() << std::setw(24) << cut(status, 23) << std::setw(21)
              << t["updated"].get<std::string>().substr(0, 19) << t["flow"].get<std::string>() << "\n";
  }
  return 0;
}

}  // namespace

Command add_history(CLI::App& app) {
  auto options = std::make_shared<HistoryOptions>();
  auto* sub = app.add_subcommand("history", "List a workflow run's checkpoints, newest first");
  sub->add_option("thread", options->thread, "The thread id")->required();
  sub->add_option("-n,--limit", options->limit, "Show at most this many (default: all)");
  sub->add_flag("--json", options->json, "Print them as JSON, with the whole state");
  options->checkpoints.add_to(*sub);
  return [options] { return history(*options); };
}

Command add_threads(CLI::App& app) {
  auto options = std::make_shared<ThreadsOptions>();
  auto* sub = app.add_subcommand("threads", "List the workflow runs kept, most recent first");
  sub->add_flag("--json", options->json, "Print them as JSON");
  options->checkpoints.add_to(*sub);
  return [options] { return threads(*options); };
}

}  // namespace alith::cli
