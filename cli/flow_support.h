#pragma once

// What `alith run`, `resume`, `history` and `threads` share: where checkpoints live, how agents get their
// models, values typed on the command line, and driving a run to its end (printing node outputs as they
// come and asking a terminal for interrupt answers).

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "alith/core/json.h"
#include "alith/flow/checkpointer.h"
#include "alith/flow/graph.h"
#include "alith/flow/yaml.h"

namespace alith::cli {

// Exit status of a run that paused for a human and could not ask one (stdin is not a terminal).
inline constexpr int kExitInterrupted = 3;

struct CheckpointOptions {
  std::string checkpoints;  // a checkpointer reference; empty: sqlite:<state dir>/flows.db

  void add_to(CLI::App& app);
  // The reference in use; the default's folder is created.
  std::string ref() const;
  std::shared_ptr<flow::Checkpointer> open() const;
};

// The model of agents that name none (--model, or --base-url with --model), and the key for the providers.
struct FlowModelOptions {
  std::string model;
  std::string base_url;
  std::string api_key;

  void add_to(CLI::App& app);
  // Load options whose factories make the CLI's models (shared between agents with the same reference) and
  // knowledge stores (with the on-disk embedding cache).
  flow::WorkflowOptions workflow_options() const;
  // What a resume in another process needs to make the same models (never the key).
  Json metadata() const;
  // Fills what the command line left unset from a thread's metadata.
  void fill_from(const Json& metadata);
};

// A value given on the command line: JSON when it parses, else the text itself as a string.
Json parse_value(const std::string& text);

// The checkpoint metadata naming the workflow's files, so `alith resume` finds them.
Json flow_metadata(const flow::Workflow& workflow);

struct DriveOptions {
  bool json = false;        // the outcome as one JSON object on stdout; progress goes to stderr
  std::string checkpoints;  // for the resume hint: empty when it is the default
};

// Runs `start` (an invoke or a resume), printing node outputs as they come (an agent's tokens as they
// stream). On an interrupt, a terminal on stdin is asked and the run goes on in this process; otherwise the
// command to resume is printed and the result is kExitInterrupted. Prints the final state; returns the exit
// status.
int drive(const flow::Workflow& workflow, flow::RunConfig config, const DriveOptions& options,
          const std::function<flow::RunOutcome(const flow::RunConfig&)>& start);

// Loads a workflow, printing every problem as file:line:col on stderr; nullopt then (exit status 2).
std::optional<flow::Workflow> load_or_report(const std::string& path, const flow::WorkflowOptions& options);

// "2025-03-01 12:00:03" (UTC) for a checkpoint's time.
std::string format_time(int64_t unix_ms);

}  // namespace alith::cli
