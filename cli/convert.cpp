// `alith convert`: a Hugging Face BERT sentence-embedding model folder to a GGUF that llama.cpp embeds with.

#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>

#include "alith/convert/hf_to_gguf.h"
#include "alith/core/json.h"
#include "commands.h"

namespace alith::cli {
namespace {

struct ConvertCliOptions {
  std::string hf_dir;
  std::string out;
  std::string out_type = "f16";
  std::string name;
  bool force = false;
  bool json = false;
};

int run_convert(const ConvertCliOptions& o) {
  convert::ConvertOptions options;
  options.out_type = o.out_type == "f32" ? convert::OutType::f32 : convert::OutType::f16;
  options.name = o.name;
  options.overwrite = o.force;
  const auto start = std::chrono::steady_clock::now();
  const auto r = convert::convert_bert_to_gguf(o.hf_dir, o.out, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.json) {
    Json out{{"output", o.out},          {"architecture", r.architecture},
             {"pooling", r.pooling},     {"normalize", r.normalize},
             {"n_vocab", r.n_vocab},     {"n_embd", r.n_embd},
             {"n_layer", r.n_layer},     {"n_head", r.n_head},
             {"n_ff", r.n_ff},           {"n_ctx", r.n_ctx},
             {"n_tensors", r.n_tensors}, {"n_parameters", r.n_parameters},
             {"bytes", r.bytes},         {"out_type", o.out_type},
             {"seconds", seconds}};
    std::cout << dump_json(out, 2) << "\n";
    return 0;
  }
  std::cout << "wrote " << o.out << " (" << o.out_type << ", " << r.bytes << " bytes) in " << std::fixed
            << std::setprecision(2) << seconds << " s\n"
            << "  " << r.architecture << ": " << r.n_layer << " layers, " << r.n_embd << " dims, " << r.n_head
            << " heads, " << r.n_vocab << " tokens, context " << r.n_ctx << ", " << r.n_tensors
            << " tensors, " << r.n_parameters << " parameters\n"
            << "  pooling: " << r.pooling << (r.normalize ? " (the model's pipeline L2-normalizes)" : "")
            << "\n";
  return 0;
}

}  // namespace

Command add_convert(CLI::App& app) {
  auto options = std::make_shared<ConvertCliOptions>();
  auto* sub = app.add_subcommand(
      "convert", "Convert a Hugging Face BERT embedding model folder (safetensors) to GGUF for llama.cpp");
  sub->add_option("hf-folder", options->hf_dir,
                  "Folder with config.json, model.safetensors and the tokenizer")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub->add_option("out", options->out, "The GGUF file to write")->required();
  sub->add_option("--outtype", options->out_type, "f16 (matrices in half precision) or f32")
      ->check(CLI::IsMember({"f16", "f32"}));
  sub->add_option("--name", options->name, "general.name in the GGUF (default: the folder's name)");
  sub->add_flag("-f,--force", options->force, "Replace the output file if it exists");
  sub->add_flag("--json", options->json, "Print the report as JSON");
  return [options] { return run_convert(*options); };
}

}  // namespace alith::cli
