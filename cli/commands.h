#pragma once

// The subcommands of `alith`. Each registers itself on the app and returns the code to exit with.

#include <CLI/CLI.hpp>
#include <functional>

namespace alith::cli {

using Command = std::function<int()>;

Command add_ask(CLI::App& app);
Command add_chat(CLI::App& app);
Command add_models(CLI::App& app);
Command add_convert(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_embed(CLI::App& app);
Command add_index(CLI::App& app);
Command add_query(CLI::App& app);
// Workflow files (flow.cpp, flow_history.cpp).
Command add_run(CLI::App& app);
Command add_resume(CLI::App& app);
Command add_history(CLI::App& app);
Command add_threads(CLI::App& app);
// Ethereum keys, signatures and transactions (wallet.cpp).
Command add_wallet(CLI::App& app);
// `alith mcp serve` (mcp.cpp).
Command add_mcp(CLI::App& app);

}  // namespace alith::cli
