// `alith run FLOW.yaml` and `alith resume THREAD`: workflow files (docs/workflows.md) run with durable
// checkpoints. Exit status: 0 done, 2 a problem in the file or the command line (nothing ran), 3 paused for a
// human answer that no terminal could give (`alith resume THREAD --value V` goes on), 1 any other failure
// (the last checkpoint is kept: `alith resume THREAD` retries).

#include <filesystem>
#include <iostream>
#include <map>
#include <random>

#include "alith/flow/yaml.h"
#include "commands.h"
#include "flow_support.h"

namespace alith::cli {
namespace {

struct RunOptions {
  std::string file;
  std::vector<std::string> inputs;  // key=value
  std::string input_json;
  std::string thread;
  bool json = false;
  CheckpointOptions checkpoints;
  FlowModelOptions models;
};

struct ResumeOptions {
  std::string thread;
  std::optional<std::string> value;
  std::string task;
  std::string from;    // time travel: a checkpoint id from `alith history`
  std::string update;  // with --from: a JSON object applied to that checkpoint's state
  bool json = false;
  CheckpointOptions checkpoints;
  FlowModelOptions models;
};

std::string new_thread_id() {
  std::random_device random;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string id;
  for (int i = 0; i < 16; ++i) id += "0123456789abcdef"[digit(random)];
  return id;
}

Json input_of(const RunOptions& options) {
  Json input = Json::object();
  if (!options.input_json.empty()) {
    auto parsed = parse_json(options.input_json);
    if (!parsed || !parsed->is_object()) throw InvalidArgumentError("--input-json must be a JSON object");
    input = std::move(*parsed);
  }
  for (const auto& item : options.inputs) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InvalidArgumentError("--input takes key=value (the value is JSON when it parses), not '" + item +
                                 "'");
    }
    input[item.substr(0, eq)] = parse_value(item.substr(eq + 1));
  }
  return input;
}

int run_flow(const RunOptions& options) {
  const Json input = input_of(options);
  auto workflow = load_or_report(options.file, options.models.workflow_options());
  if (!workflow) return 2;
  flow::RunConfig config;
  config.thread_id = options.thread.empty() ? new_thread_id() : options.thread;
  config.checkpointer = options.checkpoints.open();
  config.metadata = {{"flow", flow_metadata(*workflow)}, {"cli", options.models.metadata()}};
  std::cerr << "thread " << config.thread_id << "\n";
  return drive(*workflow, std::move(config), {options.json, options.checkpoints.checkpoints},
               [&](const flow::RunConfig& c) { return workflow->graph->invoke(input, c); });
}

// Warns about each file of the workflow that differs from the one the thread started with.
void warn_changes(const Json& recorded, const flow::Workflow& workflow, const std::string& thread) {
  if (!recorded.is_object() || !recorded.contains("files") || !recorded["files"].is_array()) return;
  std::map<std::string, std::string> now;
  for (const auto& f : workflow.files) now[f.path.string()] = f.sha256;
  for (const auto& f : recorded["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) continue;
    const std::string path = f["path"].get<std::string>();
    auto it = now.find(path);
    if (it == now.end() || f.value("sha256", "") != it->second) {
      std::cerr << "warning: " << path << " changed since thread " << thread
                << " started; going on with the file as it is now\n";
    }
  }
}

// Time travel: a branch from an earlier checkpoint (with an optional state update) runs from there; the
// thread's other checkpoints stay as they were.
int fork_flow(const ResumeOptions& options, const flow::Workflow& workflow,
              const std::shared_ptr<flow::Checkpointer>& checkpointer) {
  if (options.value || !options.task.empty()) {
    throw InvalidArgumentError("--from starts a new branch: give it --update, not --value or --task");
  }
  Json update;
  if (!options.update.empty()) {
    auto parsed = parse_json(options.update);
    if (!parsed || !parsed->is_object()) throw InvalidArgumentError("--update must be a JSON object");
    update = std::move(*parsed);
  }
  flow::RunConfig config;
  config.thread_id = options.thread;
  config.checkpointer = checkpointer;
  config.metadata = {{"flow", flow_metadata(workflow)}, {"cli", options.models.metadata()}};
  return drive(workflow, std::move(config), {options.json, options.checkpoints.checkpoints},
               [&](const flow::RunConfig& c) { return workflow.graph->fork(c, options.from, update); });
}

int resume_flow(ResumeOptions options) {
  auto checkpointer = options.checkpoints.open();
  auto last = checkpointer->get(options.thread);
  if (!last) {
    throw InvalidArgumentError("no thread '" + options.thread + "' in " + options.checkpoints.ref() +
                               " (`alith threads` lists them)");
  }
  const Json recorded = last->metadata.is_object() ? last->metadata.value("flow", Json()) : Json();
  if (!recorded.is_object() || !recorded.contains("path") || !recorded["path"].is_string()) {
    throw InvalidArgumentError("thread '" + options.thread +
                               "' was not started by `alith run`: its checkpoints name no workflow file");
  }
  const std::string path = recorded["path"].get<std::string>();
  options.models.fill_from(last->metadata);
  auto workflow = load_or_report(path, options.models.workflow_options());
  if (!workflow) return 2;
  warn_changes(recorded, *workflow, options.thread);
  if (!options.from.empty()) return fork_flow(options, *workflow, checkpointer);
  if (!options.update.empty()) throw InvalidArgumentError("--update goes with --from");
  if (last->next.empty()) {
    std::cerr << "thread " << options.thread << " is finished\n";
    if (options.json) {
      std::cout << dump_json({{"thread", options.thread}, {"status", "done"}, {"state", last->state}}, 2)
                << "\n";
    } else {
      std::cout << "state: " << dump_json(last->state, 2) << "\n";
    }
    return 0;
  }
  flow::RunConfig config;
  config.thread_id = options.thread;
  config.checkpointer = checkpointer;
  config.metadata = {{"flow", flow_metadata(*workflow)}, {"cli", options.models.metadata()}};
  std::optional<Json> value;
  if (options.value) value = parse_value(*options.value);
  if (!options.task.empty() && !value) throw InvalidArgumentError("--task needs --value");
  return drive(*workflow, std::move(config), {options.json, options.checkpoints.checkpoints},
               [&](const flow::RunConfig& c) {
                 if (!options.task.empty()) return workflow->graph->resume_tasks(c, {{options.task, *value}});
                 return workflow->graph->resume(c, value);
               });
}

}  // namespace

Command add_run(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Run a workflow file (docs/workflows.md)");
  sub->add_option("flow", options->file, "The workflow file (YAML)")->required();
  sub->add_option("-i,--input", options->inputs, "A state key: key=value (the value is JSON when it parses)");
  sub->add_option("--input-json", options->input_json, "The input as a JSON object");
  sub->add_option("--thread", options->thread, "Thread id (default: a new random one, printed)");
  sub->add_flag("--json", options->json, "Print the outcome as JSON on stdout (progress goes to stderr)");
  options->checkpoints.add_to(*sub);
  options->models.add_to(*sub);
  sub->footer(
      "Exit status: 0 done; 2 the file or the command line has a problem (nothing ran); 3 paused for an "
      "answer "
      "that no terminal could give (resume with `alith resume THREAD --value V`); 1 another failure.");
  return [options] { return run_flow(*options); };
}

Command add_resume(CLI::App& app) {
  auto options = std::make_shared<ResumeOptions>();
  auto* sub = app.add_subcommand("resume",
                                 "Go on with a workflow run: answer its interrupt, or retry after a failure");
  sub->add_option("thread", options->thread, "The thread id `alith run` printed")->required();
  sub->add_option("--value", options->value,
                  "The answer to the pending interrupt (JSON when it parses, else text)");
  sub->add_option("--task", options->task, "Which interrupted task the value answers, when several wait");
  sub->add_option("--from", options->from,
                  "Time travel: branch from this checkpoint (`alith history` lists them) and run from there");
  sub->add_option("--update", options->update,
                  "With --from: a JSON object applied to that checkpoint's state");
  sub->add_flag("--json", options->json, "Print the outcome as JSON on stdout");
  options->checkpoints.add_to(*sub);
  options->models.add_to(*sub);
  return [options] { return resume_flow(*options); };
}

}  // namespace alith::cli
