// Reading a workflow file: size cap, YAML, the top-level keys, then state, agents, nodes and edges (in that
// order, whatever the file's order), subflows (with a nesting cap and cycle detection), and the graph's own
// checks, whose problems are pinned to the node they name.

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "alith/core/digest.h"
#include "flow/yaml/parts.h"

namespace alith::flow {
namespace {

std::string join_problems(const std::vector<WorkflowProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p.to_string();
  return out;
}

}  // namespace

std::string WorkflowProblem::to_string() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

WorkflowError::WorkflowError(std::vector<WorkflowProblem> problems)
    : ConfigError(join_problems(problems)), problems_(std::move(problems)) {}

namespace yaml {
namespace {

constexpr size_t kMaxProblems = 200;

std::optional<std::string> read_capped(const std::filesystem::path& path, size_t limit, std::string& error) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    error = "no such file";
    return std::nullopt;
  }
  // Not a FIFO or a device: reading one could block or never end.
  if (!std::filesystem::is_regular_file(status)) {
    error = "not a regular file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open it";
    return std::nullopt;
  }
  std::string text(limit + 1, '\0');  // one byte more than allowed tells an oversized file
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// Where the file's first two YAML documents start. yaml-cpp 0.7's LoadAll never returns on some inputs (a ','
// at the top level yields empty documents without consuming it), so documents are counted, at most two.
std::vector<YAML::Mark> document_starts(std::string_view text) {
  struct Starts final : YAML::EventHandler {
    std::vector<YAML::Mark> marks;
    void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } starts;
  std::istringstream stream{std::string(text)};
  YAML::Parser parser(stream);
  for (int i = 0; i < 2 && parser.HandleNextDocument(starts); ++i) {
  }
  return std::move(starts.marks);
}

std::string sha256_hex(std::string_view text) {
  const auto digest = sha256(text);
  return to_hex(digest);
}

// The graph's messages say START and END; the file says start and end.
std::string file_words(std::string message) {
  const auto replace_word = [&](std::string_view from, std::string_view to) {
    size_t at = 0;
    while ((at = message.find(from, at)) != std::string::npos) {
      const bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(message[at - 1]));
      const size_t end = at + from.size();
      const bool right = end == message.size() || !std::isalnum(static_cast<unsigned char>(message[end]));
      if (left && right) {
        message.replace(at, from.size(), to);
        at += to.size();
      } else {
        at = end;
      }
    }
  };
  replace_word(START, "start");
  replace_word(END, "end");
  replace_word("START", "start");
  replace_word("END", "end");
  return message;
}

// The node a graph problem is about: "node 'x' ..." or a cycle "(x -> y -> x)".
std::string named_node(const std::string& message) {
  if (auto at = message.find("node '"); at != std::string::npos) {
    const size_t begin = at + 6;
    const size_t end = message.find('\'', begin);
    if (end != std::string::npos) return message.substr(begin, end - begin);
  }
  if (message.rfind("the graph has a cycle (", 0) == 0) {
    const size_t begin = std::string_view("the graph has a cycle (").size();
    const size_t end = message.find(' ', begin);
    if (end != std::string::npos) return message.substr(begin, end - begin);
  }
  return "";
}

class Loader {
 public:
  explicit Loader(const WorkflowOptions& options) : options_(options) {}

  std::vector<WorkflowProblem> problems;
  std::vector<WorkflowFile> files;
  std::vector<std::filesystem::path> stack;  // the files being read, outermost first
  std::vector<std::string> read;             // every file's name in problems, in the order they were read

  // Compiles one file's text; null when it (or a subflow) has problems.
  std::shared_ptr<const Graph> compile(const std::string& display, std::string_view text,
                                       const std::filesystem::path& dir, Workflow* top);

 private:
  std::shared_ptr<const Graph> subflow(Doc& parent, const YAML::Node& scalar);

  const WorkflowOptions& options_;
  size_t depth_ = 0;
  std::map<std::filesystem::path, std::shared_ptr<const Graph>> done_;  // subflows read (null: had problems)
};

std::shared_ptr<const Graph> Loader::compile(const std::string& display, std::string_view text,
                                             const std::filesystem::path& dir, Workflow* top) {
  Doc doc(display, text, dir, options_.limits, problems);
  read.push_back(display);
  if (text.size() > options_.limits.max_file_bytes) {
    doc.report(Position{},
               "the file is larger than " + std::to_string(options_.limits.max_file_bytes) + " bytes");
    return nullptr;
  }
  std::vector<YAML::Mark> starts;
  YAML::Node root;
  try {
    starts = document_starts(text);
    if (!starts.empty()) root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    doc.report(e.mark, "invalid YAML: " + e.msg);
    return nullptr;
  }
  if (starts.size() > 1 && starts[1].pos == starts[0].pos) {
    // yaml-cpp found a document without reading anything: a character it cannot start one with.
    const auto at = static_cast<size_t>(std::max(starts[0].pos, 0));
    doc.report(starts[0],
               "invalid YAML: unexpected '" + std::string(1, at < text.size() ? text[at] : ' ') + "'");
    return nullptr;
  }
  if (starts.empty() || root.IsNull()) {
    doc.report(Position{1, 1}, "the file is empty: a workflow needs 'nodes' and 'edges'");
    return nullptr;
  }
  if (starts.size() > 1) {
    doc.report(starts[1], "a workflow file holds one YAML document; remove the '---' and what follows it");
  }
  const auto entries =
      doc.entries(root, "a workflow must be a mapping of name, state, agents, nodes and edges");
  if (!root.IsMap()) return nullptr;
  doc.check_keys(entries,
                 {"version", "name", "description", "max_steps", "state", "agents", "nodes", "edges"}, "");
  const auto section = [&](std::string_view key) -> const Entry* {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
    return it == entries.end() ? nullptr : &*it;
  };

  GraphBuilder builder;
  builder.threads(options_.threads);
  std::string name = std::filesystem::path(display).stem().string();
  if (const Entry* e = section("version")) {
    if (!e->value.IsScalar() || scalar_json(e->value) != 1)
      doc.report(*e, "'version' must be 1, the only format so far");
  }
  if (const Entry* e = section("name")) {
    if (auto v = doc.string_of(*e, "name")) name = *v;
  }
  if (const Entry* e = section("description")) doc.string_of(*e, "description");
  if (const Entry* e = section("max_steps")) {
    if (auto v = doc.int_of(*e, "max_steps", 1, 100'000)) builder.max_steps(static_cast<int>(*v));
  }

  Tools tools(options_);
  Context context{doc, options_, tools, [this, &doc](const YAML::Node& path) { return subflow(doc, path); }};
  if (const Entry* e = section("state")) builder.state(read_state(context, *e));
  Agents agents;
  if (const Entry* e = section("agents")) agents = read_agents(context, *e);
  const Entry* nodes_entry = section("nodes");
  const Entry* edges_entry = section("edges");
  if (!nodes_entry) doc.report(root, "missing 'nodes': the steps of the workflow");
  if (!edges_entry) doc.report(root, "missing 'edges': how the nodes connect, from start to end");
  std::vector<NodeDef> nodes;
  if (nodes_entry) nodes = read_nodes(context, *nodes_entry, agents);
  for (const auto& node : nodes) {
    if (node.subgraph) {
      builder.node(node.name, node.subgraph);
    } else {
      builder.node(node.name, node.fn);
    }
  }
  const bool edges_ok = edges_entry && read_edges(context, *edges_entry, nodes, builder);

  std::shared_ptr<const Graph> graph;
  if (edges_ok && nodes_entry) {
    try {
      graph = builder.compile();
    } catch (const GraphError& e) {
      for (const auto& problem : e.problems()) {
        const std::string node = named_node(problem);
        auto it = std::find_if(nodes.begin(), nodes.end(), [&](const NodeDef& n) { return n.name == node; });
        const YAML::Node& at = it != nodes.end() ? it->key : edges_entry->key_node;
        doc.report(at, file_words(problem));
      }
    }
  }
  if (top) {
    top->name = name;
    for (const auto& [agent, lazy] : agents) top->agents.push_back(agent);
  }
  if (doc.problems() > 0) return nullptr;
  return graph;
}

std::shared_ptr<const Graph> Loader::subflow(Doc& parent, const YAML::Node& scalar) {
  const std::string ref = scalar.Scalar();
  if (ref.empty()) {
    parent.report(scalar, "'flow' must name a workflow file");
    return nullptr;
  }
  if (depth_ >= options_.limits.max_depth) {
    parent.report(scalar,
                  "subflows nest deeper than " + std::to_string(options_.limits.max_depth) + " levels");
    return nullptr;
  }
  const std::filesystem::path given(ref);
  const std::filesystem::path full = given.is_absolute() ? given : parent.dir() / given;
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(full, ec);
  if (ec) canonical = full.lexically_normal();
  if (auto open = std::find(stack.begin(), stack.end(), canonical); open != stack.end()) {
    std::string chain;
    for (auto it = open; it != stack.end(); ++it) chain += it->filename().string() + " -> ";
    parent.report(scalar, "flow '" + ref + "' includes itself: " + chain + canonical.filename().string());
    return nullptr;
  }
  if (auto it = done_.find(canonical); it != done_.end()) return it->second;
  std::string error;
  auto text = read_capped(canonical, options_.limits.max_file_bytes, error);
  if (!text) {
    parent.report(scalar, "cannot read flow '" + ref + "': " + error);
    done_[canonical] = nullptr;
    return nullptr;
  }
  // Problems in the subflow name it as the user would: relative to the file that includes it.
  const std::string display =
      given.is_absolute()
          ? ref
          : (std::filesystem::path(parent.file()).parent_path() / given).lexically_normal().string();
  files.push_back({canonical, sha256_hex(*text)});
  stack.push_back(canonical);
  ++depth_;
  auto graph = compile(display, *text, canonical.parent_path(), nullptr);
  --depth_;
  stack.pop_back();
  done_[canonical] = graph;
  return graph;
}

[[noreturn]] void fail(std::vector<WorkflowProblem> problems, std::vector<std::string> order) {
  // Each file's problems in line order, files in the order they were read (the workflow's own first).
  for (const auto& p : problems) {
    if (std::find(order.begin(), order.end(), p.file) == order.end()) order.push_back(p.file);
  }
  std::stable_sort(problems.begin(), problems.end(), [&](const WorkflowProblem& a, const WorkflowProblem& b) {
    const auto fa = std::find(order.begin(), order.end(), a.file) - order.begin();
    const auto fb = std::find(order.begin(), order.end(), b.file) - order.begin();
    return std::tie(fa, a.line, a.column) < std::tie(fb, b.line, b.column);
  });
  if (problems.size() > kMaxProblems) {
    const size_t more = problems.size() - kMaxProblems;
    problems.resize(kMaxProblems);
    problems.push_back({problems.front().file, 0, 0, "... and " + std::to_string(more) + " more problems"});
  }
  throw WorkflowError(std::move(problems));
}

Workflow finish(Loader& loader, Workflow workflow, std::shared_ptr<const Graph> graph) {
  if (!loader.problems.empty() || !graph) {
    if (loader.problems.empty())
      loader.problems.push_back({"<workflow>", 0, 0, "the workflow did not compile"});
    fail(std::move(loader.problems), std::move(loader.read));
  }
  workflow.graph = std::move(graph);
  workflow.files = std::move(loader.files);
  return workflow;
}

}  // namespace
}  // namespace yaml

Workflow load_workflow(const std::filesystem::path& path, const WorkflowOptions& options) {
  yaml::Loader loader(options);
  std::string error;
  auto text = yaml::read_capped(path, options.limits.max_file_bytes, error);
  if (!text) throw WorkflowError({{path.string(), 0, 0, "cannot read the workflow: " + error}});
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  if (ec) absolute = std::filesystem::absolute(path).lexically_normal();
  loader.files.push_back({absolute, yaml::sha256_hex(*text)});
  loader.stack.push_back(absolute);
  Workflow workflow;
  auto graph = loader.compile(path.string(), *text, absolute.parent_path(), &workflow);
  return yaml::finish(loader, std::move(workflow), std::move(graph));
}

Workflow load_workflow_text(std::string_view text, std::string_view source_name,
                            const WorkflowOptions& options) {
  yaml::Loader loader(options);
  std::error_code ec;
  std::filesystem::path dir = options.base_dir.empty() ? std::filesystem::current_path(ec) : options.base_dir;
  loader.files.push_back({{}, yaml::sha256_hex(text)});
  Workflow workflow;
  auto graph = loader.compile(std::string(source_name), text, dir, &workflow);
  return yaml::finish(loader, std::move(workflow), std::move(graph));
}

}  // namespace alith::flow
