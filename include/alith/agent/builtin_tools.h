#pragma once

// Ready-made tools:
//   calculator    arithmetic on an expression: + - * / % ^ (right-associative), parentheses, unary minus,
//                 decimals and exponents (1.5e3), functions sqrt abs ln log (base 10) exp sin cos tan floor
//                 ceil round min max, constants pi and e. A parser, never code execution; bounded in length
//                 and nesting.
//   current_time  the current UTC time as ISO-8601 and unix seconds (a requested timezone is not converted;
//                 the result says so).
//   http_get      GET an http(s) URL through alith::http::Client; status, content type and the body as text,
//                 cut at max_http_bytes. Off unless allow_network: it lets the model reach any host this
//                 process can (including loopback and private addresses).
//   read_file     read a text file inside sandbox_dir. Paths are resolved (symlinks included) and must stay
//                 inside the sandbox; the opened file is checked again after open, so a swapped symlink
//                 cannot escape. Needs sandbox_dir.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/core/error.h"

namespace alith::http {
class Client;
}

namespace alith::agent {

struct BuiltinToolOptions {
  bool allow_network = false;  // http_get
  std::string sandbox_dir;     // read_file
  size_t max_http_bytes = 256 * 1024;
  std::chrono::milliseconds http_timeout{20'000};
  std::shared_ptr<http::Client> http_client;  // null: the tool makes its own
  size_t max_file_bytes = 256 * 1024;         // read_file returns at most this much (and says it cut)
};

// The named tool. InvalidArgumentError for an unknown name; ConfigError when its option is missing
// (http_get without allow_network, read_file without an existing sandbox_dir), saying what to set.
std::shared_ptr<Tool> builtin_tool(std::string_view name, const BuiltinToolOptions& options = {});

std::vector<std::string> builtin_tool_names();

// The calculator's evaluator. Errors (code invalid_argument) say what is wrong and where: unknown names,
// syntax, division by zero, results that are not finite, input longer than 1000 characters or nested deeper
// than 64 levels.
Result<double> evaluate_arithmetic(std::string_view expression);

// How the calculator prints a result: integers without a fraction, others with up to 15 significant digits.
std::string format_number(double value);

}  // namespace alith::agent
