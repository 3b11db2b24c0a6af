#pragma once

// Finding files to load: glob patterns and a deterministic directory walk.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace alith::knowledge {

// Glob matching on '/'-separated relative paths, in the spirit of .gitignore:
//   *        any run of characters within one path component (never '/')
//   ?        one character (a UTF-8 code point), never '/'
//   [abc] [a-z] [!x] [^x]   one character from (or not from) the set; ']' first in the set is literal
//   **       as a whole component: zero or more components ("a/**/b" matches "a/b" and "a/x/y/b";
//            "a/**" matches "a" itself and everything below it; "**" alone matches everything);
//            elsewhere it is a plain '*'
//   \c       the character c literally
// A pattern without '/' matches the last component at any depth ("*.md" matches "docs/guide.md"); a pattern
// with '/' is anchored at the root (a leading '/' is allowed and ignored). A trailing '/' is ignored.
// Matching is linear in pattern length times path length: no pattern makes it exponential.
bool glob_match(std::string_view pattern, std::string_view relative_path);

struct WalkOptions {
  // Files to keep, as globs relative to the root. Empty: every file whose extension a loader knows
  // (supported_extension()).
  std::vector<std::string> include;
  // Files and directories to leave out, as globs relative to the root. A directory that matches is not
  // entered ("build", "**/node_modules", "cache/**" all prune the directory).
  std::vector<std::string> exclude;
  // Entries whose name starts with '.' are skipped (directories not entered) unless this is set.
  bool hidden = false;
  // Symbolic links are skipped unless this is set. When followed, each directory is entered once (by device
  // and inode), so link cycles end and a directory linked twice is not listed twice; dangling links are
  // skipped.
  bool follow_symlinks = false;
};

// The regular files under root that pass the options, as root / relative path, sorted by relative path
// (byte order, '/' separated), so two walks of the same tree agree. A root that is a file is returned alone.
// Throws IoError when the root does not exist or a directory cannot be read.
std::vector<std::filesystem::path> walk(const std::filesystem::path& root, const WalkOptions& options = {});

// Whether a loader knows the extension of this file name (".txt", ".md", ".pdf", ...; case-insensitive).
bool supported_extension(const std::filesystem::path& path);

}  // namespace alith::knowledge
