#include "alith/convert/hf_to_gguf.h"

#include <set>

#include "alith/core/error.h"
#include "bert_config.h"
#include "bert_tensors.h"
#include "checkpoint.h"
#include "gguf_writer.h"
#include "tensor_data.h"
#include "vocab.h"

namespace alith::convert {
namespace {

constexpr const char* kArch = "bert";

// llama.cpp's llama_ftype values for general.file_type.
constexpr uint32_t kFileTypeAllF32 = 0;
constexpr uint32_t kFileTypeMostlyF16 = 1;

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

struct Job {
  const TensorTarget* target;
  Checkpoint::Entry source;
};

// Pairs every checkpoint tensor with its place in llama.cpp's BERT and checks that nothing required is
// missing: llama.cpp refuses a file with extra tensors as well as one with missing ones.
std::vector<Job> match_tensors(const Checkpoint& checkpoint,
                               const std::map<std::string, TensorTarget>& plan) {
  std::vector<Job> jobs;
  std::set<std::string> found;
  for (const auto& entry : checkpoint.tensors()) {
    const auto name = canonical_bert_name(entry.info->name);
    if (!name) continue;
    auto it = plan.find(*name);
    if (it == plan.end())
      throw UnsupportedError("tensor '" + entry.info->name + "' has no place in llama.cpp's BERT");
    if (!found.insert(*name).second)
      throw ParseError("tensor '" + *name + "' appears twice (with and without the bert. prefix)");
    if (entry.info->shape != it->second.shape)
      throw ParseError("tensor '" + entry.info->name + "' has shape " + shape_text(entry.info->shape) +
                       ", config.json implies " + shape_text(it->second.shape));
    jobs.push_back(Job{&it->second, entry});
  }
  for (const auto& [name, target] : plan) {
    if (target.required && !found.count(name)) throw ParseError("the checkpoint lacks tensor '" + name + "'");
  }
  return jobs;
}

void write_hparams(GgufWriter& w, const BertConfig& c, const std::string& name, OutType out_type) {
  const std::string a = kArch;
  w.set_string("general.architecture", a);
  w.set_string("general.name", name);
  w.set_u32("general.file_type", out_type == OutType::f16 ? kFileTypeMostlyF16 : kFileTypeAllF32);
  w.set_u32("general.quantization_version", 2);
  w.set_u32(a + ".context_length", c.n_ctx);
  w.set_u32(a + ".embedding_length", c.n_embd);
  w.set_u32(a + ".feed_forward_length", c.n_ff);
  w.set_u32(a + ".block_count", c.n_layer);
  w.set_u32(a + ".attention.head_count", c.n_head);
  w.set_f32(a + ".attention.layer_norm_epsilon", c.norm_eps);
  w.set_bool(a + ".attention.causal", false);
  if (c.has_pooling) w.set_u32(a + ".pooling_type", static_cast<uint32_t>(c.pooling));
}

void write_vocab(GgufWriter& w, const WordPieceVocab& vocab, const BertConfig& c) {
  w.set_string("tokenizer.ggml.model", "bert");
  // llama.cpp reads no pre-tokenizer for WordPiece vocabularies (it splits words itself); its converter names
  // one from a hash of the tokenizer's output, which needs the Python tokenizer, so write the neutral value.
  w.set_string("tokenizer.ggml.pre", "default");
  w.set_strings("tokenizer.ggml.tokens", llama_wpm_spelling(vocab));
  std::vector<int32_t> types;
  types.reserve(vocab.types.size());
  for (auto t : vocab.types) types.push_back(static_cast<int32_t>(t));
  w.set_i32s("tokenizer.ggml.token_type", types);
  w.set_u32("tokenizer.ggml.token_type_count", c.n_token_types);

  // GGUF key names for each special token kind (llama.cpp spells the separator key "seperator").
  static const std::map<std::string, std::string> kIdKeys{
      {"bos", "bos_token_id"},       {"eos", "eos_token_id"},     {"unk", "unknown_token_id"},
      {"sep", "seperator_token_id"}, {"pad", "padding_token_id"}, {"cls", "cls_token_id"},
      {"mask", "mask_token_id"}};
  for (const auto& [kind, id] : vocab.special_ids) {
    if (auto key = kIdKeys.find(kind); key != kIdKeys.end()) w.set_u32("tokenizer.ggml." + key->second, id);
  }
  if (vocab.add_bos) w.set_bool("tokenizer.ggml.add_bos_token", *vocab.add_bos);
  if (vocab.add_eos) w.set_bool("tokenizer.ggml.add_eos_token", *vocab.add_eos);
  if (vocab.add_sep) w.set_bool("tokenizer.ggml.add_sep_token", *vocab.add_sep);
  if (vocab.lowercase) w.set_bool("tokenizer.ggml.normalizer.lowercase", *vocab.lowercase);
  if (vocab.strip_accents) w.set_bool("tokenizer.ggml.normalizer.strip_accents", *vocab.strip_accents);
}

}  // namespace

ConvertReport convert_bert_to_gguf(const std::filesystem::path& hf_dir, const std::filesystem::path& out,
                                   const ConvertOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(hf_dir, ec)) throw IoError(hf_dir.string() + " is not a directory");
  if (std::filesystem::exists(out, ec) && !options.overwrite)
    throw InvalidArgumentError(out.string() +
                               " exists (replace it with --force, or ConvertOptions::overwrite)");

  const BertConfig config = read_bert_config(hf_dir);
  const WordPieceVocab vocab = read_wordpiece_vocab(hf_dir, config.n_vocab);
  Checkpoint checkpoint(hf_dir);
  const auto plan = bert_tensor_plan(config);
  const auto jobs = match_tensors(checkpoint, plan);

  std::string name = options.name;
  if (name.empty()) name = std::filesystem::absolute(hf_dir, ec).lexically_normal().filename().string();
  if (name.empty())
    name = std::filesystem::absolute(hf_dir, ec).lexically_normal().parent_path().filename().string();

  GgufWriter writer(jobs.size());
  write_hparams(writer, config, name, options.out_type);
  write_vocab(writer, vocab, config);

  ConvertReport report;
  for (const auto& job : jobs) {
    const TensorInfo& info = *job.source.info;
    const auto values = to_f32(job.source.file->read(info), info.dtype, info.name);
    const bool half = options.out_type == OutType::f16 && !job.target->keep_f32;
    std::vector<int64_t> ne(info.shape.rbegin(),
                            info.shape.rend());  // ggml lists the innermost dimension first
    writer.add_tensor(job.target->gguf_name, half ? GgufTensorType::f16 : GgufTensorType::f32, ne,
                      half ? f16_bytes(values, info.name) : f32_bytes(values));
    report.n_parameters += values.size();
  }
  report.bytes = writer.write(out);

  report.architecture = kArch;
  report.pooling = config.has_pooling ? std::string(pooling_name(config.pooling)) : "none";
  report.normalize = config.normalize;
  report.n_vocab = config.n_vocab;
  report.n_embd = config.n_embd;
  report.n_layer = config.n_layer;
  report.n_head = config.n_head;
  report.n_ff = config.n_ff;
  report.n_ctx = config.n_ctx;
  report.n_tensors = jobs.size();
  return report;
}

}  // namespace alith::convert
