#include "alith/core/paths.h"

#include <cstdlib>

namespace alith {

std::filesystem::path cache_dir() {
  if (const char* dir = std::getenv("ALITH_CACHE_DIR"); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".cache" / "alith";
}

}  // namespace alith
