// The built-in tools (alith/agent/builtin_tools.h).

#include "alith/agent/builtin_tools.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <system_error>

#include "alith/core/http.h"
#include "core/unique_fd.h"

namespace alith::agent {
namespace fs = std::filesystem;
namespace {

// ---------------------------------------------------------------------------------------------------------
// calculator

struct CalculatorArgs {
  std::string expression;
  static constexpr auto fields = std::make_tuple(
      field(&CalculatorArgs::expression, "expression",
            "Arithmetic expression, e.g. \"(2 + 3) * 4^2 / sqrt(2)\". Operators + - * / % ^, parentheses, "
            "functions sqrt abs ln log exp sin cos tan floor ceil round min max, constants pi e.",
            // Only the characters an expression can hold, so a constrained model cannot write prose or "=".
            R"({"maxLength": 200, "pattern": "^[0-9a-z .,+*/%^()-]+$"})"));
};

std::shared_ptr<Tool> make_calculator() {
  return make_tool<CalculatorArgs>(
      "calculator", "Evaluate an arithmetic expression exactly as a calculator would and return the number.",
      [](const CalculatorArgs& args) {
        auto value = evaluate_arithmetic(args.expression);
        if (!value) throw ToolError(value.error().message);
        return format_number(*value);
      });
}

// ---------------------------------------------------------------------------------------------------------
// current_time

struct TimeArgs {
  std::optional<std::string> timezone;
  static constexpr auto fields = std::make_tuple(field(
      &TimeArgs::timezone, "timezone", "Optional IANA timezone, e.g. \"Europe/Paris\" (the time is in UTC)"));
};

std::shared_ptr<Tool> make_current_time() {
  return make_tool<TimeArgs>(
      "current_time", "Get the current date and time (UTC, ISO-8601, and unix seconds).",
      [](const TimeArgs& args) {
        const auto now = std::chrono::system_clock::now();
        const std::time_t t = std::chrono::system_clock::to_time_t(now);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char iso[32];
        std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
        Json out{{"utc", iso}, {"unix", static_cast<int64_t>(t)}};
        if (args.timezone && !args.timezone->empty() && *args.timezone != "UTC") {
          out["note"] = "timezone conversion is not available; convert from UTC yourself";
        }
        return out;
      });
}

// ---------------------------------------------------------------------------------------------------------
// http_get

struct HttpGetArgs {
  std::string url;
  static constexpr auto fields =
      std::make_tuple(field(&HttpGetArgs::url, "url", "An http:// or https:// URL"));
};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Thrown from the body handler to stop reading once the cap is reached; not an error.
struct BodyCapReached {};

std::shared_ptr<Tool> make_http_get(const BuiltinToolOptions& options) {
  if (!options.allow_network) {
    throw ConfigError(
        "the http_get tool makes network requests and is off by default; enable it with "
        "BuiltinToolOptions::allow_network = true (alith CLI: --allow-network)");
  }
  auto client = options.http_client ? options.http_client : std::make_shared<http::Client>();
  const size_t cap = std::max<size_t>(options.max_http_bytes, 1);
  const auto timeout = options.http_timeout;
  return make_tool<HttpGetArgs>(
      "http_get", "Fetch a web page or API over HTTP(S) with GET; returns the status and the body as text.",
      [client, cap, timeout](const HttpGetArgs& args, const ToolContext& context) {
        const std::string& url = args.url;
        if (!starts_with_ci(url, "http://") && !starts_with_ci(url, "https://")) {
          throw ToolError("only http:// and https:// URLs are allowed");
        }
        if (url.size() > 8192) throw ToolError("URL too long");
        for (unsigned char c : url) {
          if (c <= 0x20 || c == 0x7f) throw ToolError("the URL contains spaces or control characters");
        }
        http::Request request;
        request.url = url;
        request.timeout = timeout;
        // The client counts streamed bytes too: leave room for the chunk that crosses the cap, so the handler
        // below (not the client) decides where to cut. Error bodies are not streamed and are cut afterwards.
        request.max_response_bytes = cap + 64 * 1024;
        std::string body;
        bool truncated = false;
        http::Response response;
        try {
          response = client->send_streaming(
              request,
              [&](std::string_view chunk) {
                const size_t room = cap - body.size();
                if (chunk.size() > room) {
                  body.append(chunk.substr(0, room));
                  throw BodyCapReached{};
                }
                body.append(chunk);
              },
              context.cancel);
          if (!response.ok()) body = std::move(response.body);
        } catch (const BodyCapReached&) {
          // Only 2xx bodies reach the handler; the exact status and headers are lost with the abort.
          response.status = 200;
          truncated = true;
        } catch (const TooLargeError&) {
          truncated = true;
        }
        if (body.size() > cap) {
          body.resize(cap);
          truncated = true;
        }
        Json out{{"status", response.status}, {"body", std::move(body)}, {"truncated", truncated}};
        if (auto type = response.header("content-type")) out["content_type"] = *type;
        return out;
      });
}

// ---------------------------------------------------------------------------------------------------------
// read_file

struct ReadFileArgs {
  std::string path;
  static constexpr auto fields = std::make_tuple(
      field(&ReadFileArgs::path, "path", "Path of the file, relative to the sandbox directory"));
};

bool inside(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

std::string read_sandboxed(const fs::path& root, const std::string& requested, size_t cap) {
  if (requested.empty()) throw ToolError("empty path");
  if (requested.find('\0') != std::string::npos) throw ToolError("the path contains a NUL character");
  std::error_code ec;
  const fs::path target = fs::canonical(root / fs::path(requested), ec);
  if (ec) throw ToolError("cannot open \"" + requested + "\": " + ec.message());
  if (!inside(root, target)) throw ToolError("\"" + requested + "\" is outside the sandbox directory");

  // O_NOFOLLOW: the canonical path has no symlinks unless one was swapped in since; O_NONBLOCK: a FIFO must
  // not hang the tool.
  Fd fd(::open(target.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) throw ToolError("cannot open \"" + requested + "\": " + std::strerror(errno));
#ifdef __linux__
  // Where the opened file really is, after any race with the checks above.
  const fs::path real = fs::read_symlink("/proc/self/fd/" + std::to_string(fd.get()), ec);
  if (ec || !inside(root, real)) throw ToolError("\"" + requested + "\" is outside the sandbox directory");
#endif
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw ToolError("cannot stat \"" + requested + "\"");
  if (S_ISDIR(st.st_mode)) throw ToolError("\"" + requested + "\" is a directory");
  if (!S_ISREG(st.st_mode)) throw ToolError("\"" + requested + "\" is not a regular file");

  std::string content(std::min<size_t>(static_cast<size_t>(st.st_size), cap), '\0');
  size_t got = 0;
  while (got < content.size()) {
    const ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ToolError("cannot read \"" + requested + "\": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  content.resize(got);
  if (content.find('\0') != std::string::npos)
    throw ToolError("\"" + requested + "\" looks like a binary file");
  if (static_cast<size_t>(st.st_size) > cap) {
    content += "\n[truncated: the file has " + std::to_string(st.st_size) + " bytes; showing the first " +
               std::to_string(cap) + "]";
  }
  return content;
}

std::shared_ptr<Tool> make_read_file(const BuiltinToolOptions& options) {
  if (options.sandbox_dir.empty()) {
    throw ConfigError(
        "the read_file tool needs a sandbox directory it may read: set BuiltinToolOptions::sandbox_dir "
        "(alith CLI: --sandbox DIR)");
  }
  std::error_code ec;
  fs::path root = fs::canonical(options.sandbox_dir, ec);
  if (ec || !fs::is_directory(root, ec)) {
    throw ConfigError("read_file: the sandbox directory \"" + options.sandbox_dir +
                      "\" does not exist or is not a directory");
  }
  const size_t cap = options.max_file_bytes;
  return make_tool<ReadFileArgs>("read_file",
                                 "Read a text file from the sandbox directory (paths are relative to it).",
                                 [root = std::move(root), cap](const ReadFileArgs& args) {
                                   return read_sandboxed(root, args.path, cap);
                                 });
}

}  // namespace

std::vector<std::string> builtin_tool_names() {
  return {"calculator", "current_time", "http_get", "read_file"};
}

std::shared_ptr<Tool> builtin_tool(std::string_view name, const BuiltinToolOptions& options) {
  if (name == "calculator") return make_calculator();
  if (name == "current_time") return make_current_time();
  if (name == "http_get") return make_http_get(options);
  if (name == "read_file") return make_read_file(options);
  std::string known;
  for (const auto& n : builtin_tool_names()) known += (known.empty() ? "" : ", ") + n;
  throw InvalidArgumentError("unknown built-in tool \"" + std::string(name) + "\"; available: " + known);
}

}  // namespace alith::agent
