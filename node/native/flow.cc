// Node bindings of flow/: graphs whose nodes, routers and reducers are JS functions, YAML workflows, and
// checkpointers. Runs happen on a native thread (RunWork); every JS callback goes through a JsFunction, so
// the engine's threads wait for JS while the event loop stays free.
//
// A JS node is called through the wrapper lib/flow.js makes: runner(state, info, answers) resolves to
// {update, tokens, emits} or {interrupt: payload, tokens, emits}. Interrupts cannot pause a JS function
// mid-call, so the wrapper throws out of the node at ctx.interrupt(); here the engine's interrupt() either
// pauses the run or hands back the human's answer, and the node runs again from its start with the answers
// so far (which is what the engine promises a resumed node anyway).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/core/error.h"
#include "alith/flow/agent_node.h"
#include "alith/flow/checkpointer.h"
#include "alith/flow/graph.h"
#include "alith/flow/state.h"
#include "alith/flow/yaml.h"
#include "alith/llm/registry.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "handles.h"
#include "mods_util.h"

namespace {

using alith::Json;
using namespace alith_node_mods;
namespace flow = alith::flow;

constexpr const char* kGraphTag = "Graph";
constexpr const char* kCheckpointerTag = "Checkpointer";

// The graph keeps its JS callbacks alive as long as it lives.
struct JsGraph {
  std::shared_ptr<const flow::Graph> graph;
  std::vector<std::shared_ptr<JsFunction>> callbacks;
};

flow::NodeFn JsNode(std::shared_ptr<JsFunction> fn) {
  return [fn](const Json& state, flow::NodeContext& ctx) -> Json {
    Json answers = Json::array();
    for (;;) {
      ctx.cancel().check();
      Json info = {{"threadId", ctx.thread_id()},
                   {"node", ctx.node()},
                   {"step", ctx.step()},
                   {"taskId", ctx.task_id()}};
      Json result = fn->Call(Json::array({state, info, answers}));
      if (!result.is_object()) return nullptr;
      if (auto it = result.find("tokens"); it != result.end() && it->is_array())
        for (const auto& t : *it)
          if (t.is_string()) ctx.emit_token(t.get<std::string>());
      if (auto it = result.find("emits"); it != result.end() && it->is_array())
        for (const auto& e : *it) ctx.emit(e);
      if (auto it = result.find("interrupt"); it != result.end()) {
        answers.push_back(ctx.interrupt(*it));
        continue;
      }
      auto update = result.find("update");
      return update == result.end() ? Json(nullptr) : *update;
    }
  };
}

flow::Router JsRouter(std::shared_ptr<JsFunction> fn) {
  return [fn](const Json& state) -> flow::Route {
    Json r = fn->Call(Json::array({state}));
    flow::Route route;
    if (r.is_object()) {
      if (auto it = r.find("nodes"); it != r.end())
        for (const auto& n : *it) route.nodes.push_back(n.get<std::string>());
      if (auto it = r.find("sends"); it != r.end())
        for (const auto& s : *it)
          route.sends.push_back(flow::Send{s.at("node").get<std::string>(), s.value("input", Json(nullptr))});
    }
    return route;
  };
}

flow::Reducer ReducerFrom(const std::string& key, const Json& spec, const Napi::Object& reducers,
                          std::vector<std::shared_ptr<JsFunction>>& keep) {
  std::string name = spec.is_string() ? spec.get<std::string>() : std::string("overwrite");
  if (name == "append") return flow::Reducer::append();
  if (name == "merge") return flow::Reducer::merge();
  if (name == "overwrite") return flow::Reducer::overwrite();
  if (name == "custom" && reducers.Has(key)) {
    auto fn = std::make_shared<JsFunction>(reducers.Env(), reducers.Get(key).As<Napi::Function>(),
                                           "alith-flow-reducer");
    keep.push_back(fn);
    return flow::Reducer::custom(key, [fn](const Json& current, const Json& update) {
      return fn->Call(Json::array({current, update}));
    });
  }
  throw alith::InvalidArgumentError("unknown reducer '" + name + "' for key " + key);
}

// spec: {state: {key: {reducer, schema, initial}}, nodes: [{name, subgraph?, agent?: {promptKey, outputKey,
// messagesKey, stream}}], edges: [[from, to]],
// joins: [[[from...], to]], branches: [{from, targets}], maxSteps, threads}; callbacks: {nodes: {name: fn},
// routers: [fn] (parallel to branches), reducers: {key: fn}, subgraphs: {name: graph}, agents: {name:
// Agent}}.
Napi::Value CompileGraph(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    Json spec = Arg(info, 0);
    Napi::Object callbacks = info[1].As<Napi::Object>();
    Napi::Object nodes = callbacks.Get("nodes").As<Napi::Object>();
    Napi::Array routers = callbacks.Get("routers").As<Napi::Array>();
    Napi::Object reducers = callbacks.Get("reducers").As<Napi::Object>();
    Napi::Object subgraphs = callbacks.Get("subgraphs").As<Napi::Object>();
    Napi::Object agents = callbacks.Get("agents").As<Napi::Object>();
    auto holder = std::make_shared<JsGraph>();
    flow::GraphBuilder builder;
    flow::StateSchema schema;
    if (Json state = Opt(spec, "state"); state.is_object()) {
      for (const auto& [key, k] : state.items()) {
        std::optional<Json> key_schema;
        if (Json s = Opt(k, "schema"); s.is_object()) key_schema = s;
        schema.key(key, ReducerFrom(key, Opt(k, "reducer"), reducers, holder->callbacks), key_schema,
                   Opt(k, "initial"));
      }
    }
    builder.state(schema);
    for (const auto& n : Opt(spec, "nodes")) {
      std::string name = n.at("name").get<std::string>();
      if (n.contains("agent")) {
        flow::AgentNodeOptions options;
        const Json& a = n.at("agent");
        options.prompt_key = GetString(a, "promptKey", options.prompt_key);
        options.output_key = GetString(a, "outputKey", options.output_key);
        options.messages_key = GetString(a, "messagesKey");
        if (Json stream = Opt(a, "stream"); stream.is_boolean()) options.stream = stream.get<bool>();
        builder.node(name, flow::agent_node(AgentFromJs(agents.Get(name)), options));
      } else if (n.value("subgraph", false)) {
        auto sub = UnwrapHandle<JsGraph>(subgraphs.Get(name), kGraphTag);
        holder->callbacks.insert(holder->callbacks.end(), sub->callbacks.begin(), sub->callbacks.end());
        builder.node(name, sub->graph);
      } else {
        auto fn = std::make_shared<JsFunction>(env, nodes.Get(name).As<Napi::Function>(), "alith-flow-node");
        holder->callbacks.push_back(fn);
        builder.node(name, JsNode(fn));
      }
    }
    for (const auto& e : Opt(spec, "edges"))
      builder.edge(e.at(0).get<std::string>(), e.at(1).get<std::string>());
    for (const auto& j : Opt(spec, "joins"))
      builder.join(j.at(0).get<std::vector<std::string>>(), j.at(1).get<std::string>());
    uint32_t index = 0;
    for (const auto& b : Opt(spec, "branches")) {
      auto fn =
          std::make_shared<JsFunction>(env, routers.Get(index++).As<Napi::Function>(), "alith-flow-router");
      holder->callbacks.push_back(fn);
      builder.branch(b.at("from").get<std::string>(), JsRouter(fn),
                     b.at("targets").get<std::vector<std::string>>());
    }
    if (Json m = Opt(spec, "maxSteps"); m.is_number()) builder.max_steps(m.get<int>());
    if (Json t = Opt(spec, "threads"); t.is_number()) builder.threads(t.get<size_t>());
    holder->graph = builder.compile();
    return WrapHandle(env, kGraphTag, holder);
  } catch (...) {
    RethrowAsJs(env);
  }
}

Napi::Value GraphNodes(const Napi::CallbackInfo& info) {
  auto g = UnwrapHandle<JsGraph>(info[0], kGraphTag);
  return ToJs(info.Env(), g->graph->nodes());
}

Napi::Value AgentTool(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return WrapTool(info.Env(), flow::agent_tool(AgentFromJs(info[0]), info[1].As<Napi::String>().Utf8Value(),
                                                 info[2].As<Napi::String>().Utf8Value()));
  });
}

// ---- runs
// ----------------------------------------------------------------------------------------------------

Json EventJson(const flow::RunEvent& e) {
  static const char* kinds[] = {"step_started", "task_started",  "task_finished", "token",
                                "custom",       "step_finished", "interrupted"};
  Json j = {{"kind", kinds[static_cast<int>(e.kind)]}, {"step", e.step}};
  if (!e.node.empty()) j["node"] = e.node;
  if (!e.task_id.empty()) j["taskId"] = e.task_id;
  if (!e.text.empty()) j["text"] = e.text;
  if (!e.checkpoint_id.empty()) j["checkpointId"] = e.checkpoint_id;
  if (!e.data.is_null()) j["data"] = e.data;
  return j;
}

Json OutcomeJson(const flow::RunOutcome& o) {
  Json interrupts = Json::array();
  for (const auto& i : o.interrupts)
    interrupts.push_back({{"taskId", i.task_id}, {"node", i.node}, {"payload", i.payload}});
  return {{"status", o.status == flow::RunOutcome::Status::done ? "done" : "interrupted"},
          {"state", o.state},
          {"interrupts", interrupts},
          {"checkpointId", o.checkpoint_id},
          {"steps", o.steps}};
}

// What a run needs, gathered on the main thread; the checkpointer (when given as a reference) is opened on
// the run's thread, since opening a server backend connects.
struct RunSetup {
  std::shared_ptr<JsGraph> graph;
  Json config;
  std::shared_ptr<flow::Checkpointer> checkpointer;
  std::string checkpointer_ref;
  std::shared_ptr<JsFunction> on_event;
  alith::CancelToken cancel;

  flow::RunConfig Make() {
    flow::RunConfig run;
    run.thread_id = GetString(config, "threadId", run.thread_id);
    if (!checkpointer && !checkpointer_ref.empty()) checkpointer = flow::open_checkpointer(checkpointer_ref);
    run.checkpointer = checkpointer;
    run.cancel = cancel;
    if (Json m = Opt(config, "maxSteps"); m.is_number()) run.max_steps = m.get<int>();
    if (Json m = Opt(config, "metadata"); m.is_object()) run.metadata = m;
    if (const std::string commit = GetString(config, "commit", "auto"); commit == "batched") {
      run.commit = flow::CommitMode::batched;
    } else if (commit == "sync") {
      run.commit = flow::CommitMode::sync;
    } else if (commit != "auto") {
      throw alith::InvalidArgumentError("commit must be 'auto', 'sync' or 'batched'");
    }
    if (on_event) {
      auto fn = on_event;
      run.on_event = [fn](const flow::RunEvent& e) { fn->Post(Json::array({EventJson(e)})); };
    }
    return run;
  }
  // Events are posted without waiting; one waited-for call after the run lets them all reach JS before the
  // run's Promise settles (a JsFunction's calls run in order).
  void Flush() const {
    if (on_event) on_event->Call(Json::array());
  }
};

// Every run function takes (graph, config, checkpointer, onEvent, signal, ...): config is plain JSON
// ({threadId, maxSteps, metadata, commit}); checkpointer a handle, a reference string or undefined.
RunSetup SetupFrom(const Napi::CallbackInfo& info) {
  RunSetup setup;
  setup.graph = UnwrapHandle<JsGraph>(info[0], kGraphTag);
  setup.config = Arg(info, 1);
  Napi::Value cp = info[2];
  if (cp.IsString())
    setup.checkpointer_ref = cp.As<Napi::String>().Utf8Value();
  else if (!cp.IsUndefined() && !cp.IsNull())
    setup.checkpointer = UnwrapHandle<flow::Checkpointer>(cp, kCheckpointerTag);
  if (info[3].IsFunction())
    setup.on_event =
        std::make_shared<JsFunction>(info.Env(), info[3].As<Napi::Function>(), "alith-flow-event");
  setup.cancel = CancelFromJs(info[4]);
  return setup;
}

Napi::Value GraphInvoke(const Napi::CallbackInfo& info) {
  RunSetup setup = SetupFrom(info);
  Json input = Arg(info, 5);
  if (input.is_null()) input = Json::object();
  return RunJsonWork(info.Env(), [setup, input]() mutable -> Json {
    auto outcome = setup.graph->graph->invoke(input, setup.Make());
    setup.Flush();
    return OutcomeJson(outcome);
  });
}

Napi::Value GraphResume(const Napi::CallbackInfo& info) {
  RunSetup setup = SetupFrom(info);
  std::optional<Json> value;
  if (info.Length() > 5 && !info[5].IsUndefined()) value = FromJs(info[5]);
  return RunJsonWork(info.Env(), [setup, value]() mutable -> Json {
    auto outcome = setup.graph->graph->resume(setup.Make(), value);
    setup.Flush();
    return OutcomeJson(outcome);
  });
}

Napi::Value GraphResumeTasks(const Napi::CallbackInfo& info) {
  RunSetup setup = SetupFrom(info);
  Json values = Arg(info, 5);
  return RunJsonWork(info.Env(), [setup, values]() mutable -> Json {
    std::map<std::string, Json> by_task;
    if (values.is_object())
      for (const auto& [k, v] : values.items()) by_task[k] = v;
    auto outcome = setup.graph->graph->resume_tasks(setup.Make(), by_task);
    setup.Flush();
    return OutcomeJson(outcome);
  });
}

Napi::Value GraphFork(const Napi::CallbackInfo& info) {
  RunSetup setup = SetupFrom(info);
  std::string checkpoint_id = info[5].As<Napi::String>().Utf8Value();
  Json update = Arg(info, 6);
  return RunJsonWork(info.Env(), [setup, checkpoint_id, update]() mutable -> Json {
    auto outcome = setup.graph->graph->fork(setup.Make(), checkpoint_id, update);
    setup.Flush();
    return OutcomeJson(outcome);
  });
}

// ---- checkpointers
// ---------------------------------------------------------------------------------------------

flow::CheckpointerOptions CheckpointerOptionsFrom(const Json& o) {
  flow::CheckpointerOptions options;
  if (GetString(o, "durability") == "power_loss" || GetString(o, "durability") == "powerLoss")
    options.durability = flow::Durability::power_loss;
  return options;
}

Napi::Value OpenCheckpointer(const Napi::CallbackInfo& info) {
  std::string ref = info[0].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 1);
  return RunWork(info.Env(), [ref, o]() -> Finish {
    auto cp = flow::open_checkpointer(ref, CheckpointerOptionsFrom(o));
    return [cp](Napi::Env env) { return WrapHandle(env, kCheckpointerTag, cp); };
  });
}

Json CheckpointJson(const flow::Checkpoint& c) {
  Json next = Json::array();
  for (const auto& t : c.next) {
    Json task = {{"id", t.id}, {"node", t.node}};
    if (t.input) task["input"] = *t.input;
    next.push_back(task);
  }
  return {{"threadId", c.thread_id},  {"id", c.id},   {"parentId", c.parent_id}, {"step", c.step},
          {"state", c.state},         {"next", next}, {"source", c.source},      {"metadata", c.metadata},
          {"createdMs", c.created_ms}};
}

std::shared_ptr<flow::Checkpointer> CheckpointerArg(const Napi::Value& v) {
  return UnwrapHandle<flow::Checkpointer>(v, kCheckpointerTag);
}

Napi::Value CheckpointerList(const Napi::CallbackInfo& info) {
  auto cp = CheckpointerArg(info[0]);
  std::string thread = info[1].As<Napi::String>().Utf8Value();
  size_t limit = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 0;
  return RunJsonWork(info.Env(), [cp, thread, limit]() -> Json {
    Json out = Json::array();
    for (const auto& c : cp->list(thread, limit)) out.push_back(CheckpointJson(c));
    return out;
  });
}

Napi::Value CheckpointerGet(const Napi::CallbackInfo& info) {
  auto cp = CheckpointerArg(info[0]);
  std::string thread = info[1].As<Napi::String>().Utf8Value();
  std::string id = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  return RunJsonWork(info.Env(), [cp, thread, id]() -> Json {
    auto c = cp->get(thread, id);
    return c ? CheckpointJson(*c) : Json(nullptr);
  });
}

Napi::Value CheckpointerThreads(const Napi::CallbackInfo& info) {
  auto cp = CheckpointerArg(info[0]);
  return RunJsonWork(info.Env(), [cp]() -> Json { return cp->threads(); });
}

Napi::Value CheckpointerDeleteThread(const Napi::CallbackInfo& info) {
  auto cp = CheckpointerArg(info[0]);
  std::string thread = info[1].As<Napi::String>().Utf8Value();
  return RunJsonWork(info.Env(), [cp, thread]() -> Json {
    cp->delete_thread(thread);
    return nullptr;
  });
}

// ---- YAML workflows
// ------------------------------------------------------------------------------------------

// options: {tools: [Tool], models: {ref: ChatModel}, model: ChatModel (for agents without a model), baseDir,
// threads}
flow::WorkflowOptions WorkflowOptionsFrom(Napi::Env env, const Napi::Value& value) {
  flow::WorkflowOptions options;
  if (!value.IsObject()) return options;
  Napi::Object o = value.As<Napi::Object>();
  if (Napi::Value tools = o.Get("tools"); tools.IsArray()) {
    Napi::Array list = tools.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      auto tool = ToolFromJs(list.Get(i));
      options.tools[tool->spec().name] = tool;
    }
  }
  std::map<std::string, std::shared_ptr<alith::llm::ChatModel>> models;
  if (Napi::Value m = o.Get("models"); m.IsObject()) {
    Napi::Object map = m.As<Napi::Object>();
    Napi::Array keys = map.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
      models[key] = ChatModelFromJs(map.Get(key));
    }
  }
  std::shared_ptr<alith::llm::ChatModel> fallback;
  if (Napi::Value m = o.Get("model"); !m.IsUndefined() && !m.IsNull()) fallback = ChatModelFromJs(m);
  if (!models.empty() || fallback)
    options.model_factory = [models,
                             fallback](const std::string& ref) -> std::shared_ptr<alith::llm::ChatModel> {
      if (auto it = models.find(ref); it != models.end()) return it->second;
      if (ref.empty() && fallback) return fallback;
      return alith::llm::make_chat_model(ref, alith::Config::load());
    };
  if (Napi::Value d = o.Get("baseDir"); d.IsString()) options.base_dir = d.As<Napi::String>().Utf8Value();
  if (Napi::Value t = o.Get("threads"); t.IsNumber()) options.threads = t.As<Napi::Number>().Uint32Value();
  (void)env;
  return options;
}

Napi::Value WorkflowJs(Napi::Env env, const flow::Workflow& wf) {
  auto holder = std::make_shared<JsGraph>();
  holder->graph = wf.graph;
  Json files = Json::array();
  for (const auto& f : wf.files) files.push_back({{"path", f.path.string()}, {"sha256", f.sha256}});
  Napi::Object out = Napi::Object::New(env);
  out.Set("name", wf.name);
  out.Set("graph", WrapHandle(env, kGraphTag, holder));
  out.Set("files", ToJs(env, files));
  out.Set("agents", ToJs(env, wf.agents));
  return out;
}

Napi::Value WorkflowErrorJs(Napi::Env env, const flow::WorkflowError& e) {
  Napi::Error error = ToJsError(env, e);
  Json problems = Json::array();
  for (const auto& p : e.problems())
    problems.push_back({{"file", p.file}, {"line", p.line}, {"column", p.column}, {"message", p.message}});
  error.Set("problems", ToJs(env, problems));
  return error.Value();
}

Napi::Value LoadWorkflow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    std::string path = info[0].As<Napi::String>().Utf8Value();
    return WorkflowJs(env, flow::load_workflow(path, WorkflowOptionsFrom(env, info[1])));
  } catch (const flow::WorkflowError& e) {
    throw Napi::Error(env, WorkflowErrorJs(env, e));
  } catch (...) {
    RethrowAsJs(env);
  }
}

Napi::Value LoadWorkflowText(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    std::string text = info[0].As<Napi::String>().Utf8Value();
    std::string source = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "<workflow>";
    return WorkflowJs(env, flow::load_workflow_text(text, source, WorkflowOptionsFrom(env, info[2])));
  } catch (const flow::WorkflowError& e) {
    throw Napi::Error(env, WorkflowErrorJs(env, e));
  } catch (...) {
    RethrowAsJs(env);
  }
}

}  // namespace

void InitFlow(Napi::Env env, Napi::Object exports) {
  Napi::Object f = Napi::Object::New(env);
  f.Set("compileGraph", Napi::Function::New(env, CompileGraph));
  f.Set("graphNodes", Napi::Function::New(env, GraphNodes));
  f.Set("agentTool", Napi::Function::New(env, AgentTool));
  f.Set("graphInvoke", Napi::Function::New(env, GraphInvoke));
  f.Set("graphResume", Napi::Function::New(env, GraphResume));
  f.Set("graphResumeTasks", Napi::Function::New(env, GraphResumeTasks));
  f.Set("graphFork", Napi::Function::New(env, GraphFork));
  f.Set("openCheckpointer", Napi::Function::New(env, OpenCheckpointer));
  f.Set("checkpointerList", Napi::Function::New(env, CheckpointerList));
  f.Set("checkpointerGet", Napi::Function::New(env, CheckpointerGet));
  f.Set("checkpointerThreads", Napi::Function::New(env, CheckpointerThreads));
  f.Set("checkpointerDeleteThread", Napi::Function::New(env, CheckpointerDeleteThread));
  f.Set("loadWorkflow", Napi::Function::New(env, LoadWorkflow));
  f.Set("loadWorkflowText", Napi::Function::New(env, LoadWorkflowText));
  exports.Set("flow", f);
}
