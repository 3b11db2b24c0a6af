#pragma once

// The real Gemma 3 270M model, loaded once per test binary and shared by the tests (scripts/setup installs
// it).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "alith/inference/engine.h"
#include "alith/inference/model.h"

namespace alith::inference::testing {

inline std::filesystem::path gemma_path() {
  if (const char* env = std::getenv("ALITH_TEST_MODEL")) return env;
  return ALITH_DEFAULT_TEST_MODEL;
}

inline std::shared_ptr<Model> gemma() {
  static ModelRegistry registry;  // test-binary scope: every test shares one load
  static std::shared_ptr<Model> model = registry.load(gemma_path());
  return model;
}

inline SamplingParams greedy() {
  SamplingParams s;
  s.temperature = 0;
  return s;
}

}  // namespace alith::inference::testing
