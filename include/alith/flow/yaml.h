#pragma once

// Workflows written as YAML files ("low-code" flows), compiled into a Graph. The full reference with examples
// is docs/workflows.md; in short:
//
//   name: review
//   max_steps: 20                  # required when the graph has a cycle
//   state:                         # keys: reducer (overwrite | append | merge), schema, initial
//     notes: {reducer: append}
//   agents:
//     writer: {model: "local:gemma3-270m", preamble: You write short drafts., tools: [calculator]}
//   nodes:
//     write:   {agent: writer, prompt: "Write about {{topic}}", output: draft}
//     approve: {interrupt: "Publish this draft?\n{{draft}}", output: approved}
//     publish: {set: {published: "true"}}        # values are condition-language expressions
//   edges:
//     - {from: start, to: write}
//     - {from: write, to: approve}
//     - {from: approve, to: publish, when: "approved == true or approved == 'yes'"}
//     - {from: approve, to: write, else: true}
//     - {from: publish, to: end}
//
// Node kinds: agent, interrupt, set, tool, flow (a subflow file). Edge kinds: plain (from -> to, fan-out
// with a list of targets), conditional (`when`, plus at most one `else` per node: the first matching
// condition in file order wins; no match and no `else` is a run-time error naming the node), map (`map:
// items` sends each element of the list to `to` as {as: element}) and join (a list of sources).
// Templates `{{expr}}` in prompts, interrupt payloads and tool arguments are expressions of the condition
// language (flow/expression.h) over the state: a string is inserted verbatim, anything else as JSON; a
// string that is exactly one template takes the value itself (so `{x: "{{count}}"}` passes a number).
//
// Loading checks everything before anything runs and reports every problem at once as
// `file:line:col: message` in a WorkflowError: malformed YAML, unknown keys (with "did you mean"), unknown
// agents, tools and nodes, a node with no kind or two, missing outputs, conditions and templates that do not
// parse (the column points into the scalar), and graph problems (no path to END, unreachable nodes, a cycle
// without max_steps). Models are not needed to load: each agent's model is made by the ModelFactory the
// first time one of its nodes runs.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/agent/builtin_tools.h"
#include "alith/agent/tool.h"
#include "alith/core/error.h"
#include "alith/flow/graph.h"
#include "alith/llm/chat_model.h"

namespace alith::knowledge {
class Retriever;
}

namespace alith::flow {

// One problem found in a workflow file. line and column are 1-based; 0 when the problem has no position.
struct WorkflowProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  // "file:line:col: message" (or "file: message" without a position).
  std::string to_string() const;
};

// Every problem of a workflow file and the subflows it includes; what() lists them one per line. Nothing
// ran: loading stops before any model is made or any node is built.
class WorkflowError : public ConfigError {
 public:
  explicit WorkflowError(std::vector<WorkflowProblem> problems);
  const std::vector<WorkflowProblem>& problems() const noexcept { return problems_; }

 private:
  std::vector<WorkflowProblem> problems_;
};

// Makes an agent's chat model from the file's model reference, which is empty when the agent names none
// (the application's default model applies then). Called once per agent, the first time it runs, on the
// thread running the node; may throw (ConfigError, IoError...), which fails that node.
using ModelFactory = std::function<std::shared_ptr<llm::ChatModel>(const std::string& model_ref)>;

// An agent's `knowledge:` section: a search_knowledge tool over a vector store.
struct KnowledgeSpec {
  std::string store;  // a store reference (store/vector_store.h); relative sqlite: paths are made absolute
  std::string embedding = "local:minilm";  // the model the store was indexed with
  std::string collection = "default";
  size_t k = 4;
  bool hybrid = false;
  std::optional<float> min_score;
};
using RetrieverFactory =
    std::function<std::shared_ptr<const knowledge::Retriever>(const KnowledgeSpec& spec)>;
// The retriever a knowledge section describes, over an embedding model the caller made (the default factory
// makes spec.embedding; the CLI wraps it in the on-disk embedding cache).
std::shared_ptr<const knowledge::Retriever> make_retriever(const KnowledgeSpec& spec,
                                                           std::shared_ptr<llm::EmbeddingModel> embedding);

// Caps that keep a hostile or broken file cheap to reject.
struct WorkflowLimits {
  size_t max_file_bytes = 1024 * 1024;
  size_t max_nodes = 256;   // per file
  size_t max_agents = 64;   // per file
  size_t max_edges = 1024;  // per file
  size_t max_state_keys = 256;
  size_t max_depth = 8;              // subflows within subflows
  size_t max_value_depth = 64;       // nesting of YAML values (schemas, arguments, initial values)
  size_t max_value_nodes = 100'000;  // YAML values read in all (aliases can repeat a value many times)
};

struct WorkflowOptions {
  // Null: llm::make_chat_model(ref, Config::load()); an agent without a model is then a ConfigError when it
  // runs.
  ModelFactory model_factory;
  // Null: store::open_store over llm::make_embedding_model(spec.embedding, Config::load()).
  RetrieverFactory retriever_factory;
  // Built-in tools (agent/builtin_tools.h) are made with these options.
  agent::BuiltinToolOptions tool_options;
  // The application's own tools, usable by name beside the built-in ones (these win on a name clash).
  std::map<std::string, std::shared_ptr<agent::Tool>> tools;
  // Where the subflows and relative sqlite: stores of a workflow given as text are resolved; empty: the
  // current directory. (A file's own directory is used for a file.)
  std::filesystem::path base_dir;
  WorkflowLimits limits;
  size_t threads = 4;  // each graph's pool for parallel tasks
};

// A file the workflow was read from, and the SHA-256 of its bytes (lowercase hex).
struct WorkflowFile {
  std::filesystem::path path;  // absolute (empty for text)
  std::string sha256;
};

struct Workflow {
  std::string name;  // `name:`, else the file's stem
  std::shared_ptr<const Graph> graph;
  // The file itself first, then every subflow file, each once.
  std::vector<WorkflowFile> files;
  std::vector<std::string> agents;  // the agents the file declares, by name
};

// Reads and compiles a workflow file. WorkflowError with every problem (an unreadable or oversized file is
// one too).
Workflow load_workflow(const std::filesystem::path& path, const WorkflowOptions& options = {});

// The same for a workflow's text; source_name is what problems name as the file. Subflow paths are resolved
// against options.base_dir.
Workflow load_workflow_text(std::string_view text, std::string_view source_name = "<workflow>",
                            const WorkflowOptions& options = {});

}  // namespace alith::flow
