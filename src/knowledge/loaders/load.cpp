// Format dispatch, files and lists of paths.

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string>
#include <system_error>

#include "alith/knowledge/loader.h"
#include "formats.h"
#include "walker.h"

namespace alith::knowledge {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A format name or an extension (without the dot) to the format name; "" when unknown.
std::string canonical_format(std::string_view name) {
  const std::string n = lower(name.starts_with('.') ? name.substr(1) : name);
  if (n == "text" || n == "txt" || n == "log") return "text";
  if (n == "markdown" || n == "md") return "markdown";
  if (n == "html" || n == "htm") return "html";
  if (n == "pdf" || n == "csv" || n == "tsv" || n == "json") return n;
  if (n == "jsonl" || n == "ndjson") return "jsonl";
  return "";
}

std::string read_file(const fs::path& path, size_t max_bytes) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status))
    throw IoError(path.string() + ": " + (ec ? ec.message() : "no such file or directory"));
  if (!fs::is_regular_file(status)) throw IoError(path.string() + ": not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) throw IoError(path.string() + ": " + ec.message());
  if (size > max_bytes)
    throw TooLargeError(path.string() + ": " + std::to_string(size) + " bytes, over the limit of " +
                        std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path.string() + ": cannot open for reading");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad() || static_cast<size_t>(in.gcount()) != bytes.size())
    throw IoError(path.string() + ": read failed");
  return bytes;
}

}  // namespace

std::string format_for_path(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext.size() > 1 ? canonical_format(ext) : "";
}

bool supported_extension(const fs::path& path) {
  return !format_for_path(path).empty();
}

std::vector<Document> load_bytes(std::string_view bytes, std::string_view format, std::string source,
                                 const LoadOptions& options) {
  const std::string f = canonical_format(format);
  if (f.empty()) throw UnsupportedError(source + ": unknown document format '" + std::string(format) + "'");
  if (bytes.size() > options.max_bytes)
    throw TooLargeError(source + ": " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                        std::to_string(options.max_bytes));
  if (f == "text") return detail::load_text(bytes, source);
  if (f == "markdown") return detail::load_markdown(bytes, source);
  if (f == "html") return detail::load_html(bytes, source);
  if (f == "pdf") return detail::load_pdf(bytes, source);
  if (f == "csv") return detail::load_csv(bytes, source, options.csv, options.csv.delimiter);
  if (f == "tsv") return detail::load_csv(bytes, source, options.csv, '\t');
  if (f == "json") return detail::load_json(bytes, source, options.json);
  return detail::load_jsonl(bytes, source, options.json);
}

std::vector<Document> load_file(const fs::path& path, const LoadOptions& options) {
  const std::string format =
      options.format.empty() ? format_for_path(path) : canonical_format(options.format);
  if (format.empty()) {
    throw UnsupportedError(path.string() + ": unknown document format '" +
                           (options.format.empty() ? path.extension().string() : options.format) + "'");
  }
  return load_bytes(read_file(path, options.max_bytes), format, path.string(), options);
}

LoadReport load_paths(const std::vector<fs::path>& paths, const LoadOptions& options,
                      const WalkOptions& walk_options) {
  LoadReport report;
  const auto fail = [&](const fs::path& where, const Error& e) {
    report.failures.push_back({where.string(), e.code(), e.what()});
  };
  const auto load_one = [&](const fs::path& file) {
    try {
      auto docs = load_file(file, options);
      for (auto& d : docs) report.documents.push_back(std::move(d));
    } catch (const Error& e) {
      fail(file, e);
    }
  };
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      load_one(path);
      continue;
    }
    std::vector<fs::path> files;
    try {
      files = detail::walk_files(path, walk_options, fail);
    } catch (const Error& e) {
      fail(path, e);
    }
    for (const auto& file : files) load_one(file);
  }
  return report;
}

}  // namespace alith::knowledge
