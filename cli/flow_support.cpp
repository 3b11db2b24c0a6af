#include "flow_support.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include "alith/core/config.h"
#include "alith/core/paths.h"
#include "alith/knowledge/embedding_cache.h"
#include "alith/knowledge/retriever.h"
#include "alith/llm/openai.h"
#include "alith/llm/registry.h"
#include "alith/store/vector_store.h"
#include "model_options.h"

namespace alith::cli {
namespace {

// Models by reference, made once per process: two agents on one model share it (and a local model's
// weights are loaded once).
class ModelCache {
 public:
  ModelCache(FlowModelOptions options, Config config)
      : options_(std::move(options)), config_(std::move(config)) {}

  std::shared_ptr<llm::ChatModel> get(const std::string& ref) {
    std::lock_guard lock(mu_);
    auto& model = models_[ref];
    if (!model) model = make(ref);
    return model;
  }

 private:
  std::shared_ptr<llm::ChatModel> make(const std::string& ref) const {
    ModelOptions m;
    m.api_key = options_.api_key;
    if (ref.empty()) {
      // The agent names no model: the command line's, else the configured default.
      m.model = options_.model;
      m.base_url = options_.base_url;
    } else {
      m.model = ref;
    }
    return m.make_model(config_);
  }

  FlowModelOptions options_;
  Config config_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<llm::ChatModel>> models_;
};

// A payload or answer for people: strings as they are, other values as indented JSON.
std::string show(const Json& value, int indent = -1) {
  return value.is_string() ? value.get<std::string>() : dump_json(value, indent);
}

// Prints node outputs as the run reports them. A step with one task streams its agent's tokens as they come;
// in a step of parallel tasks each task's text is printed whole when it finishes, not interleaved.
class Printer {
 public:
  explicit Printer(std::ostream& out) : out_(out) {}

  void operator()(const flow::RunEvent& event) {
    using Kind = flow::RunEvent::Kind;
    started_ = true;
    if (event.kind == Kind::step_started) {
      live_ = !event.data.is_array() || event.data.size() <= 1;
    } else if (event.kind == Kind::token) {
      if (!live_) {
        buffered_[event.task_id] += event.text;
        return;
      }
      if (streaming_ != event.task_id) {
        end_stream();
        out_ << "[" << event.node << "] ";
        streaming_ = event.task_id;
        streamed_.insert(event.task_id);
      }
      out_ << event.text << std::flush;
    } else if (event.kind == Kind::task_finished) {
      end_stream();
      if (auto it = buffered_.find(event.task_id); it != buffered_.end()) {
        out_ << "[" << event.node << "] " << it->second << "\n" << std::flush;
        buffered_.erase(it);
        return;
      }
      if (streamed_.count(event.task_id)) return;
      print_update(event.node, event.data);
    } else if (event.kind == Kind::custom) {
      end_stream();
      out_ << "[" << event.node << "] " << show(event.data) << "\n" << std::flush;
    }
  }

  // Whether the run got as far as its first step.
  bool started() const noexcept { return started_; }

  void end_stream() {
    if (streaming_.empty()) return;
    out_ << "\n" << std::flush;
    streaming_.clear();
  }

 private:
  void print_update(const std::string& node, const Json& update) {
    if (update.is_array()) {  // a subflow's updates, in order
      for (const auto& one : update) print_update(node, one);
      return;
    }
    if (!update.is_object() || update.empty()) {
      out_ << "[" << node << "] done\n" << std::flush;
      return;
    }
    for (const auto& [key, value] : update.items())
      out_ << "[" << node << "] " << key << ": " << show(value) << "\n";
    out_ << std::flush;
  }

  std::ostream& out_;
  bool started_ = false;
  bool live_ = true;                             // the step has one task: stream its tokens
  std::string streaming_;                        // the task whose tokens are being printed
  std::set<std::string> streamed_;               // tasks whose text was printed as it streamed
  std::map<std::string, std::string> buffered_;  // text of parallel tasks, printed when each finishes
};

Json outcome_json(const flow::RunConfig& config, const flow::RunOutcome& outcome) {
  Json interrupts = Json::array();
  for (const auto& i : outcome.interrupts)
    interrupts.push_back({{"task_id", i.task_id}, {"node", i.node}, {"payload", i.payload}});
  return {{"thread", config.thread_id},
          {"status", outcome.status == flow::RunOutcome::Status::done ? "done" : "interrupted"},
          {"state", outcome.state},
          {"interrupts", interrupts},
          {"checkpoint", outcome.checkpoint_id},
          {"steps", outcome.steps}};
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

void CheckpointOptions::add_to(CLI::App& app) {
  app.add_option("--checkpoints", checkpoints,
                 "Where runs are kept: sqlite:PATH, postgres://..., redis://..., memory: (default: "
                 "sqlite:<state dir>/flows.db; the state dir is $ALITH_STATE_DIR, else "
                 "$XDG_STATE_HOME/alith, else ~/.local/state/alith)");
}

std::string CheckpointOptions::ref() const {
  if (!checkpoints.empty()) return checkpoints;
  const auto dir = state_dir();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError("cannot create the state folder " + dir.string() + ": " + ec.message());
  return "sqlite:" + (dir / "flows.db").string();
}

std::shared_ptr<flow::Checkpointer> CheckpointOptions::open() const {
  return flow::open_checkpointer(ref());
}

void FlowModelOptions::add_to(CLI::App& app) {
  app.add_option(
      "-m,--model", model,
      "Model of the agents whose `model:` is not set (a reference such as local:gemma3-270m, or with "
      "--base-url the server's model id)");
  app.add_option("--base-url", base_url, "Base URL of an OpenAI-compatible server for those agents");
  app.add_option("--api-key", api_key, "API key (default: from the environment or config.yaml)");
}

flow::WorkflowOptions FlowModelOptions::workflow_options() const {
  flow::WorkflowOptions options;
  auto cache = std::make_shared<ModelCache>(*this, Config::load());
  options.model_factory = [cache](const std::string& ref) { return cache->get(ref); };
  options.retriever_factory = [](const flow::KnowledgeSpec& spec) {
    return flow::make_retriever(spec, std::make_shared<knowledge::CachedEmbeddingModel>(
                                          llm::make_embedding_model(spec.embedding, Config::load()),
                                          knowledge::default_embedding_cache_path()));
  };
  return options;
}

Json FlowModelOptions::metadata() const {
  Json out = Json::object();
  if (!model.empty()) out["model"] = model;
  if (!base_url.empty()) out["base_url"] = base_url;
  return out;
}

void FlowModelOptions::fill_from(const Json& metadata) {
  const Json cli = metadata.is_object() ? metadata.value("cli", Json::object()) : Json::object();
  if (!cli.is_object()) return;
  // --base-url and --model travel together: a base URL from the thread is only taken with its model.
  if (model.empty() && base_url.empty()) {
    if (cli.contains("model") && cli["model"].is_string()) model = cli["model"].get<std::string>();
    if (cli.contains("base_url") && cli["base_url"].is_string())
      base_url = cli["base_url"].get<std::string>();
  }
}

Json parse_value(const std::string& text) {
  auto parsed = parse_json(text);
  return parsed ? *parsed : Json(text);
}

Json flow_metadata(const flow::Workflow& workflow) {
  Json files = Json::array();
  for (const auto& f : workflow.files) files.push_back({{"path", f.path.string()}, {"sha256", f.sha256}});
  return {{"name", workflow.name},
          {"path", workflow.files.at(0).path.string()},
          {"sha256", workflow.files.at(0).sha256},
          {"files", files}};
}

std::optional<flow::Workflow> load_or_report(const std::string& path, const flow::WorkflowOptions& options) {
  try {
    return flow::load_workflow(path, options);
  } catch (const flow::WorkflowError& e) {
    for (const auto& p : e.problems()) std::cerr << p.to_string() << "\n";
    std::cerr << "alith: " << e.problems().size() << (e.problems().size() == 1 ? " problem" : " problems")
              << " in the workflow; nothing ran\n";
    return std::nullopt;
  }
}

int drive(const flow::Workflow& workflow, flow::RunConfig config, const DriveOptions& options,
          const std::function<flow::RunOutcome(const flow::RunConfig&)>& start) {
  std::ostream& progress = options.json ? std::cerr : std::cout;
  Printer printer(progress);
  config.on_event = [&printer](const flow::RunEvent& event) { printer(event); };
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  flow::RunOutcome outcome;
  try {
    outcome = start(config);
    while (outcome.status == flow::RunOutcome::Status::interrupted && terminal) {
      printer.end_stream();
      std::map<std::string, Json> answers;
      for (const auto& i : outcome.interrupts) {
        std::cerr << "[" << i.node << "] " << show(i.payload, 2) << "\nanswer> " << std::flush;
        std::string line;
        if (!std::getline(std::cin, line)) break;
        answers[i.task_id] = parse_value(line);
      }
      if (answers.size() != outcome.interrupts.size()) break;  // stdin ended: leave the run paused
      outcome = workflow.graph->resume_tasks(config, answers);
    }
  } catch (const flow::StepLimitError& e) {
    printer.end_stream();
    std::cerr << "alith: " << e.what() << "\nalith: the run is kept; `alith resume " << config.thread_id
              << "` goes on from its last step\n";
    return 1;
  } catch (const Error& e) {
    // A failure before the first step (an unfinished thread, an input the state rejects) is the command's
    // problem and keeps its usual status; once steps ran, the thread holds the work done so far.
    if (!printer.started()) throw;
    printer.end_stream();
    std::cerr << "alith: " << to_string(e.code()) << ": " << e.what()
              << "\nalith: the run is kept at its last "
              << "checkpoint; once the cause is fixed, `alith resume " << config.thread_id << "` retries\n";
    return 1;
  }
  printer.end_stream();
  if (options.json) std::cout << dump_json(outcome_json(config, outcome), 2) << "\n";
  if (outcome.status == flow::RunOutcome::Status::interrupted) {
    const std::string where =
        options.checkpoints.empty() ? "" : " --checkpoints " + shell_quote(options.checkpoints);
    for (const auto& i : outcome.interrupts) {
      std::cerr << "[" << i.node << "] waiting for an answer: " << show(i.payload, 2) << "\n";
      std::cerr << "resume with: alith resume " << config.thread_id << where << " --value '<answer>'"
                << (outcome.interrupts.size() > 1 ? " --task " + i.task_id : "") << "\n";
    }
    return kExitInterrupted;
  }
  if (!options.json) std::cout << "state: " << dump_json(outcome.state, 2) << "\n";
  return 0;
}

std::string format_time(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

}  // namespace alith::cli
