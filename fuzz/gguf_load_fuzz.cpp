// Model files are untrusted input: any byte string handed to Model::load gives a model or a typed error,
// never a crash or a hang. The seed corpus holds a tiny BERT GGUF that llama.cpp loads, so mutations reach
// past the header into metadata, tensor tables and data. A BERT model that loads is also opened by the
// Embedder (the oneDNN encoder reads the file again with its own shape checks) and embeds a short text.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "alith/core/error.h"
#include "alith/inference/embedder.h"
#include "alith/inference/model.h"

namespace {

// llama.cpp loads from a path: one file per fuzzing process, removed when the process exits.
struct ScratchFile {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("alith-gguf-fuzz-" + std::to_string(::getpid()) + ".gguf");
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchFile scratch;
  {
    std::ofstream out(scratch.path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    alith::inference::LoadOptions options;
    options.repack = false;
    auto model = alith::inference::Model::load(scratch.path, options);
    (void)model->metadata();
    if (model->metadata().architecture == "bert") {
      alith::inference::EmbedderOptions eo;
      eo.threads = 1;
      auto embedder = alith::inference::Embedder::create(model, eo);
      (void)embedder->embed({"a short text to embed"});
    }
  } catch (const alith::Error&) {
  }
  return 0;
}
