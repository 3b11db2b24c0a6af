// Patterns that choose who acts: a router (one classification, one branch) and a supervisor (a loop of
// delegations until it says FINISH).

#include <algorithm>
#include <cctype>
#include <utility>

#include "alith/agent/extractor.h"
#include "alith/core/error.h"
#include "flow/patterns/common.h"

namespace alith::flow {

using patterns_detail::as_text;
using patterns_detail::check_agents;
using patterns_detail::find_name;
using patterns_detail::input_text;
using patterns_detail::labelled;
using patterns_detail::names_of;
using patterns_detail::run_turn;

namespace {

constexpr std::string_view kFinish = "FINISH";

std::string agent_list(const std::vector<NamedAgent>& agents) {
  std::string out;
  for (const auto& a : agents)
    out += "- " + a.name + (a.description.empty() ? "" : ": " + a.description) + "\n";
  return out;
}

// A model's answer in an error message: enough to see what it said, not a whole essay.
std::string excerpt(const std::string& text) {
  constexpr size_t kMax = 200;
  return "\"" + (text.size() > kMax ? text.substr(0, kMax) + "..." : text) + "\"";
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

// A node where one route or worker answers `prompt(state)` and `update(answer)` is what it writes.
template <class Prompt, class Update>
NodeFn answer_node(std::shared_ptr<agent::Agent> agent, bool stream, Prompt prompt, Update update) {
  return [agent = std::move(agent), stream, prompt = std::move(prompt), update = std::move(update)](
             const Json& state, NodeContext& context) -> Json {
    return update(run_turn(*agent, prompt(state), context, stream).answer);
  };
}

}  // namespace

// ---- router -----------------------------------------------------------------------------------------------

std::shared_ptr<const Graph> router(std::shared_ptr<agent::Agent> classifier, std::vector<NamedAgent> routes,
                                    RouterOptions options) {
  check_agents(routes, {"classify"}, "router");
  if (!classifier) throw InvalidArgumentError("router: no classifier agent");
  const std::vector<std::string> names = names_of(routes);
  if (!options.fallback.empty() && std::find(names.begin(), names.end(), options.fallback) == names.end()) {
    throw InvalidArgumentError("router: the fallback '" + options.fallback + "' is not a route");
  }
  GraphBuilder builder;
  builder.state(StateSchema().key("input").key("classification").key("route").key("output"));

  std::function<std::string(const Json&)> prompt = std::move(options.prompt);
  if (!prompt) {
    prompt = [list = agent_list(routes)](const Json& state) {
      return "Choose the route for the request below.\n\nRoutes:\n" + list + "\nRequest:\n" +
             input_text(state, "router") + "\n\nAnswer with the route name only.";
    };
  }
  builder.node("classify", answer_node(std::move(classifier), options.stream, std::move(prompt),
                                       [names, fallback = options.fallback](std::string answer) {
                                         const auto found = find_name(answer, names);
                                         if (!found && fallback.empty()) {
                                           throw ParseError("router: the classifier's answer " +
                                                            excerpt(answer) + " names no route (" +
                                                            join_names(names) + ")");
                                         }
                                         const std::string route = found ? names[*found] : fallback;
                                         return Json{{"classification", std::move(answer)}, {"route", route}};
                                       }));
  builder.edge(std::string(START), "classify");
  builder.branch(
      "classify", [](const Json& state) { return Route(state.at("route").get<std::string>()); }, names);
  for (const auto& r : routes) {
    builder.node(r.name,
                 answer_node(
                     r.agent, options.stream, [](const Json& state) { return input_text(state, "router"); },
                     [](std::string answer) {
                       return Json{{"output", std::move(answer)}};
                     }));
    builder.edge(r.name, std::string(END));
  }
  builder.max_steps(2);
  return builder.compile();
}

// ---- supervisor -------------------------------------------------------------------------------------------

namespace {

struct Decision {
  Json reply;            // what the supervisor said: its text, or the extracted object
  std::string decision;  // a worker name, FINISH, or empty when the reply names neither
};
using Decide = std::function<Decision(const Json& state, const std::string& prompt, NodeContext& context)>;

std::string default_supervisor_prompt(const Json& state, const std::string& workers) {
  const Json work = state.value("work", Json::array());
  return "You coordinate these workers:\n" + workers + "\nRequest:\n" + input_text(state, "supervisor") +
         "\n\nWork so far:\n\n" +
         (work.empty() ? std::string("(none yet)\n\n") : labelled(work, "worker", "answer")) +
         "Reply with the name of the worker who should act next, or " + std::string(kFinish) +
         " when the work so far answers the request.";
}

// Letters and digits, lower-cased: "Researcher." and "researcher" say the same.
std::string bare(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// What the supervisor told the worker beyond naming it: its reply text, or the structured decision's reason.
std::string instructions_for(const Json& state, const std::string& worker) {
  const Json reply = state.value("supervisor", Json());
  if (reply.is_object()) return reply.value("reason", std::string());
  if (!reply.is_string()) return {};
  std::string text = reply.get<std::string>();
  return bare(text) == bare(worker) ? std::string() : text;
}

std::string default_worker_prompt(const Json& state, const std::string& worker) {
  const Json work = state.value("work", Json::array());
  const std::string instructions = instructions_for(state, worker);
  if (work.empty() && instructions.empty()) return input_text(state, "supervisor");
  std::string prompt = "Request:\n" + input_text(state, "supervisor") + "\n\n";
  if (!work.empty()) prompt += "Work so far:\n\n" + labelled(work, "worker", "answer");
  if (!instructions.empty()) prompt += "The supervisor says:\n" + instructions + "\n\n";
  prompt += "You are " + worker + ": do your part of the request.";
  return prompt;
}

std::shared_ptr<const Graph> supervisor_graph(std::vector<NamedAgent> workers, SupervisorOptions options,
                                              Decide decide) {
  check_agents(workers, {"supervise", kFinish}, "supervisor");
  const std::vector<std::string> names = names_of(workers);
  for (const auto& name : names) {
    if (bare(name) == bare(kFinish)) {
      throw InvalidArgumentError("supervisor: a worker cannot be named '" + name + "' (the FINISH decision)");
    }
  }
  if (options.max_rounds < 1) throw InvalidArgumentError("supervisor: max_rounds must be at least 1");
  if (!options.fallback.empty() && options.fallback != kFinish &&
      std::find(names.begin(), names.end(), options.fallback) == names.end()) {
    throw InvalidArgumentError("supervisor: the fallback '" + options.fallback +
                               "' is neither a worker nor FINISH");
  }
  GraphBuilder builder;
  builder.state(StateSchema()
                    .key("input")
                    .key("work", Reducer::append())
                    .key("decision")
                    .key("supervisor")
                    .key("finished_by")
                    .key("output"));

  std::vector<std::string> choices = names;
  choices.emplace_back(kFinish);
  std::function<std::string(const Json&)> prompt = std::move(options.prompt);
  if (!prompt) {
    prompt = [list = agent_list(workers)](const Json& state) {
      return default_supervisor_prompt(state, list);
    };
  }
  builder.node(
      "supervise",
      [decide = std::move(decide), prompt = std::move(prompt), choices, max_rounds = options.max_rounds,
       fallback = options.fallback](const Json& state, NodeContext& context) -> Json {
        const Json work = state.value("work", Json::array());
        const auto last_answer = [&work] { return as_text(work.back().value("answer", Json(""))); };
        Json update = Json::object();
        update["decision"] = kFinish;
        if (static_cast<int>(work.size()) >= max_rounds) {
          update["finished_by"] = "max_rounds";
          update["output"] = last_answer();
          return update;
        }
        Decision d = decide(state, prompt(state), context);
        if (d.decision.empty()) d.decision = fallback;
        if (d.decision.empty()) {
          throw ParseError("supervisor: the reply " + excerpt(as_text(d.reply)) + " names no worker and not " +
                           std::string(kFinish) + " (" + join_names(choices) + ")");
        }
        update["decision"] = d.decision;
        if (d.decision == kFinish) {
          update["finished_by"] = "supervisor";
          update["output"] = work.empty() ? Json(as_text(d.reply)) : Json(last_answer());
        }
        update["supervisor"] = std::move(d.reply);
        return update;
      });
  builder.edge(std::string(START), "supervise");
  std::vector<std::string> targets = names;
  targets.emplace_back(END);
  builder.branch(
      "supervise",
      [](const Json& state) {
        const std::string decision = state.value("decision", std::string(kFinish));
        return Route(decision == kFinish ? std::string(END) : decision);
      },
      targets);

  auto worker_prompt = std::move(options.worker_prompt);
  if (!worker_prompt) worker_prompt = default_worker_prompt;
  for (const auto& w : workers) {
    builder.node(w.name,
                 answer_node(
                     w.agent, options.stream,
                     [worker_prompt, name = w.name](const Json& state) { return worker_prompt(state, name); },
                     [name = w.name](std::string answer) {
                       Json entry{{"worker", name}, {"answer", std::move(answer)}};
                       return Json{{"work", Json::array({std::move(entry)})}};
                     }));
    builder.edge(w.name, "supervise");
  }
  // Each round is a supervise step and a worker step, and a last supervise step finishes.
  builder.max_steps(2 * options.max_rounds + 1);
  return builder.compile();
}

}  // namespace

std::shared_ptr<const Graph> supervisor(std::shared_ptr<agent::Agent> supervisor_agent,
                                        std::vector<NamedAgent> workers, SupervisorOptions options) {
  if (!supervisor_agent) throw InvalidArgumentError("supervisor: no supervisor agent");
  std::vector<std::string> choices = names_of(workers);
  choices.emplace_back(kFinish);
  const bool stream = options.stream;
  Decide decide = [agent = std::move(supervisor_agent), choices, stream](
                      const Json&, const std::string& prompt, NodeContext& context) {
    std::string reply = run_turn(*agent, prompt, context, stream).answer;
    const auto found = find_name(reply, choices);
    return Decision{Json(reply), found ? choices[*found] : std::string()};
  };
  return supervisor_graph(std::move(workers), std::move(options), std::move(decide));
}

std::shared_ptr<const Graph> structured_supervisor(std::shared_ptr<llm::ChatModel> model,
                                                   std::vector<NamedAgent> workers,
                                                   SupervisorOptions options) {
  if (!model) throw InvalidArgumentError("structured_supervisor: no model");
  Json choices = Json::array();
  for (const auto& w : workers) choices.push_back(w.name);
  choices.push_back(kFinish);
  const Json schema = {
      {"type", "object"},
      {"properties",
       {{"next",
         {{"type", "string"},
          {"enum", choices},
          {"description", "The worker who acts next, or FINISH when the work so far answers the request"}}},
        {"reason", {{"type", "string"}, {"description", "Why, and what the worker should do"}}}}},
      {"required", Json::array({"next"})}};
  agent::ExtractOptions extract;
  extract.name = "delegate";
  extract.description = "Name the worker who acts next, or FINISH.";
  extract.instructions = options.instructions.empty()
                             ? "You coordinate a team of workers. Decide who acts next: a worker's name, or "
                               "FINISH when the work so far answers the request."
                             : options.instructions;
  auto extractor = std::make_shared<const agent::Extractor>(std::move(model), schema, std::move(extract));
  Decide decide = [extractor](const Json&, const std::string& prompt, NodeContext& context) {
    Json value = extractor->extract(prompt, context.cancel());
    std::string next = value.value("next", std::string());
    return Decision{std::move(value), std::move(next)};
  };
  return supervisor_graph(std::move(workers), std::move(options), std::move(decide));
}

}  // namespace alith::flow
