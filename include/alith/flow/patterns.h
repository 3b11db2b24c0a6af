#pragma once

// Multi-agent patterns, each a small compiled graph (run it with invoke, checkpoint it, or use it as a
// subgraph node of a larger workflow).
//
//   auto graph = alith::flow::parallel({researcher, critic}, summarizer);
//   auto outcome = graph->invoke({{"input", "Should we adopt rollups?"}});
//   std::string answer = outcome.state["output"];
//
// The state convention every pattern shares: the user's request under "input" (a string; any other value is
// given to the agents as JSON text) and the final result under "output"; each pattern documents the keys of
// its intermediate results. Append keys ("steps", "work", "transcript", "messages", "handoffs") collect one
// request's progress, so run each request on its own thread id: a thread is one request and its continuations
// (resume after a crash or an interrupt), not a chat session.
//
// Agents run as nodes: one node task is one whole agent turn (its own tool loop included), its text deltas
// are the run's token events (RunEvent::Kind::token, node = the agent's node) unless `stream` is off, and the
// run's cancel token cancels it. An agent's error (a provider error, CancelledError, MaxStepsError...) fails
// the step and leaves invoke as that error. Agents must be safe to run concurrently where a pattern runs them
// in parallel (agents without memory are; with memory, runs are serialised).
//
// Node names are the agents' names (NamedAgent), so events and checkpoints say which agent acted. Names must
// be non-empty and unique within a pattern and must not be the pattern's own node names (listed per
// pattern): InvalidArgumentError otherwise, as for an empty agent list or a null agent.
//
// Every options struct gives each member a default, so designated initializers may name only some members
// (`{.max_rounds = 3}`) without -Wmissing-field-initializers.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alith/agent/agent.h"
#include "alith/core/json.h"
#include "alith/flow/graph.h"
#include "alith/llm/chat_model.h"

namespace alith::flow {

// An agent and the name a pattern knows it by (its node name, its label in prompts, a route or worker name).
struct NamedAgent {
  std::string name;
  std::shared_ptr<agent::Agent> agent;
  std::string description;  // what it is good for: shown to classifiers and supervisors

  // Named after the agent itself (agent->name()).
  NamedAgent(std::shared_ptr<agent::Agent> agent);  // NOLINT: implicit, so {writer, editor} reads naturally
  NamedAgent(std::string name, std::shared_ptr<agent::Agent> agent, std::string description = {});
};

// ---- sequential -----------------------------------------------------------------------------------------

struct SequentialOptions {
  bool stream = true;
};

// A chain: the first agent answers "input", every next agent gets the previous agent's answer as its prompt.
// Reads: input. Writes: steps (append: {"agent", "answer"} per agent, in order), output (the last answer).
std::shared_ptr<const Graph> sequential(std::vector<NamedAgent> agents, SequentialOptions options = {});

// ---- parallel ---------------------------------------------------------------------------------------------

struct ParallelOptions {
  // The aggregator agent's prompt; the default gives the request, then each answer under its agent's name,
  // in the order the agents were given.
  std::function<std::string(const Json& state)> aggregate_prompt{};
  bool stream = true;
};

// Every agent answers "input" at once (one step, a task per agent), then the aggregator answers a prompt
// listing their answers. Nodes: the agents, then "aggregate" (a join on all of them).
// Reads: input. Writes: answers (merge: agent name -> answer), output (the aggregator's answer).
std::shared_ptr<const Graph> parallel(std::vector<NamedAgent> agents,
                                      std::shared_ptr<agent::Agent> aggregator, ParallelOptions options = {});

// answers: the "answers" object (agent name -> answer); the result becomes "output" as it is.
using Aggregate = std::function<Json(const Json& answers)>;
// As above, with a function instead of an aggregator agent.
std::shared_ptr<const Graph> parallel(std::vector<NamedAgent> agents, Aggregate aggregate,
                                      ParallelOptions options = {});

// ---- router -----------------------------------------------------------------------------------------------

struct RouterOptions {
  // The route taken when the classifier's answer names none; empty: the run fails with a ParseError.
  std::string fallback{};
  // The classifier's prompt; the default lists the routes (with their descriptions) and the request and
  // asks for a route name only.
  std::function<std::string(const Json& state)> prompt{};
  bool stream = true;
};

// The classifier's answer picks one route, whose agent answers "input". The route is the route name found
// first in the answer, case-insensitively and as a whole word ("Billing." picks billing, "rebilling" does
// not); of names starting at the same place, the longest. Nodes: "classify", then the routes (a branch).
// Reads: input. Writes: classification (the classifier's answer), route (the route taken), output.
std::shared_ptr<const Graph> router(std::shared_ptr<agent::Agent> classifier, std::vector<NamedAgent> routes,
                                    RouterOptions options = {});

// ---- supervisor -------------------------------------------------------------------------------------------

struct SupervisorOptions {
  int max_rounds = 5;  // delegations; when they are spent the run finishes without asking the supervisor
  // Worker name or "FINISH", used when the supervisor's reply names neither; empty: ParseError.
  std::string fallback{};
  // The supervisor's prompt; the default lists the workers, the request and the work so far, and asks for a
  // worker name or FINISH.
  std::function<std::string(const Json& state)> prompt{};
  // A worker's prompt; the default is the request, the work so far, and the supervisor's reply when it says
  // more than the worker's name (its instructions).
  std::function<std::string(const Json& state, const std::string& worker)> worker_prompt{};
  // structured_supervisor only: the decision model's instructions (a generic coordinator prompt if empty).
  std::string instructions{};
  bool stream = true;
};

// The supervisor sees the request and the work so far and names the worker to act next, or FINISH; the
// worker's answer is added to the work and the supervisor decides again. The decision is the first worker
// name or FINISH found in the reply (matched as the router does). Finishing: output is the last worker's
// answer, or the supervisor's reply when no worker was asked. Nodes: "supervise" and the workers (a branch
// from supervise back through each worker: a cycle, limited to 2 * max_rounds + 1 steps).
// Reads: input. Writes: work (append: {"worker", "answer"}), decision (the last decision: a worker name or
// FINISH), supervisor (the supervisor's last reply), finished_by ("supervisor" or "max_rounds"), output.
std::shared_ptr<const Graph> supervisor(std::shared_ptr<agent::Agent> supervisor_agent,
                                        std::vector<NamedAgent> workers, SupervisorOptions options = {});

// As supervisor, but the decision is structured output: agent::Extractor asks model for
// {"next": <a worker name or "FINISH">, "reason": string} with "next" constrained to an enum, so a
// grammar-constrained or json_schema-capable server cannot name anything else. "supervisor" holds the
// extracted object; the decision streams no tokens.
std::shared_ptr<const Graph> structured_supervisor(std::shared_ptr<llm::ChatModel> model,
                                                   std::vector<NamedAgent> workers,
                                                   SupervisorOptions options = {});

// ---- handoff ----------------------------------------------------------------------------------------------

// An agent of a handoff, given as the configuration of its builder rather than a built agent: an Agent is
// immutable after build(), and the pattern must add the tools `transfer_to_<other>` (one per other agent) and
// a hook that ends the turn once one of them is called. configure gets a builder already named `name`; set
// the model, preamble, own tools and limits there (leave the name as is).
struct HandoffAgent {
  std::string name{};         // a node name, and transfer_to_<name> must be a valid tool name ([A-Za-z0-9_-])
  std::string description{};  // the others' transfer tool says it: when to hand over to this agent
  std::function<void(agent::AgentBuilder& builder)> configure{};
};

struct HandoffOptions {
  int max_handoffs = 5;  // one more transfer fails the run with agent::MaxStepsError (the conversation)
  bool stream = true;
};

// Agents that hand the conversation to each other (a "swarm"). `first` answers "input"; when an agent calls
// transfer_to_<other>, its turn ends right after that tool (no model call to comment on it) and <other> gets
// the conversation so far, rendered as text (the request, what each agent said, the tools they used and the
// transfers), and answers or transfers in turn. The run ends when an agent answers without transferring. Of
// several transfers in one reply, the first in call order wins. Nodes: the agents (branches to each other and
// END).
// Reads: input. Writes: messages (append: the conversation as JSON messages, llm::to_json; an assistant
// message's "name" is the agent that wrote it), handoffs (append: {"from", "to"}), active (the agent holding
// the conversation: the last transfer's target, finally the one that answered), output.
std::shared_ptr<const Graph> handoff(std::vector<HandoffAgent> agents, const std::string& first,
                                     HandoffOptions options = {});

// ---- majority vote ----------------------------------------------------------------------------------------

// What counts as the same answer. The default: lower case, whitespace trimmed and collapsed, and trailing
// . ! ? removed ("Paris." and " paris" agree).
using Normalize = std::function<std::string(std::string_view answer)>;
std::string default_normalize(std::string_view answer);

struct VoteOptions {
  bool stream = true;
};

// Every agent answers "input" at once; the normalized answer most agents gave wins, a tie going to the
// answer of the earliest agent (in the order given). Nodes: the agents, then "tally" (a join).
// Reads: input. Writes: votes (merge: agent name -> answer), tally (normalized answer -> count), winner (the
// winning normalized answer), output (the earliest winning agent's answer as it gave it).
std::shared_ptr<const Graph> majority_vote(std::vector<NamedAgent> agents, Normalize normalize = {},
                                           VoteOptions options = {});

// ---- debate -----------------------------------------------------------------------------------------------

struct DebateOptions {
  // A debater's prompt in a round (1-based); the default gives the question, the transcript so far and the
  // round.
  std::function<std::string(const Json& state, const std::string& debater, int round)> prompt{};
  // The judge's prompt; the default gives the question and the whole transcript.
  std::function<std::string(const Json& state)> judge_prompt{};
  bool stream = true;
};

// The debaters speak in turn for `rounds` rounds (>= 1), each seeing the transcript so far, then the judge
// answers. Nodes: "<debater>_<round>" for every turn (a chain), then "judge".
// Reads: input. Writes: transcript (append: {"agent", "round", "text"}), output (the judge's answer).
std::shared_ptr<const Graph> debate(std::vector<NamedAgent> debaters, std::shared_ptr<agent::Agent> judge,
                                    int rounds, DebateOptions options = {});

}  // namespace alith::flow
