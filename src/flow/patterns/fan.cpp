// Patterns without routing: sequential chains, parallel fan-out with a join, majority votes and debates.

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "alith/core/error.h"
#include "flow/patterns/common.h"

namespace alith::flow {

using patterns_detail::as_text;
using patterns_detail::check_agents;
using patterns_detail::input_text;
using patterns_detail::names_of;
using patterns_detail::run_turn;

namespace {

Json one_entry(std::initializer_list<std::pair<const char*, Json>> fields) {
  Json entry = Json::object();
  for (const auto& [key, value] : fields) entry[key] = value;
  return Json::array({std::move(entry)});
}

// START -> every agent, each writing {answers_key: {name: answer}}; they all run in the first step.
void fan_out(GraphBuilder& builder, const std::vector<NamedAgent>& agents, const std::string& answers_key,
             bool stream, const char* pattern) {
  for (const auto& a : agents) {
    builder.node(a.name,
                 [agent = a.agent, name = a.name, answers_key, stream, pattern](
                     const Json& state, NodeContext& context) -> Json {
                   auto result = run_turn(*agent, input_text(state, pattern), context, stream);
                   Json answers = Json::object();
                   answers[name] = std::move(result.answer);
                   Json update = Json::object();
                   update[answers_key] = std::move(answers);
                   return update;
                 });
    builder.edge(std::string(START), a.name);
  }
  // One thread per agent: they are meant to wait on their models side by side.
  builder.threads(agents.size());
}

std::string default_aggregate_prompt(const Json& state, const std::vector<std::string>& names) {
  std::string prompt = "Request:\n" + input_text(state, "parallel") + "\n\nAnswers from " +
                       std::to_string(names.size()) + " agents:\n\n";
  const Json answers = state.value("answers", Json::object());
  for (const auto& name : names) {
    prompt +=
        "[" + name + "]: " + (answers.contains(name) ? as_text(answers.at(name)) : "(no answer)") + "\n\n";
  }
  prompt += "Combine these answers into one final answer to the request.";
  return prompt;
}

GraphBuilder parallel_base(const std::vector<NamedAgent>& agents, bool stream) {
  check_agents(agents, {"aggregate"}, "parallel");
  GraphBuilder builder;
  builder.state(StateSchema().key("input").key("answers", Reducer::merge()).key("output"));
  fan_out(builder, agents, "answers", stream, "parallel");
  builder.join(names_of(agents), "aggregate");
  builder.edge("aggregate", std::string(END));
  builder.max_steps(2);
  return builder;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

// ---- sequential -----------------------------------------------------------------------------------------

std::shared_ptr<const Graph> sequential(std::vector<NamedAgent> agents, SequentialOptions options) {
  check_agents(agents, {}, "sequential");
  GraphBuilder builder;
  builder.state(StateSchema().key("input").key("steps", Reducer::append()).key("output"));
  std::string previous(START);
  for (size_t i = 0; i < agents.size(); ++i) {
    builder.node(agents[i].name,
                 [agent = agents[i].agent, name = agents[i].name, first = i == 0, stream = options.stream](
                     const Json& state, NodeContext& context) -> Json {
                   // The previous step's answer is the last entry of "steps" (the chain is the only writer).
                   const Json steps = state.value("steps", Json::array());
                   std::string prompt = first || steps.empty()
                                            ? input_text(state, "sequential")
                                            : as_text(steps.back().value("answer", Json("")));
                   auto result = run_turn(*agent, std::move(prompt), context, stream);
                   Json update = Json::object();
                   update["steps"] = one_entry({{"agent", name}, {"answer", result.answer}});
                   update["output"] = std::move(result.answer);
                   return update;
                 });
    builder.edge(previous, agents[i].name);
    previous = agents[i].name;
  }
  builder.edge(previous, std::string(END));
  builder.max_steps(static_cast<int>(agents.size()));
  return builder.compile();
}

// ---- parallel ---------------------------------------------------------------------------------------------

std::shared_ptr<const Graph> parallel(std::vector<NamedAgent> agents,
                                      std::shared_ptr<agent::Agent> aggregator, ParallelOptions options) {
  if (!aggregator) throw InvalidArgumentError("parallel: no aggregator agent");
  GraphBuilder builder = parallel_base(agents, options.stream);
  builder.node("aggregate",
               [aggregator = std::move(aggregator), names = names_of(agents),
                prompt = std::move(options.aggregate_prompt),
                stream = options.stream](const Json& state, NodeContext& context) -> Json {
                 auto result =
                     run_turn(*aggregator, prompt ? prompt(state) : default_aggregate_prompt(state, names),
                              context, stream);
                 return Json{{"output", std::move(result.answer)}};
               });
  return builder.compile();
}

std::shared_ptr<const Graph> parallel(std::vector<NamedAgent> agents, Aggregate aggregate,
                                      ParallelOptions options) {
  if (!aggregate) throw InvalidArgumentError("parallel: no aggregate function");
  GraphBuilder builder = parallel_base(agents, options.stream);
  builder.node("aggregate", [aggregate = std::move(aggregate)](const Json& state, NodeContext&) -> Json {
    return Json{{"output", aggregate(state.value("answers", Json::object()))}};
  });
  return builder.compile();
}

// ---- majority vote ----------------------------------------------------------------------------------------

std::string default_normalize(std::string_view answer) {
  std::string out;
  out.reserve(answer.size());
  bool pending_space = false;
  for (char c : answer) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  while (!out.empty() && (out.back() == '.' || out.back() == '!' || out.back() == '?' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

std::shared_ptr<const Graph> majority_vote(std::vector<NamedAgent> agents, Normalize normalize,
                                           VoteOptions options) {
  check_agents(agents, {"tally"}, "majority_vote");
  if (!normalize) normalize = default_normalize;
  GraphBuilder builder;
  builder.state(
      StateSchema().key("input").key("votes", Reducer::merge()).key("tally").key("winner").key("output"));
  fan_out(builder, agents, "votes", options.stream, "majority_vote");
  builder.node(
      "tally",
      [names = names_of(agents), normalize = std::move(normalize)](const Json& state, NodeContext&) -> Json {
        const Json votes = state.value("votes", Json::object());
        std::map<std::string, int> counts;
        std::vector<std::pair<std::string, std::string>> given;  // (normalized, answer) in agent order
        for (const auto& name : names) {
          if (!votes.contains(name)) continue;
          std::string answer = as_text(votes.at(name));
          std::string key = normalize(answer);
          ++counts[key];
          given.emplace_back(std::move(key), std::move(answer));
        }
        // The earliest agent's answer wins a tie: only a strictly larger count replaces the leader.
        const std::pair<std::string, std::string>* winner = nullptr;
        for (const auto& g : given) {
          if (!winner || counts[g.first] > counts[winner->first]) winner = &g;
        }
        Json tally = Json::object();
        for (const auto& [key, count] : counts) tally[key] = count;
        Json update = Json::object();
        update["tally"] = std::move(tally);
        update["winner"] = winner ? Json(winner->first) : Json(nullptr);
        update["output"] = winner ? Json(winner->second) : Json(nullptr);
        return update;
      });
  builder.join(names_of(agents), "tally");
  builder.edge("tally", std::string(END));
  builder.max_steps(2);
  return builder.compile();
}

// ---- debate -----------------------------------------------------------------------------------------------

namespace {

std::string transcript_text(const Json& state) {
  std::string out;
  for (const auto& turn : state.value("transcript", Json::array())) {
    if (!turn.is_object()) continue;
    out += "[" + as_text(turn.value("agent", Json(""))) + ", round " + as_text(turn.value("round", Json(0))) +
           "]: " + as_text(turn.value("text", Json(""))) + "\n\n";
  }
  return out;
}

}  // namespace

std::shared_ptr<const Graph> debate(std::vector<NamedAgent> debaters, std::shared_ptr<agent::Agent> judge,
                                    int rounds, DebateOptions options) {
  check_agents(debaters, {}, "debate");
  if (!judge) throw InvalidArgumentError("debate: no judge agent");
  if (rounds < 1) throw InvalidArgumentError("debate: rounds must be at least 1");
  GraphBuilder builder;
  builder.state(StateSchema().key("input").key("transcript", Reducer::append()).key("output"));
  auto debater_prompt = std::make_shared<const decltype(options.prompt)>(std::move(options.prompt));
  // Unrolled into a chain of turns: no cycle and no counter in the state, and each turn's node says who
  // spoke in which round.
  std::string previous(START);
  for (int round = 1; round <= rounds; ++round) {
    for (const auto& d : debaters) {
      const std::string node = d.name + "_" + std::to_string(round);
      builder.node(
          node,
          [agent = d.agent, name = d.name, round, rounds, debater_prompt, stream = options.stream](
              const Json& state, NodeContext& context) -> Json {
            std::string prompt;
            if (*debater_prompt) {
              prompt = (*debater_prompt)(state, name, round);
            } else {
              const std::string so_far = transcript_text(state);
              prompt =
                  "Question:\n" + input_text(state, "debate") + "\n\n" +
                  (so_far.empty() ? std::string("You speak first.\n\n") : "The debate so far:\n\n" + so_far) +
                  "You are " + name + ". Round " + std::to_string(round) + " of " + std::to_string(rounds) +
                  ": give your argument" + (so_far.empty() ? "." : ", answering the other points made.");
            }
            auto result = run_turn(*agent, std::move(prompt), context, stream);
            Json update = Json::object();
            update["transcript"] = one_entry({{"agent", name}, {"round", round}, {"text", result.answer}});
            return update;
          });
      builder.edge(previous, node);
      previous = node;
    }
  }
  builder.node("judge",
               [judge = std::move(judge), prompt = std::move(options.judge_prompt), stream = options.stream](
                   const Json& state, NodeContext& context) -> Json {
                 std::string text =
                     prompt ? prompt(state)
                            : "Question:\n" + input_text(state, "debate") + "\n\nThe debate:\n\n" +
                                  transcript_text(state) +
                                  "Weigh the arguments and give the final answer to the question.";
                 auto result = run_turn(*judge, std::move(text), context, stream);
                 return Json{{"output", std::move(result.answer)}};
               });
  builder.edge(previous, "judge");
  builder.edge("judge", std::string(END));
  builder.max_steps(rounds * static_cast<int>(debaters.size()) + 1);
  return builder.compile();
}

}  // namespace alith::flow
