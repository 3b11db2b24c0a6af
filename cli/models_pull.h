#pragma once

#include <string>

namespace alith::cli {

// Installs a catalog model (see alith/inference/local_model.h) into the model cache; force reinstalls.
int pull_model(const std::string& name, bool force);

}  // namespace alith::cli
