#pragma once

#include <filesystem>

namespace alith {

// alith's cache: $ALITH_CACHE_DIR, else ~/.cache/alith (models, embedding cache, built dependencies).
std::filesystem::path cache_dir();

// alith's state (workflow checkpoints): $ALITH_STATE_DIR, else $XDG_STATE_HOME/alith, else
// ~/.local/state/alith. Not created here.
std::filesystem::path state_dir();

}  // namespace alith
