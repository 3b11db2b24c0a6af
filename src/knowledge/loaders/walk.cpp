// The directory walk: sorted, pruned by globs, hidden entries and symlinks handled as walk.h says.

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "alith/knowledge/loader.h"
#include "walker.h"

namespace alith::knowledge {

namespace fs = std::filesystem;

namespace detail {

namespace {

bool any_match(const std::vector<std::string>& patterns, const std::string& rel) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return glob_match(p, rel); });
}

// Device and inode of a directory (following links), so each is entered once.
std::optional<std::pair<dev_t, ino_t>> identity(const fs::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(st.st_dev, st.st_ino);
}

}  // namespace

std::vector<fs::path> walk_files(const fs::path& root, const WalkOptions& options,
                                 const WalkErrorHandler& on_error) {
  std::error_code ec;
  const fs::file_status root_status = fs::status(root, ec);
  if (ec || !fs::exists(root_status))
    throw IoError(root.string() + ": " + (ec ? ec.message() : "no such file or directory"));
  if (fs::is_regular_file(root_status)) return {root};
  if (!fs::is_directory(root_status)) throw IoError(root.string() + ": not a regular file or directory");

  std::set<std::pair<dev_t, ino_t>> entered;
  if (auto id = identity(root)) entered.insert(*id);
  std::vector<std::pair<std::string, fs::path>> files;  // relative path, path
  std::vector<std::pair<fs::path, std::string>> pending{{root, ""}};
  // Depth first, each directory's entries in name order, and a directory is claimed by the first path that
  // reaches it (by device and inode), so that when two links reach one directory the same one wins every
  // time.
  while (!pending.empty()) {
    auto [dir, prefix] = std::move(pending.back());
    pending.pop_back();
    std::vector<fs::directory_entry> entries;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) entries.push_back(*it);
    if (ec) {
      const IoError error(dir.string() + ": cannot read directory: " + ec.message());
      ec.clear();
      if (!on_error) throw error;
      on_error(dir, error);
      continue;
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    std::vector<std::pair<fs::path, std::string>> subdirs;
    for (const fs::directory_entry& entry : entries) {
      const std::string name = entry.path().filename().string();
      if (!options.hidden && name.starts_with('.')) continue;
      const std::string rel = prefix.empty() ? name : prefix + "/" + name;
      std::error_code entry_ec;
      fs::file_status status = entry.symlink_status(entry_ec);
      if (entry_ec) continue;  // vanished meanwhile
      if (fs::is_symlink(status)) {
        if (!options.follow_symlinks) continue;
        status = entry.status(entry_ec);
        if (entry_ec || !fs::exists(status)) continue;  // dangling
      }
      if (fs::is_directory(status)) {
        if (any_match(options.exclude, rel)) continue;
        const auto id = identity(entry.path());
        if (id && !entered.insert(*id).second) continue;  // a cycle, or a directory linked twice
        subdirs.emplace_back(entry.path(), rel);
      } else if (fs::is_regular_file(status)) {
        if (any_match(options.exclude, rel)) continue;
        const bool wanted =
            options.include.empty() ? supported_extension(entry.path()) : any_match(options.include, rel);
        if (wanted) files.emplace_back(rel, entry.path());
      }
    }
    // Reversed onto the stack so they are entered in name order.
    for (auto sub = subdirs.rbegin(); sub != subdirs.rend(); ++sub) pending.push_back(std::move(*sub));
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<fs::path> out;
  out.reserve(files.size());
  for (auto& f : files) out.push_back(std::move(f.second));
  return out;
}

}  // namespace detail

std::vector<fs::path> walk(const fs::path& root, const WalkOptions& options) {
  return detail::walk_files(root, options, nullptr);
}

}  // namespace alith::knowledge
