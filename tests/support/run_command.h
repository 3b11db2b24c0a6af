#pragma once

// Runs a shell command line (through /bin/sh, so pipes and redirections work) and captures its stdout, for
// tests that drive the `alith` command end to end.

#include <string>

namespace alith::testing {

struct CommandOutput {
  int status = -1;  // the exit status; -1 when it could not start or a signal ended it
  std::string out;  // everything it wrote to stdout (add 2>&1 to the command for stderr too)
};

CommandOutput run_command(const std::string& command);

}  // namespace alith::testing
