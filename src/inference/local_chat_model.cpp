#include <mutex>
#include <regex>
#include <sstream>

#include "alith/core/error.h"
#include "alith/inference/local_model.h"
#include "chat.h"  // llama.cpp common: Jinja chat templates, tool-call formats and parsers

namespace alith::inference {

namespace {

common_chat_msg to_common(const llm::Message& m) {
  common_chat_msg out;
  out.role = std::string(llm::to_string(m.role));
  for (const auto& part : m.content) {
    if (part.kind != llm::ContentPart::Kind::text) {
      throw UnsupportedError("local models take text only; this message carries an image");
    }
  }
  out.content = m.text();
  for (const auto& call : m.tool_calls) {
    common_chat_tool_call c;
    c.name = call.name;
    c.id = call.id;
    // Arguments that did not parse (a call the model botched) go back as {}: the template renders the call
    // from JSON, and the tool's error result already told the model what went wrong.
    c.arguments = call.arguments.is_null() ? "{}" : call.arguments.dump();
    out.tool_calls.push_back(std::move(c));
  }
  if (m.role == llm::Role::tool) {
    out.tool_call_id = m.tool_call_id;
    out.tool_name = m.name;
  }
  return out;
}

common_chat_templates_inputs to_inputs(const llm::ChatRequest& request) {
  common_chat_templates_inputs in;
  for (const auto& m : request.messages) in.messages.push_back(to_common(m));
  const auto& choice = request.tool_choice;
  for (const auto& tool : request.tools) {
    // A named choice is "required" over that one tool: the grammar then admits no other.
    if (choice.mode == llm::ToolChoice::Mode::named && tool.name != choice.name) continue;
    in.tools.push_back({tool.name, tool.description, tool.parameters.dump()});
  }
  if (choice.mode == llm::ToolChoice::Mode::named && in.tools.empty()) {
    throw InvalidArgumentError("tool_choice names '" + choice.name +
                               "', which is not among the request's tools");
  }
  switch (choice.mode) {
    case llm::ToolChoice::Mode::automatic:
      in.tool_choice = COMMON_CHAT_TOOL_CHOICE_AUTO;
      break;
    case llm::ToolChoice::Mode::none:
      in.tool_choice = COMMON_CHAT_TOOL_CHOICE_NONE;
      break;
    case llm::ToolChoice::Mode::required:
    case llm::ToolChoice::Mode::named:
      in.tool_choice = COMMON_CHAT_TOOL_CHOICE_REQUIRED;
      break;
  }
  in.parallel_tool_calls = request.parallel_tool_calls;
  switch (request.response_format.kind) {
    case llm::ResponseFormat::Kind::text:
      break;
    case llm::ResponseFormat::Kind::json_object:
      in.json_schema = R"({"type":"object"})";
      break;
    case llm::ResponseFormat::Kind::json_schema:
      in.json_schema = request.response_format.schema.dump();
      break;
  }
  if (const auto it = request.extra.find("grammar"); it != request.extra.end() && it->is_string()) {
    if (!in.tools.empty() && in.tool_choice != COMMON_CHAT_TOOL_CHOICE_NONE) {
      throw InvalidArgumentError("a custom grammar cannot be combined with tools");
    }
    in.grammar = it->get<std::string>();
  }
  in.add_generation_prompt = true;
  in.use_jinja = true;
  return in;
}

SamplingParams merge(SamplingParams base, const llm::Sampling& s) {
  if (s.temperature) base.temperature = static_cast<float>(*s.temperature);
  if (s.top_p) base.top_p = static_cast<float>(*s.top_p);
  if (s.top_k) base.top_k = *s.top_k;
  if (s.min_p) base.min_p = static_cast<float>(*s.min_p);
  if (s.presence_penalty) base.presence_penalty = static_cast<float>(*s.presence_penalty);
  if (s.frequency_penalty) base.frequency_penalty = static_cast<float>(*s.frequency_penalty);
  if (s.repeat_penalty) base.repeat_penalty = static_cast<float>(*s.repeat_penalty);
  if (s.seed) base.seed = static_cast<uint32_t>(*s.seed);
  return base;
}

// llama.cpp's tool grammars are looser than an agent needs: under "required" the root admits free text before
// the first call (a small model rambles there until max_tokens and never calls), and the call rule repeats
// even when the request asks for one call. Tighten both where the grammar has the shape this llama.cpp pin
// generates; anything else is left as it is.
std::string tighten_tool_grammar(std::string gbnf, bool required, bool parallel) {
  std::istringstream in(gbnf);
  std::string out, line;
  static const std::regex free_text(R"( until-[0-9]+\?)");
  while (std::getline(in, line)) {
    if (required && line.starts_with("root ::= ")) line = std::regex_replace(line, free_text, "");
    if (!parallel && line.starts_with("tool-calls ::= ")) line = "tool-calls ::= tool-call";
    out += line;
    out += '\n';
  }
  return out;
}

Constraint to_constraint(const common_chat_params& p, const common_chat_templates_inputs& in) {
  Constraint c;
  c.gbnf = in.tools.empty()
               ? p.grammar
               : tighten_tool_grammar(p.grammar, in.tool_choice == COMMON_CHAT_TOOL_CHOICE_REQUIRED,
                                      in.parallel_tool_calls);
  c.lazy = p.grammar_lazy;
  c.generation_prompt = p.generation_prompt;
  c.preserved_tokens = p.preserved_tokens;
  for (const auto& t : p.grammar_triggers) {
    switch (t.type) {
      case COMMON_GRAMMAR_TRIGGER_TYPE_TOKEN:
      case COMMON_GRAMMAR_TRIGGER_TYPE_WORD:
        c.trigger_words.push_back(t.value);
        break;
      case COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN:
        c.trigger_patterns.push_back(t.value);
        break;
      case COMMON_GRAMMAR_TRIGGER_TYPE_PATTERN_FULL:
        c.trigger_patterns_full.push_back(t.value);
        break;
    }
  }
  return c;
}

llm::ToolCall to_tool_call(const common_chat_tool_call& c, size_t index) {
  llm::ToolCall call;
  call.id = c.id.empty() ? "call_" + std::to_string(index) : c.id;
  call.name = c.name;
  call.raw_arguments = c.arguments;
  try {
    call.arguments = Json::parse(c.arguments.empty() ? std::string("{}") : c.arguments);
  } catch (const std::exception&) {
    call.arguments = nullptr;  // the agent reports malformed arguments back to the model
  }
  return call;
}

// Turns successive partial parses of the growing output into stream events.
class StreamDiffer {
 public:
  StreamDiffer(const common_chat_parser_params& params, const llm::StreamHandler& on_event)
      : params_(params), on_event_(on_event) {}

  // partial: more output may follow. The final call (partial false) flushes what partial parses held back.
  void update(const std::string& text, bool partial = true) {
    common_chat_msg now;
    try {
      now = common_chat_parse(text, partial, params_);
    } catch (const std::exception&) {
      return;  // not parseable yet; the next piece may complete it
    }
    for (const auto& diff : common_chat_msg_diff::compute_diffs(previous_, now)) {
      if (!diff.content_delta.empty()) {
        llm::StreamEvent e;
        e.kind = llm::StreamEvent::Kind::text_delta;
        e.text = diff.content_delta;
        on_event_(e);
      }
      if (diff.tool_call_index == std::string::npos) continue;
      const int index = static_cast<int>(diff.tool_call_index);
      if (!diff.tool_call_delta.name.empty()) {
        llm::StreamEvent e;
        e.kind = llm::StreamEvent::Kind::tool_call_start;
        e.index = index;
        e.id = diff.tool_call_delta.id.empty() ? "call_" + std::to_string(index) : diff.tool_call_delta.id;
        e.name = diff.tool_call_delta.name;
        on_event_(e);
      }
      if (!diff.tool_call_delta.arguments.empty()) {
        llm::StreamEvent e;
        e.kind = llm::StreamEvent::Kind::tool_call_delta;
        e.index = index;
        e.text = diff.tool_call_delta.arguments;
        on_event_(e);
      }
    }
    previous_ = std::move(now);
  }

 private:
  const common_chat_parser_params& params_;
  const llm::StreamHandler& on_event_;
  common_chat_msg previous_;
};

}  // namespace

struct LocalChatModel::Templates {
  common_chat_templates_ptr templates;
  std::mutex
      mutex;  // template rendering is cheap next to inference; one at a time keeps the Jinja runtime safe
};

LocalChatModel::LocalChatModel(std::shared_ptr<Engine> engine, std::string id, LocalModelOptions options)
    : engine_(std::move(engine)), id_(std::move(id)), options_(std::move(options)) {
  if (!engine_) throw InvalidArgumentError("LocalChatModel: no engine");
  templates_ = std::make_shared<Templates>();
  try {
    templates_->templates =
        common_chat_templates_init(engine_->model().raw(), engine_->model().metadata().chat_template);
  } catch (const std::exception& e) {
    throw ParseError("chat template of " + engine_->model().path().string() + " does not parse: " + e.what());
  }
  if (!templates_->templates)
    throw ParseError("no usable chat template for " + engine_->model().path().string());
}

llm::Capabilities LocalChatModel::capabilities() const {
  llm::Capabilities c;
  c.tools = true;
  c.json_schema = true;
  c.json_object = true;
  c.images = false;
  c.streaming = true;
  return c;
}

llm::ChatResponse LocalChatModel::complete(const llm::ChatRequest& request, const llm::CallOptions& options) {
  return run(request, nullptr, options);
}

llm::ChatResponse LocalChatModel::stream(const llm::ChatRequest& request, const llm::StreamHandler& on_event,
                                         const llm::CallOptions& options) {
  return run(request, &on_event, options);
}

LocalChatModel::LastCall LocalChatModel::last_call() const {
  std::lock_guard lock(last_mutex_);
  return last_;
}

llm::ChatResponse LocalChatModel::run(const llm::ChatRequest& request, const llm::StreamHandler* on_event,
                                      const llm::CallOptions& options) {
  if (request.messages.empty()) throw InvalidArgumentError("chat request has no messages");
  options.cancel.check();
  const common_chat_templates_inputs inputs = to_inputs(request);
  common_chat_params chat;
  {
    std::lock_guard lock(templates_->mutex);
    try {
      chat = common_chat_templates_apply(templates_->templates.get(), inputs);
    } catch (const std::exception& e) {
      throw InvalidArgumentError(std::string("chat template rejected the request: ") + e.what());
    }
  }
  common_chat_parser_params parser(chat);
  parser.parse_tool_calls = !inputs.tools.empty() && inputs.tool_choice != COMMON_CHAT_TOOL_CHOICE_NONE;
  if (!chat.parser.empty()) parser.parser.load(chat.parser);

  GenerateRequest g;
  g.prompt = engine_->tokenize(chat.prompt, true, true);
  g.sampling = merge(options_.sampling, request.sampling);
  g.max_tokens = request.max_tokens.value_or(options_.default_max_tokens);
  g.stop = request.stop;
  g.stop.insert(g.stop.end(), chat.additional_stops.begin(), chat.additional_stops.end());
  if (!chat.grammar.empty()) {
    g.constraint = to_constraint(chat, inputs);
  } else if (!inputs.grammar.empty()) {
    g.constraint = Constraint::from_gbnf(inputs.grammar);
  }
  g.cancel = options.cancel;

  std::string text;
  std::optional<StreamDiffer> differ;
  if (on_event) {
    differ.emplace(parser, *on_event);
    g.on_text = [&](std::string_view piece) {
      text.append(piece);
      differ->update(text);
    };
  }
  GenerateResult result = engine_->generate(g);
  if (result.reason == StopReason::cancelled) throw CancelledError("local generation cancelled");
  if (differ) differ->update(result.text, false);

  common_chat_msg parsed;
  bool parsed_ok = true;
  try {
    parsed = common_chat_parse(result.text, false, parser);
  } catch (const std::exception&) {
    parsed_ok = false;  // e.g. a call cut off by max_tokens: hand back the raw text
  }
  llm::ChatResponse response;
  response.model = id_;
  response.message.role = llm::Role::assistant;
  if (parsed_ok) {
    if (!parsed.content.empty())
      response.message.content.push_back(llm::ContentPart::make_text(parsed.content));
    for (size_t i = 0; i < parsed.tool_calls.size(); ++i) {
      response.message.tool_calls.push_back(to_tool_call(parsed.tool_calls[i], i));
    }
    // Small models repeat calls until the token limit; the last one is then cut off mid-arguments. Drop it
    // rather than hand the agent a call that was never finished.
    auto& calls = response.message.tool_calls;
    if (result.reason == StopReason::max_tokens && calls.size() > 1 && calls.back().arguments.is_null()) {
      calls.pop_back();
    }
  } else if (!result.text.empty()) {
    response.message.content.push_back(llm::ContentPart::make_text(result.text));
  }
  response.raw_finish_reason = std::string(to_string(result.reason));
  if (!response.message.tool_calls.empty()) {
    response.finish_reason = llm::FinishReason::tool_calls;
  } else if (result.reason == StopReason::max_tokens || result.reason == StopReason::context_full) {
    response.finish_reason = llm::FinishReason::length;
  } else {
    response.finish_reason = llm::FinishReason::stop;
  }
  response.usage.prompt_tokens = result.stats.prompt_tokens;
  response.usage.completion_tokens = result.stats.generated_tokens;
  response.usage.total_tokens = response.usage.prompt_tokens + response.usage.completion_tokens;
  if (on_event) {
    llm::StreamEvent usage;
    usage.kind = llm::StreamEvent::Kind::usage;
    usage.usage = response.usage;
    (*on_event)(usage);
  }
  {
    std::lock_guard lock(last_mutex_);
    last_.stats = result.stats;
    last_.prompt = chat.prompt;
  }
  return response;
}

}  // namespace alith::inference
