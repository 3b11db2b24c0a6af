// The agent loop (alith/agent/agent.h).
//
// The request object doubles as the transcript: messages are appended to request.messages as the run goes,
// so a step costs no copy of the conversation unless a before_model hook needs one to edit.

#include "alith/agent/agent.h"

#include <exception>
#include <future>
#include <mutex>
#include <span>
#include <unordered_map>
#include <utility>

#include "alith/core/thread_pool.h"

namespace alith::agent {

struct Agent::Impl {
  std::string name;
  std::string preamble;
  std::shared_ptr<llm::ChatModel> model;
  std::vector<std::shared_ptr<Tool>> tools;
  std::unordered_map<std::string, Tool*> by_name;
  std::vector<llm::ToolSpec> specs;
  std::shared_ptr<Memory> memory;
  int max_steps = 10;
  llm::Sampling sampling;
  std::optional<int> max_tokens;
  llm::ToolChoice tool_choice;
  std::vector<Hooks> hooks;
  bool has_before_model = false;
  bool has_before_tool = false;
  bool has_after_tool = false;
  size_t tool_threads = 4;

  std::mutex run_mu;  // serialises runs when there is memory
  std::mutex spare_mu;
  std::vector<std::unique_ptr<llm::ChatRequest>> spare;  // recycled requests, see take_request()
  std::once_flag pool_once;
  std::unique_ptr<ThreadPool> pool;  // created on the first turn with several tool calls

  RunResult run(std::string prompt, const RunOptions& options, const EventHandler* on_event, bool streaming);

 private:
  llm::ChatResponse call_model(const llm::ChatRequest& request, const llm::CallOptions& call_options,
                               const EventHandler* on_event, bool streaming, int step);
  llm::ChatResponse send(const llm::ChatRequest& request, const llm::CallOptions& call_options,
                         const EventHandler* on_event, bool streaming, int step);
  void run_tools(std::vector<llm::ToolCall>& calls, std::vector<ToolOutcome>& outcomes,
                 const RunOptions& options, const EventHandler* on_event, int step);
  bool prepare_call(llm::ToolCall& call, ToolOutcome& outcome);
  ThreadPool& tool_pool();
  std::unique_ptr<llm::ChatRequest> take_request();
  void recycle(std::unique_ptr<llm::ChatRequest> request);
  std::string unknown_tool_message(const std::string& name) const;
};

namespace {

void emit(const EventHandler* on_event, AgentEvent::Kind kind, int step) {
  if (!on_event) return;
  AgentEvent event;
  event.kind = kind;
  event.step = step;
  (*on_event)(event);
}

// Waits for every started tool task, also when the run unwinds: the tasks reference the calls' arguments.
struct WaitAll {
  std::vector<std::future<ToolOutcome>>& futures;
  ~WaitAll() {
    for (auto& f : futures) {
      if (f.valid()) f.wait();
    }
  }
};

}  // namespace

RunResult Agent::Impl::run(std::string prompt, const RunOptions& options, const EventHandler* on_event,
                           bool streaming) {
  std::unique_lock<std::mutex> lock;
  if (memory) lock = std::unique_lock<std::mutex>(run_mu);

  std::unique_ptr<llm::ChatRequest> owned = take_request();
  struct Recycle {
    Impl& self;
    std::unique_ptr<llm::ChatRequest>& request;
    ~Recycle() { self.recycle(std::move(request)); }
  } recycle_at_exit{*this, owned};
  llm::ChatRequest& request = *owned;
  request.tool_choice = tool_choice;
  auto& messages = request.messages;
  std::vector<llm::Message> history;
  if (memory) history = memory->messages();
  // Room for a typical run (prompt, a tool turn, the answer) without regrowing.
  messages.reserve(history.size() + 6);
  if (!preamble.empty()) messages.push_back(llm::Message::system(preamble));
  messages.insert(messages.end(), std::make_move_iterator(history.begin()),
                  std::make_move_iterator(history.end()));
  const size_t first_new = messages.size();
  messages.push_back(llm::Message::user(std::move(prompt)));

  const llm::CallOptions call_options{options.cancel, options.model_timeout};
  llm::Usage usage;
  std::vector<ToolOutcome> outcomes;
  for (int step = 0; step < max_steps; ++step) {
    options.cancel.check();
    if (step == 1) request.tool_choice = llm::ToolChoice::automatic_choice();
    llm::ChatResponse response = call_model(request, call_options, on_event, streaming, step);
    usage += response.usage;
    for (const auto& h : hooks) {
      if (h.after_model) h.after_model(response);
    }
    if (on_event) {
      AgentEvent event;
      event.kind = AgentEvent::Kind::usage;
      event.step = step;
      event.usage = response.usage;
      (*on_event)(event);
    }
    response.message.role = llm::Role::assistant;

    if (response.message.tool_calls.empty()) {
      std::string answer = response.message.text();
      messages.push_back(std::move(response.message));
      emit(on_event, AgentEvent::Kind::step_finished, step);
      if (on_event) {
        AgentEvent event;
        event.kind = AgentEvent::Kind::final_answer;
        event.step = step;
        event.text = answer;
        (*on_event)(event);
      }
      if (memory) memory->append_all(std::span<const llm::Message>(messages).subspan(first_new));
      return RunResult{std::move(answer), std::move(messages), usage, step + 1};
    }

    auto& calls = response.message.tool_calls;
    for (size_t i = 0; i < calls.size(); ++i) {
      // Tool messages must name their call; some local models leave ids out.
      if (calls[i].id.empty()) calls[i].id = "call_" + std::to_string(step) + "_" + std::to_string(i);
    }
    // Reserved up front so the calls stay put while their results are appended (and the next reply fits).
    messages.reserve(messages.size() + 2 + calls.size());
    messages.push_back(std::move(response.message));
    auto& turn_calls = messages.back().tool_calls;
    run_tools(turn_calls, outcomes, options, on_event, step);
    for (size_t i = 0; i < turn_calls.size(); ++i) {
      messages.push_back(llm::Message::tool_result(turn_calls[i].id, turn_calls[i].name,
                                                   std::move(outcomes[i].content), outcomes[i].is_error));
    }
    emit(on_event, AgentEvent::Kind::step_finished, step);
  }
  throw MaxStepsError(
      "the agent reached its limit of " + std::to_string(max_steps) + " model calls without a final answer",
      std::move(messages), usage);
}

llm::ChatResponse Agent::Impl::call_model(const llm::ChatRequest& request,
                                          const llm::CallOptions& call_options, const EventHandler* on_event,
                                          bool streaming, int step) {
  if (!has_before_model) return send(request, call_options, on_event, streaming, step);
  // Hooks edit a copy: their changes apply to this step only and never leak into the transcript.
  llm::ChatRequest edited = request;
  for (const auto& h : hooks) {
    if (h.before_model) h.before_model(edited);
  }
  return send(edited, call_options, on_event, streaming, step);
}

llm::ChatResponse Agent::Impl::send(const llm::ChatRequest& request, const llm::CallOptions& call_options,
                                    const EventHandler* on_event, bool streaming, int step) {
  if (streaming && model->capabilities().streaming) {
    return model->stream(
        request,
        [&](const llm::StreamEvent& e) {
          if (on_event && e.kind == llm::StreamEvent::Kind::text_delta && !e.text.empty()) {
            AgentEvent event;
            event.kind = AgentEvent::Kind::text_delta;
            event.step = step;
            event.text = e.text;
            (*on_event)(event);
          }
        },
        call_options);
  }
  llm::ChatResponse response = model->complete(request, call_options);
  if (on_event && streaming) {
    // A model that cannot stream still shows its text, as one piece.
    std::string text = response.message.text();
    if (!text.empty()) {
      AgentEvent event;
      event.kind = AgentEvent::Kind::text_delta;
      event.step = step;
      event.text = std::move(text);
      (*on_event)(event);
    }
  }
  return response;
}

std::string Agent::Impl::unknown_tool_message(const std::string& tool_name) const {
  std::string m = "Error: there is no tool named \"" + tool_name + "\".";
  if (specs.empty()) return m + " No tools are available; answer without them.";
  m += " Available tools: ";
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i) m += ", ";
    m += specs[i].name;
  }
  return m + ".";
}

// Resolves arguments and hooks on the caller's thread. False when the outcome is already decided.
bool Agent::Impl::prepare_call(llm::ToolCall& call, ToolOutcome& outcome) {
  if (!by_name.count(call.name)) {
    outcome = {unknown_tool_message(call.name), true};
    return false;
  }
  if (call.arguments.is_null()) {
    if (call.raw_arguments.empty()) {
      call.arguments = Json::object();  // some providers send nothing for a call without parameters
    } else {
      auto parsed = parse_json(call.raw_arguments);
      if (!parsed) {
        outcome = {"Error: the arguments for tool \"" + call.name + "\" are not valid JSON (" +
                       parsed.error().message +
                       "). Call it again with a JSON object that matches its parameters.",
                   true};
        return false;
      }
      call.arguments = std::move(*parsed);
    }
  }
  if (has_before_tool) {
    for (const auto& h : hooks) {
      if (!h.before_tool) continue;
      ToolDecision decision = h.before_tool(call);
      if (!decision.allowed) {
        outcome = {
            decision.reason.empty() ? "Error: this tool call was not allowed." : std::move(decision.reason),
            true};
        return false;
      }
    }
  }
  return true;
}

// Requests are recycled between runs so that the tool specs (JSON schemas) are not copied on every run.
std::unique_ptr<llm::ChatRequest> Agent::Impl::take_request() {
  {
    std::lock_guard lock(spare_mu);
    if (!spare.empty()) {
      auto request = std::move(spare.back());
      spare.pop_back();
      return request;
    }
  }
  auto request = std::make_unique<llm::ChatRequest>();
  request->tools = specs;
  request->sampling = sampling;
  request->max_tokens = max_tokens;
  return request;
}

void Agent::Impl::recycle(std::unique_ptr<llm::ChatRequest> request) {
  request->messages.clear();
  request->tool_choice = tool_choice;
  std::lock_guard lock(spare_mu);
  if (spare.size() < 8) spare.push_back(std::move(request));
}

ThreadPool& Agent::Impl::tool_pool() {
  std::call_once(pool_once, [this] { pool = std::make_unique<ThreadPool>(tool_threads); });
  return *pool;
}

void Agent::Impl::run_tools(std::vector<llm::ToolCall>& calls, std::vector<ToolOutcome>& outcomes,
                            const RunOptions& options, const EventHandler* on_event, int step) {
  const size_t n = calls.size();
  outcomes.assign(n, ToolOutcome{});
  if (on_event) {
    for (const auto& call : calls) {
      AgentEvent event;
      event.kind = AgentEvent::Kind::tool_call_started;
      event.step = step;
      event.tool_call = call;
      (*on_event)(event);
    }
  }

  auto run_one = [&](size_t i) {
    outcomes[i] =
        run_tool(*by_name.at(calls[i].name), calls[i].arguments, ToolContext{options.cancel, calls[i].id});
  };
  // Indices of the calls that will actually run (none needed for the common single call).
  std::vector<size_t> runnable;
  if (n == 1) {
    if (prepare_call(calls[0], outcomes[0])) run_one(0);
  } else {
    runnable.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (prepare_call(calls[i], outcomes[i])) runnable.push_back(i);
    }
  }
  if (runnable.size() == 1) {
    run_one(runnable[0]);
  } else if (runnable.size() > 1) {
    std::vector<std::future<ToolOutcome>> futures;
    futures.reserve(runnable.size() - 1);
    std::exception_ptr error;
    {
      WaitAll wait_all{futures};
      for (size_t k = 1; k < runnable.size(); ++k) {
        const size_t i = runnable[k];
        Tool* tool = by_name.at(calls[i].name);
        const Json* args = &calls[i].arguments;
        futures.push_back(
            tool_pool().submit([tool, args, context = ToolContext{options.cancel, calls[i].id}] {
              return run_tool(*tool, *args, context);
            }));
      }
      // The caller's thread takes the first call instead of idling.
      try {
        run_one(runnable[0]);
      } catch (...) {
        error = std::current_exception();
      }
      for (size_t k = 1; k < runnable.size(); ++k) {
        try {
          outcomes[runnable[k]] = futures[k - 1].get();
        } catch (...) {
          if (!error) error = std::current_exception();
        }
      }
    }
    if (error) std::rethrow_exception(error);
  }
  options.cancel.check();

  for (size_t i = 0; i < n; ++i) {
    if (has_after_tool) {
      for (const auto& h : hooks) {
        if (h.after_tool) h.after_tool(calls[i], outcomes[i]);
      }
    }
    if (on_event) {
      AgentEvent event;
      event.kind = AgentEvent::Kind::tool_call_finished;
      event.step = step;
      event.tool_call = calls[i];
      event.text = outcomes[i].content;
      event.is_error = outcomes[i].is_error;
      (*on_event)(event);
    }
  }
}

Agent::Agent(Key, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Agent::~Agent() = default;

RunResult Agent::run(std::string prompt, const RunOptions& options) {
  return impl_->run(std::move(prompt), options, nullptr, options.stream);
}

RunResult Agent::stream(std::string prompt, const EventHandler& on_event, const RunOptions& options) {
  return impl_->run(std::move(prompt), options, on_event ? &on_event : nullptr, true);
}

std::string Agent::prompt(std::string text, const RunOptions& options) {
  return run(std::move(text), options).answer;
}

const std::string& Agent::name() const noexcept {
  return impl_->name;
}
const std::vector<llm::ToolSpec>& Agent::tool_specs() const noexcept {
  return impl_->specs;
}
const std::shared_ptr<Memory>& Agent::memory() const noexcept {
  return impl_->memory;
}

// ---------------------------------------------------------------------------------------------------------
// AgentBuilder

struct AgentBuilder::State {
  std::string name = "agent";
  std::string preamble;
  std::shared_ptr<llm::ChatModel> model;
  std::vector<std::shared_ptr<Tool>> tools;
  std::shared_ptr<Memory> memory;
  int max_steps = 10;
  llm::Sampling sampling;
  std::optional<int> max_tokens;
  llm::ToolChoice tool_choice;
  std::vector<Hooks> hooks;
  size_t tool_threads = 4;
};

AgentBuilder::AgentBuilder() : state_(std::make_unique<State>()) {}
AgentBuilder::~AgentBuilder() = default;
AgentBuilder::AgentBuilder(AgentBuilder&&) noexcept = default;
AgentBuilder& AgentBuilder::operator=(AgentBuilder&&) noexcept = default;

AgentBuilder& AgentBuilder::name(std::string name) {
  state_->name = std::move(name);
  return *this;
}
AgentBuilder& AgentBuilder::preamble(std::string system_prompt) {
  state_->preamble = std::move(system_prompt);
  return *this;
}
AgentBuilder& AgentBuilder::model(std::shared_ptr<llm::ChatModel> model) {
  state_->model = std::move(model);
  return *this;
}
AgentBuilder& AgentBuilder::tool(std::shared_ptr<Tool> tool) {
  if (!tool) throw InvalidArgumentError("AgentBuilder::tool: null tool");
  state_->tools.push_back(std::move(tool));
  return *this;
}
AgentBuilder& AgentBuilder::tools(const std::vector<std::shared_ptr<Tool>>& tools) {
  for (const auto& t : tools) tool(t);
  return *this;
}
AgentBuilder& AgentBuilder::memory(std::shared_ptr<Memory> memory) {
  state_->memory = std::move(memory);
  return *this;
}
AgentBuilder& AgentBuilder::max_steps(int steps) {
  state_->max_steps = steps;
  return *this;
}
AgentBuilder& AgentBuilder::sampling(llm::Sampling sampling) {
  state_->sampling = sampling;
  return *this;
}
AgentBuilder& AgentBuilder::max_tokens(int tokens) {
  state_->max_tokens = tokens;
  return *this;
}
AgentBuilder& AgentBuilder::tool_choice(llm::ToolChoice choice) {
  state_->tool_choice = std::move(choice);
  return *this;
}
AgentBuilder& AgentBuilder::hooks(Hooks hooks) {
  state_->hooks.push_back(std::move(hooks));
  return *this;
}
AgentBuilder& AgentBuilder::tool_threads(size_t threads) {
  state_->tool_threads = threads;
  return *this;
}

std::shared_ptr<Agent> AgentBuilder::build() const {
  const State& s = *state_;
  if (!s.model) throw ConfigError("AgentBuilder: no model; call .model(...) before build()");
  if (s.max_steps < 1) throw InvalidArgumentError("AgentBuilder: max_steps must be at least 1");
  if (s.tool_threads == 0) throw InvalidArgumentError("AgentBuilder: tool_threads must be at least 1");
  if (s.max_tokens && *s.max_tokens < 1)
    throw InvalidArgumentError("AgentBuilder: max_tokens must be positive");

  auto impl = std::make_unique<Agent::Impl>();
  impl->name = s.name;
  impl->preamble = s.preamble;
  impl->model = s.model;
  impl->tools = s.tools;
  for (const auto& t : s.tools) {
    const auto& spec = t->spec();
    if (!impl->by_name.emplace(spec.name, t.get()).second) {
      throw InvalidArgumentError("AgentBuilder: two tools are named \"" + spec.name + "\"");
    }
    impl->specs.push_back(spec);
  }
  using Mode = llm::ToolChoice::Mode;
  if (s.tool_choice.mode == Mode::named && !impl->by_name.count(s.tool_choice.name)) {
    throw InvalidArgumentError("AgentBuilder: tool_choice names \"" + s.tool_choice.name +
                               "\", which is not one of the agent's tools");
  }
  if (s.tool_choice.mode == Mode::required && s.tools.empty()) {
    throw InvalidArgumentError("AgentBuilder: tool_choice required, but the agent has no tools");
  }
  impl->memory = s.memory;
  impl->max_steps = s.max_steps;
  impl->sampling = s.sampling;
  impl->max_tokens = s.max_tokens;
  impl->tool_choice = s.tool_choice;
  impl->hooks = s.hooks;
  for (const auto& h : s.hooks) {
    impl->has_before_model |= static_cast<bool>(h.before_model);
    impl->has_before_tool |= static_cast<bool>(h.before_tool);
    impl->has_after_tool |= static_cast<bool>(h.after_tool);
  }
  impl->tool_threads = s.tool_threads;
  impl->spare.reserve(8);  // recycle() runs in a destructor: it must not allocate
  return std::make_shared<Agent>(Agent::Key{}, std::move(impl));
}

}  // namespace alith::agent
