#pragma once

#include <filesystem>

namespace alith {

// alith's cache: $ALITH_CACHE_DIR, else ~/.cache/alith (models, embedding cache, built dependencies).
std::filesystem::path cache_dir();

}  // namespace alith
