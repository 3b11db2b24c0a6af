#include "alith/inference/model.h"

#include <gguf.h>
#include <llama.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <system_error>
#include <thread>

#include "alith/core/error.h"
#include "alith/inference/devices.h"
#include "backend.h"

namespace alith::inference {

namespace {

std::string meta_value(const llama_model* model, const char* key) {
  std::array<char, 512> buf{};
  const int32_t n = llama_model_meta_val_str(model, key, buf.data(), buf.size());
  return n < 0 ? std::string() : std::string(buf.data());
}

// Cheap checks before llama.cpp sees the file, so that the common mistakes get a precise message: a missing
// path, a directory, an empty file, a file that is not GGUF at all.
void precheck(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw IoError("model file not found: " + path.string());
  if (!std::filesystem::is_regular_file(status)) throw IoError("model path is not a file: " + path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open model file: " + path.string());
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  if (in.gcount() == 0) throw ParseError("model file is empty: " + path.string(), 0);
  if (in.gcount() < 4 || std::string_view(magic.data(), 4) != "GGUF") {
    throw ParseError("not a GGUF file (bad magic): " + path.string(), 0);
  }
  // The GGUF header, key/values and tensor infos, with every offset checked against the file size, without
  // loading tensor data. A truncated or corrupted header stops here.
  gguf_init_params params{};
  params.no_alloc = true;
  params.ctx = nullptr;
  gguf_context* ctx = gguf_init_from_file(path.c_str(), params);
  if (ctx == nullptr) throw ParseError("malformed GGUF (header, metadata or tensor table): " + path.string());
  gguf_free(ctx);
}

void silent_log(ggml_log_level, const char*, void*) {}

// llama.cpp checks hyperparameters and tensor shapes with GGML_ASSERT, which aborts the whole process (the
// fuzzer found one: a block count of 0). So the file is first loaded as a dry run (metadata and tensor
// shapes, no data) in a forked child; an abort there becomes a ParseError here. The child touches nothing but
// llama.cpp and leaves with _exit, so no lock another thread held at fork time is ever taken.
void probe_in_child(const std::filesystem::path& path, llama_model_params params) {
  const pid_t pid = ::fork();
  if (pid < 0) return;  // cannot fork: fall back to the direct load
  if (pid == 0) {
    // Die by the signal itself, not through handlers inherited from the parent (a fuzzer's, a sanitizer's).
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP}) ::signal(sig, SIG_DFL);
    llama_log_set(silent_log, nullptr);
    params.no_alloc = true;
    params.load_mode = LLAMA_LOAD_MODE_NONE;  // no_alloc with mmap aborts on valid files in this llama.cpp
    params.n_gpu_layers = 0;
    params.progress_callback = nullptr;
    llama_model* model = llama_model_load_from_file(path.c_str(), params);
    ::_exit(model != nullptr ? 0 : 1);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw ParseError("reading " + path.string() + " did not finish in 120 s (a malformed GGUF?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFSIGNALED(status)) {
    throw ParseError("llama.cpp rejected " + path.string() +
                     " by aborting (invalid hyperparameters or tensor shapes); the file is malformed");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    throw ParseError(
        "llama.cpp could not load " + path.string() +
        " (missing keys, an unknown architecture, or inconsistent tensors; ALITH_LOG=debug shows why)");
  }
}

ModelMetadata read_metadata(const llama_model* model, const std::string& template_override) {
  ModelMetadata m;
  m.architecture = meta_value(model, "general.architecture");
  m.name = meta_value(model, "general.name");
  std::array<char, 256> desc{};
  llama_model_desc(model, desc.data(), desc.size());
  m.description = desc.data();
  m.quantization = llama_ftype_name(llama_model_ftype(model));
  m.parameters = llama_model_n_params(model);
  m.size_bytes = llama_model_size(model);
  m.context_length = llama_model_n_ctx_train(model);
  m.embedding_length = llama_model_n_embd(model);
  m.layers = llama_model_n_layer(model);
  m.vocab_size = llama_vocab_n_tokens(llama_model_get_vocab(model));
  m.has_encoder = llama_model_has_encoder(model);
  m.has_decoder = llama_model_has_decoder(model);
  if (!template_override.empty()) {
    m.chat_template = template_override;
  } else if (const char* tmpl = llama_model_chat_template(model, nullptr)) {
    m.chat_template = tmpl;
  }
  const int32_t count = llama_model_meta_count(model);
  for (int32_t i = 0; i < count; ++i) {
    std::array<char, 256> key{};
    std::array<char, 1024> value{};
    if (llama_model_meta_key_by_index(model, i, key.data(), key.size()) < 0) continue;
    if (llama_model_meta_val_str_by_index(model, i, value.data(), value.size()) < 0) continue;
    m.gguf.emplace(key.data(), value.data());
  }
  return m;
}

// llama.cpp's tokenizer asserts (aborts the process) when a model asks for special tokens its vocabulary does
// not define: WordPiece always wraps a text in [CLS] ... [SEP]; SentencePiece-style vocabularies add BOS or
// EOS when their flags say so. A GGUF with such metadata is malformed: refuse it at load instead.
void check_special_tokens(const llama_model* model, const std::filesystem::path& path) {
  const llama_vocab* vocab = llama_model_get_vocab(model);
  const auto missing = [&](const char* which) {
    throw ParseError(path.string() + ": the tokenizer needs a " + which +
                     " token that the GGUF does not define");
  };
  switch (llama_vocab_type(vocab)) {
    case LLAMA_VOCAB_TYPE_WPM:
      if (llama_vocab_bos(vocab) == LLAMA_TOKEN_NULL) missing("[CLS] (BOS)");
      if (llama_vocab_sep(vocab) == LLAMA_TOKEN_NULL) missing("[SEP]");
      break;
    case LLAMA_VOCAB_TYPE_SPM:
    case LLAMA_VOCAB_TYPE_UGM:
    case LLAMA_VOCAB_TYPE_BPE:
      if (llama_vocab_get_add_bos(vocab) && llama_vocab_bos(vocab) == LLAMA_TOKEN_NULL) missing("BOS");
      if (llama_vocab_get_add_eos(vocab) && llama_vocab_eos(vocab) == LLAMA_TOKEN_NULL) missing("EOS");
      break;
    default:
      break;
  }
}

}  // namespace

void Model::Deleter::operator()(llama_model* model) const noexcept {
  llama_model_free(model);
}

Model::Model(std::filesystem::path path, LoadOptions options, std::unique_ptr<llama_model, Deleter> model)
    : path_(std::move(path)), options_(std::move(options)), model_(std::move(model)) {
  metadata_ = read_metadata(model_.get(), options_.chat_template);
}

Model::~Model() = default;

std::shared_ptr<Model> Model::load(const std::filesystem::path& path, const LoadOptions& options) {
  detail::ensure_backend();
  precheck(path);
  llama_model_params params = llama_model_default_params();
  params.n_gpu_layers = options.gpu_layers >= 0 ? options.gpu_layers : default_gpu_layers();
  params.load_mode = options.use_mmap ? LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE;
  params.check_tensors = options.check_tensors;
  params.use_extra_bufts = options.repack;
  probe_in_child(path, params);
  std::unique_ptr<llama_model, Deleter> model(llama_model_load_from_file(path.c_str(), params));
  if (!model) {
    throw ParseError(
        "llama.cpp could not load " + path.string() +
        " (corrupted tensor data, an unknown architecture, or missing keys; ALITH_LOG=debug shows why)");
  }
  check_special_tokens(model.get(), path);
  return std::shared_ptr<Model>(new Model(path, options, std::move(model)));
}

std::shared_ptr<Model> ModelRegistry::load(const std::filesystem::path& path, const LoadOptions& options) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(path, ec);
  if (ec) canonical = path;
  const std::string key = canonical.string() + '\n' + std::to_string(options.gpu_layers) + '\n' +
                          (options.use_mmap ? "m" : "-") + (options.repack ? "r" : "-") + '\n' +
                          options.chat_template;
  // Loading under the lock keeps two threads from loading the same file twice; loads of different files
  // serialize too, which is fine for something that happens once per model.
  std::lock_guard lock(mutex_);
  if (auto it = models_.find(key); it != models_.end()) {
    if (auto alive = it->second.lock()) return alive;
  }
  auto model = Model::load(canonical, options);
  models_[key] = model;
  return model;
}

size_t ModelRegistry::loaded() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [key, weak] : models_) n += weak.expired() ? 0 : 1;
  return n;
}

}  // namespace alith::inference
