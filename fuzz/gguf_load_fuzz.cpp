// Model files are untrusted input: any byte string handed to Model::load gives a model or a typed error,
// never a crash or a hang. The seed corpus holds a tiny BERT GGUF that llama.cpp loads, so mutations reach
// past the header into metadata, tensor tables and data.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "alith/core/error.h"
#include "alith/inference/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // llama.cpp loads from a path; one file per fuzzing process.
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("alith-gguf-fuzz-" + std::to_string(::getpid()) + ".gguf");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    alith::inference::LoadOptions options;
    options.repack = false;
    auto model = alith::inference::Model::load(path, options);
    (void)model->metadata();
  } catch (const alith::Error&) {
  }
  return 0;
}
