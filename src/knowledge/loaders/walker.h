#pragma once

// The directory walk behind walk() and load_paths(): errors go to a callback so a load can record them and go
// on.

#include <filesystem>
#include <functional>
#include <vector>

#include "alith/core/error.h"
#include "alith/knowledge/walk.h"

namespace alith::knowledge::detail {

// Called for a directory that cannot be read; the walk goes on without it.
using WalkErrorHandler = std::function<void(const std::filesystem::path& where, const Error& error)>;

// walk() with errors below the root reported to on_error (thrown when on_error is empty). The root's own
// errors are always thrown.
std::vector<std::filesystem::path> walk_files(const std::filesystem::path& root, const WalkOptions& options,
                                              const WalkErrorHandler& on_error);

}  // namespace alith::knowledge::detail
