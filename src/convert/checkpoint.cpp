#include "checkpoint.h"

#include <set>

#include "alith/core/error.h"
#include "json_file.h"

namespace alith::convert {

Checkpoint::Checkpoint(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> paths;
  const auto single = dir / "model.safetensors";
  const auto index_path = dir / "model.safetensors.index.json";
  std::error_code ec;
  if (std::filesystem::exists(single, ec)) {
    paths.push_back(single);
  } else if (std::filesystem::exists(index_path, ec)) {
    const Json index = read_json_file(index_path);
    auto map = index.is_object() ? index.find("weight_map") : index.end();
    if (map == index.end() || !map->is_object())
      throw ParseError(index_path.string() + ": no weight_map object");
    std::set<std::string> shards;
    for (const auto& [name, file] : map->items()) {
      // Shard names come from the folder's own files; keep them inside the folder.
      if (!file.is_string() || file.get<std::string>().empty() ||
          file.get<std::string>().find_first_of("/\\") != std::string::npos ||
          file.get<std::string>() == "..")
        throw ParseError(index_path.string() + ": tensor '" + name + "' names no plain shard file");
      shards.insert(file.get<std::string>());
    }
    for (const auto& s : shards) paths.push_back(dir / s);
  } else if (std::filesystem::exists(dir / "pytorch_model.bin", ec)) {
    throw UnsupportedError(dir.string() + " has only pytorch_model.bin; convert needs model.safetensors");
  } else {
    throw IoError(dir.string() + " has no model.safetensors");
  }

  std::set<std::string> seen;
  for (const auto& p : paths) {
    files_.push_back(std::make_unique<SafetensorsFile>(p));
    SafetensorsFile* file = files_.back().get();
    for (const auto& t : file->header().tensors) {
      if (!seen.insert(t.name).second) throw ParseError("tensor '" + t.name + "' is in more than one shard");
      entries_.push_back(Entry{&t, file});
    }
  }
}

}  // namespace alith::convert
