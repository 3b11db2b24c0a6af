#include "alith/core/paths.h"

#include <cstdlib>

namespace alith {

std::filesystem::path cache_dir() {
  if (const char* dir = std::getenv("ALITH_CACHE_DIR"); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".cache" / "alith";
}

std::filesystem::path state_dir() {
  if (const char* dir = std::getenv("ALITH_STATE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "alith";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".local" / "state" / "alith";
}

}  // namespace alith
