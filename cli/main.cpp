// alith: ask a model or an agent from the terminal.

#include <CLI/CLI.hpp>
#include <iostream>

#include "alith/core/error.h"
#include "alith/version.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"alith: AI agents on any model, hosted or local"};
  app.set_version_flag("-V,--version", std::string("alith ") + ALITH_VERSION_STRING + " (llama.cpp " +
                                           ALITH_LLAMA_VERSION_STRING + ")");
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, alith::cli::Command>> commands;
  auto add = [&](alith::cli::Command (*fn)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    auto command = fn(app);
    commands.emplace_back(app.get_subcommands({}).at(before), std::move(command));
  };
  add(alith::cli::add_ask);
  add(alith::cli::add_chat);
  add(alith::cli::add_models);
  add(alith::cli::add_convert);
  add(alith::cli::add_bench);
  add(alith::cli::add_embed);
  add(alith::cli::add_index);
  add(alith::cli::add_query);
  add(alith::cli::add_run);
  add(alith::cli::add_resume);
  add(alith::cli::add_history);
  add(alith::cli::add_threads);
  add(alith::cli::add_wallet);
  add(alith::cli::add_mcp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
  } catch (const alith::Error& e) {
    std::cerr << "alith: " << alith::to_string(e.code()) << ": " << e.what() << "\n";
    return e.code() == alith::ErrorCode::config || e.code() == alith::ErrorCode::invalid_argument ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "alith: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
